import CGnuTLS
import SecureSockets

/// Keys and signatures in a certificate chain that fall below 112-bit security (NIST SP 800-57,
/// GnuTLS's `MEDIUM` verification profile, OpenSSL's security level 2): RSA and DSA keys under
/// 2048 bits, signatures made with SHA-1 or MD5.
package enum ChainStrength {
    /// The weaknesses of the DER certificates in `chain` (leaf first), as verification problems:
    /// ``CertificateVerificationFailure/Problem/weakKey(subject:algorithm:bits:minimum:)`` and
    /// ``CertificateVerificationFailure/Problem/weakSignature(subject:algorithm:)``. The signature of a
    /// self-signed certificate other than the leaf is not judged: a trust anchor is trusted as it is,
    /// not for its signature. Certificates that do not parse are skipped.
    package static func weaknesses(of chain: [[UInt8]]) -> [CertificateVerificationFailure.Problem] {
        var problems: [CertificateVerificationFailure.Problem] = []
        for (index, der) in chain.enumerated() {
            let found: [CertificateVerificationFailure.Problem]? = der.withUnsafeBytes { bytes in
                guard let crt = X509CertificateHandle(der: bytes) else { return nil }
                return weaknesses(of: crt, judgingSignature: index == 0 || !isSelfSigned(crt))
            }
            problems += found ?? []
        }
        return problems
    }

    /// The weaknesses of one imported certificate.
    static func weaknesses(of crt: X509CertificateHandle, judgingSignature: Bool) -> [CertificateVerificationFailure.Problem] {
        var problems: [CertificateVerificationFailure.Problem] = []
        let subject = subjectName(crt)
        var bits: UInt32 = 0
        let code = gnutls_x509_crt_get_pk_algorithm(crt.raw, &bits)
        if code > 0 {
            let algorithm = gnutls_pk_algorithm_t(rawValue: UInt32(code))
            let level = gnutls_pk_bits_to_sec_param(algorithm, bits)
            if bits > 0 && level.rawValue < GNUTLS_SEC_PARAM_MEDIUM.rawValue {
                let name = gnutls_pk_get_name(algorithm).map { String(cString: $0) } ?? "public"
                let minimum = gnutls_sec_param_to_pk_bits(algorithm, GNUTLS_SEC_PARAM_MEDIUM)
                problems.append(.weakKey(subject: subject, algorithm: name, bits: Int(bits), minimum: Int(minimum)))
            }
        }
        if judgingSignature {
            let signature = gnutls_x509_crt_get_signature_algorithm(crt.raw)
            if signature > 0 {
                let algorithm = gnutls_sign_algorithm_t(rawValue: UInt32(signature))
                let hash = gnutls_sign_get_hash_algorithm(algorithm)
                if hash == GNUTLS_DIG_SHA1 || hash == GNUTLS_DIG_MD5 || hash == GNUTLS_DIG_MD2 {
                    let name = gnutls_sign_get_name(algorithm).map { String(cString: $0) } ?? "a broken digest"
                    problems.append(.weakSignature(subject: subject, algorithm: name))
                }
            }
        }
        return problems
    }

    /// The start-up warning for a certificate this side presents, or nil when its chain is strong.
    package static func warning(forOwnChain chain: [[UInt8]], label: String) -> String? {
        let problems = weaknesses(of: chain)
        guard !problems.isEmpty else { return nil }
        return "certificate \(label): " + problems.map(\.text).joined(separator: "; ")
            + ": clients that verify at the secure default, and OpenSSL at its default security level, refuse it"
    }

    private static func isSelfSigned(_ crt: X509CertificateHandle) -> Bool {
        gnutls_x509_crt_check_issuer(crt.raw, crt.raw) != 0
    }

    private static func subjectName(_ crt: X509CertificateHandle) -> String {
        var datum = GnuTLSDatum()
        guard gnutls_x509_crt_get_dn3(crt.raw, &datum.raw, 0) >= 0 else { return "the certificate" }
        let text = datum.string
        return text.isEmpty ? "the certificate" : text
    }

    /// The DER certificates of the PEM text `pem`, in file order (blocks that do not decode are left out).
    package static func certificates(fromPEM pem: [UInt8]) -> [[UInt8]] {
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        let text = String(decoding: pem, as: UTF8.self)
        var found: [[UInt8]] = []
        for block in text.split(separator: begin, omittingEmptySubsequences: false).dropFirst() {
            guard let close = block.firstRange(of: end) else { continue }
            var encoded = Array((begin + block[..<close.lowerBound] + end + "\n").utf8)
            // The decoded bytes are GnuTLS's: their owner releases them.
            var decoded = GnuTLSDatum()
            let code = encoded.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
                return gnutls_pem_base64_decode2("CERTIFICATE", &datum, &decoded.raw)
            }
            if code == GNUTLS_E_SUCCESS { found.append(decoded.bytes) }
        }
        return found
    }
}
