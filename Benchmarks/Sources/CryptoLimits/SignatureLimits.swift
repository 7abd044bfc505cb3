import CNettleGnuTLS

/// The TLS signatures through GnuTLS's abstract key API: the server's RSA-2048 PKCS#1 v1.5
/// (TLS 1.2 ServerKeyExchange) and RSA-PSS (TLS 1.3 CertificateVerify) signatures, the
/// client's PSS verification, and an ECDSA P-256 signature.
struct SignatureLimits {
    let rsaKey: PrivateKey
    let ecdsaKey: PrivateKey

    /// What is signed: the size of a TLS 1.3 CertificateVerify input (64 spaces, the
    /// context string, a zero byte and a SHA-256 transcript hash), about that of TLS 1.2's
    /// ServerKeyExchange input too.
    static let messageLength = 130

    func run(_ stopwatch: Stopwatch) throws -> [Measurement] {
        let message = try OwnedBytes.random(count: Self.messageLength)
        let pssSignature = try rsaKey.signature(of: message, with: GNUTLS_SIGN_RSA_PSS_RSAE_SHA256)
        let rsaPublic = try PublicKey(of: rsaKey)
        return [
            try stopwatch.measure("rsa2048SignPKCS1") { try rsaKey.sign(message, with: GNUTLS_SIGN_RSA_SHA256) },
            try stopwatch.measure("rsa2048SignPSS") { try rsaKey.sign(message, with: GNUTLS_SIGN_RSA_PSS_RSAE_SHA256) },
            try stopwatch.measure("rsa2048Verify") {
                try rsaPublic.verify(pssSignature, of: message, with: GNUTLS_SIGN_RSA_PSS_RSAE_SHA256)
            },
            try stopwatch.measure("ecdsaP256Sign") { try ecdsaKey.sign(message, with: GNUTLS_SIGN_ECDSA_SECP256R1_SHA256) },
        ]
    }
}
