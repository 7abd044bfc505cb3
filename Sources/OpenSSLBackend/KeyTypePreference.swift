#if OpenSSL
import COpenSSL
import SecureSockets

/// TLS 1.3 on a server with several pairs: an ECDSA pair the client can verify serves before an
/// RSA one, as on the GnuTLS backend. OpenSSL alone takes the first of the client's signature
/// algorithms it has a pair for, and GnuTLS clients list RSA first.
enum KeyTypePreference {
    /// `candidates` (indices into `identities`, preferred first) narrowed to the first ECDSA pair
    /// whose curve the client's signature algorithms name; unchanged before TLS 1.3 (the cipher
    /// suite decides the key type there) or when the client accepts none.
    static func preferred(_ candidates: [Int], identities: [OpenSSLIdentity], ssl: OpaquePointer) -> [Int] {
        guard SSL_version(ssl) == TLS1_3_VERSION else { return candidates }
        var accepted: Set<UInt16> = []
        let count = SSL_get_sigalgs(ssl, -1, nil, nil, nil, nil, nil)
        for index in 0..<max(0, count) {
            var signature: UInt8 = 0
            var hash: UInt8 = 0
            _ = SSL_get_sigalgs(ssl, index, nil, nil, nil, &signature, &hash)
            accepted.insert(UInt16(hash) << 8 | UInt16(signature))
        }
        let ecdsa = candidates.first { index in
            let key = identities[index].key.pointer
            guard EVP_PKEY_get_base_id(key) == NID_X9_62_id_ecPublicKey else { return false }
            // The TLS 1.3 scheme of each curve: ecdsa_secp256r1_sha256, …384r1_sha384, …521r1_sha512.
            let scheme: UInt16 = switch EVP_PKEY_get_bits(key) {
            case 256: 0x0403
            case 384: 0x0503
            case 521: 0x0603
            default: 0
            }
            return accepted.contains(scheme)
        }
        return ecdsa.map { [$0] } ?? candidates
    }
}
#endif
