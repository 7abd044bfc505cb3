#if OpenSSL
import COpenSSL
import SecureSockets

/// A client's public key pins (``TLSConfiguration/publicKeyPins``): the server is accepted only
/// when a certificate of its verified chain, leaf to trust anchor, carries a pinned key; without
/// verification, when its leaf does. Checked in the verification callback, before this side's
/// Finished goes out; a resumed session has no Certificate and is not checked again.
enum PublicKeyPins {
    /// The chain `X509_verify_cert` built in `store` (leaf first, up to the anchor it reached), or
    /// the leaf alone when `verified` is false.
    static func verifiedChain(_ store: OpaquePointer, verified: Bool) -> [CertificateInfo] {
        guard verified, let stack = X509_STORE_CTX_get0_chain(store) else {
            return X509_STORE_CTX_get0_cert(store).map { [CertificateDescription.info($0)] } ?? []
        }
        var chain: [CertificateInfo] = []
        var seen: Set<String> = []
        for index in 0..<max(OPENSSL_sk_num(stack), 0) {
            guard let certificate = OPENSSL_sk_value(stack, index) else { continue }
            let info = CertificateDescription.info(OpaquePointer(certificate))
            if seen.insert(info.sha256Fingerprint).inserted { chain.append(info) }
        }
        return chain
    }

    /// True when a certificate of `chain` carries one of `pins`.
    static func match(_ chain: [CertificateInfo], _ pins: [PublicKeyPin]) -> Bool {
        let pinned = Set(pins)
        return chain.contains { $0.publicKeyPin.map(pinned.contains) ?? false }
    }
}
#endif
