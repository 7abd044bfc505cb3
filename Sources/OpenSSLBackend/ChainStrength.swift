#if OpenSSL
import COpenSSL
import SecureSockets

/// Keys and signatures in a certificate chain that fall below 112-bit security, judged as the
/// GnuTLS backend judges them (GnuTLS's `MEDIUM` profile, OpenSSL's security level 2): RSA and
/// DSA keys under 2048 bits, signatures made with SHA-1 or MD5. The same problems, in the same
/// words, on both backends.
enum ChainStrength {
    /// The weaknesses of `chain` (leaf first). The signature of a self-signed certificate other
    /// than the leaf is not judged: a trust anchor is trusted as it is, not for its signature.
    static func weaknesses(of chain: [OpaquePointer]) -> [CertificateVerificationFailure.Problem] {
        var problems: [CertificateVerificationFailure.Problem] = []
        for (index, certificate) in chain.enumerated() {
            let subject = CertificateDescription.name(X509_get_subject_name(certificate))
            if let key = X509_get0_pubkey(certificate), EVP_PKEY_get_security_bits(key) < 112,
               let (algorithm, minimum) = Self.finiteFieldKey(key) {
                problems.append(.weakKey(subject: subject, algorithm: algorithm, bits: Int(EVP_PKEY_get_bits(key)), minimum: minimum))
            }
            let selfSigned = X509_get_extension_flags(certificate) & UInt32(EXFLAG_SS) != 0
            if index == 0 || !selfSigned {
                var digest: Int32 = NID_undef
                var keyType: Int32 = NID_undef
                if X509_get_signature_info(certificate, &digest, &keyType, nil, nil) == 1,
                   [NID_sha1, NID_md5, NID_md2].contains(digest) {
                    problems.append(.weakSignature(subject: subject, algorithm: CertificateDescription.signatureAlgorithm(certificate)))
                }
            }
        }
        return problems
    }

    /// The start-up warning for a certificate this side presents, or nil when its chain is strong
    /// (the GnuTLS backend's sentence).
    static func warning(forOwnChain chain: [X509Handle], label: String) -> String? {
        let problems = weaknesses(of: chain.map(\.pointer))
        guard !problems.isEmpty else { return nil }
        return "certificate \(label): " + problems.map(\.text).joined(separator: "; ")
            + ": clients that verify at the secure default, and OpenSSL at its default security level, refuse it"
    }

    /// The name GnuTLS gives the key's algorithm and the bits it requires at 112-bit security;
    /// nil for elliptic-curve keys, whose smallest curves already reach it.
    private static func finiteFieldKey(_ key: OpaquePointer) -> (String, Int)? {
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: return ("RSA", 2048)
        case EVP_PKEY_DSA: return ("DSA", 2048)
        default: return nil
        }
    }
}
#endif
