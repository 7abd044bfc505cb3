import CNettleGnuTLS

/// One side of the TLS key exchange through nettle, as GnuTLS 3.7 runs it: P-256 ECDH
/// (ephemeral key generation plus derivation against a fixed peer point, and each step
/// alone) and X25519 (gnutls_rnd for the scalar, curve25519_mul_g, curve25519_mul).
struct KeyExchangeLimits {
    func run(_ stopwatch: Stopwatch) throws -> [Measurement] {
        try p256(stopwatch) + x25519(stopwatch)
    }

    private func p256(_ stopwatch: Stopwatch) throws -> [Measurement] {
        guard let curve = nettle_get_secp_256r1() else { throw LimitsError("nettle has no secp256r1 curve") }
        let secret = OwnedBytes(count: 32)
        let peer = ECDHKeyPair(curve: curve)
        peer.generate()
        let own = ECDHKeyPair(curve: curve)
        own.generate()
        // Both sides must agree, or the loop below would time something else.
        let check = OwnedBytes(count: 32)
        try own.derive(with: peer, into: secret)
        try peer.derive(with: own, into: check)
        guard secret.bytes == check.bytes else { throw LimitsError("P-256 ECDH self-check failed: the two sides disagree") }
        return [
            try stopwatch.measure("ecdhP256") {
                own.generate()
                try own.derive(with: peer, into: secret)
            },
            stopwatch.measure("ecdhP256KeyGen") { own.generate() },
            try stopwatch.measure("ecdhP256Derive") { try own.derive(with: peer, into: secret) },
        ]
    }

    private func x25519(_ stopwatch: Stopwatch) throws -> [Measurement] {
        let size = 32  // CURVE25519_SIZE
        let peerScalar = try OwnedBytes.random(count: size)
        let peerPoint = OwnedBytes(count: size)
        nettle_curve25519_mul_g(peerPoint.pointer, peerScalar.pointer)
        let scalar = OwnedBytes(count: size)
        let point = OwnedBytes(count: size)
        let secret = OwnedBytes(count: size)

        func generate() throws {
            try LimitsError.check(gnutls_rnd(GNUTLS_RND_RANDOM, scalar.pointer, size), "gnutls_rnd")
            nettle_curve25519_mul_g(point.pointer, scalar.pointer)
        }
        func derive() throws {
            nettle_curve25519_mul(secret.pointer, scalar.pointer, peerPoint.pointer)
            // GnuTLS rejects an all-zero shared secret (a low-order peer point).
            var bits: UInt8 = 0
            for index in 0..<size { bits |= secret.pointer[index] }
            guard bits != 0 else { throw LimitsError("X25519 produced an all-zero secret") }
        }

        try generate()
        try derive()
        // Both sides must agree, or the loop below would time something else.
        let check = OwnedBytes(count: size)
        nettle_curve25519_mul(check.pointer, peerScalar.pointer, point.pointer)
        guard secret.bytes == check.bytes else { throw LimitsError("X25519 self-check failed: the two sides disagree") }
        return [
            try stopwatch.measure("x25519") {
                try generate()
                try derive()
            },
            try stopwatch.measure("x25519KeyGen") { try generate() },
            try stopwatch.measure("x25519Derive") { try derive() },
        ]
    }
}
