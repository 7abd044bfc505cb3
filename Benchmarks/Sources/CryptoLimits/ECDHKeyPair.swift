import CNettleGnuTLS

/// A P-256 ECDH key pair held as GnuTLS holds it (GMP integers x, y and k), generated and
/// used through the helpers in ecdh.h, which follow GnuTLS 3.7's lib/nettle/pk.c.
final class ECDHKeyPair {
    private let key: UnsafeMutablePointer<cnettle_ecdh_key>
    private let curve: OpaquePointer

    /// An empty key pair on `curve`; call ``generate()`` before use.
    init(curve: OpaquePointer) {
        self.curve = curve
        key = UnsafeMutablePointer<cnettle_ecdh_key>.allocate(capacity: 1)
        cnettle_ecdh_key_init(key)
    }

    /// A new ephemeral key pair replaces this one (ecdsa_generate_keypair and export).
    func generate() {
        cnettle_ecdh_generate(curve, key)
    }

    /// The shared secret with `peer`'s public point, into `secret` (32 bytes for P-256).
    func derive(with peer: ECDHKeyPair, into secret: OwnedBytes) throws {
        guard cnettle_ecdh_derive(curve, key, peer.key, secret.pointer, secret.count) == 1 else {
            throw LimitsError("ECDH derivation rejected the peer point or the scalar")
        }
    }

    deinit {
        cnettle_ecdh_key_clear(key)
        key.deallocate()
    }
}
