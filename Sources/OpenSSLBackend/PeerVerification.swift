#if OpenSSL
import COpenSSL
import SecureSockets

/// Verifies the peer's chain with every problem recorded (OpenSSL stops at the first by
/// default), so the failure names them all, as the GnuTLS backend does.
enum PeerVerification {
    /// One problem OpenSSL found: its `X509_V_ERR_*` code and the certificate concerned.
    struct Finding {
        var code: Int32
        var certificate: CertificateInfo?
    }

    /// The `SSL_CTX_set_cert_verify_callback` callback: runs `X509_verify_cert` with
    /// ``recordProblem`` as the per-certificate callback, then fails with the first problem found.
    static let verifyChain: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { store, _ in
        guard let store, let session = session(of: store) else { return 0 }
        session.verificationFindings = []
        if let leaf = X509_STORE_CTX_get0_cert(store) {
            session.verifiedLeaf = CertificateDescription.info(leaf)
            session.peerPurposes = purposes(leaf)
        }
        X509_STORE_CTX_set_verify_cb(store, recordProblem)
        let result = X509_verify_cert(store)
        let configuration = session.context.configuration
        // A client that verifies nothing is here only for its pins: the chain's problems do not count.
        if session.role == .client && configuration.certificateVerification == .none {
            session.verificationFindings = []
        } else if let first = session.verificationFindings.first {
            X509_STORE_CTX_set_error(store, first.code)
            return 0
        }
        if session.role == .client && !configuration.publicKeyPins.isEmpty {
            let chain = PublicKeyPins.verifiedChain(store, verified: configuration.certificateVerification != .none)
            guard PublicKeyPins.match(chain, configuration.publicKeyPins) else {
                session.pinMismatch = chain
                // OpenSSL answers a rejected certificate with bad_certificate, as the GnuTLS backend does.
                X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
                return 0
            }
            return 1
        }
        return result
    }

    /// The per-certificate callback: records each problem and lets verification go on.
    static let recordProblem: @convention(c) (Int32, OpaquePointer?) -> Int32 = { ok, store in
        guard ok == 0, let store, let session = session(of: store) else { return ok }
        let certificate = X509_STORE_CTX_get_current_cert(store).map { CertificateDescription.info($0) }
        session.verificationFindings.append(Finding(code: X509_STORE_CTX_get_error(store), certificate: certificate))
        return 1
    }

    /// The session whose handshake is verifying with `store`.
    private static func session(of store: OpaquePointer) -> OpenSSLSession? {
        guard let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()) else { return nil }
        return OpenSSLSession.of(OpaquePointer(ssl))
    }

    /// The findings of `session` in the package's words.
    static func failure(_ session: OpenSSLSession) -> CertificateVerificationFailure {
        let peer: TLSConfiguration.Role = session.role == .server ? .client : .server
        let leaf = session.verifiedLeaf
        var problems: [CertificateVerificationFailure.Problem] = []
        var texts: [String] = []
        for finding in session.verificationFindings {
            let text = X509_verify_cert_error_string(Int(finding.code)).map { String(cString: $0) } ?? "error \(finding.code)"
            if !texts.contains(text) { texts.append(text) }
            let problem = Self.problem(finding, leaf: leaf, session: session, libraryText: text)
            if !problems.contains(problem) { problems.append(problem) }
        }
        if problems.isEmpty { problems.append(leaf == nil ? .noCertificate : .other("the certificate is not trusted")) }
        return CertificateVerificationFailure(problems: problems, certificate: leaf,
                                              libraryText: texts.joined(separator: "; "), peer: peer)
    }

    private static func problem(_ finding: Finding, leaf: CertificateInfo?, session: OpenSSLSession,
                                libraryText: String) -> CertificateVerificationFailure.Problem {
        let certificate = finding.certificate ?? leaf
        switch finding.code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            if let certificate { return .expired(certificate.notAfter) }
        case X509_V_ERR_CERT_NOT_YET_VALID:
            if let certificate { return .notYetValid(certificate.notBefore) }
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            if let leaf { return .unknownIssuer(issuer: (certificate ?? leaf).issuer, sha256Fingerprint: leaf.sha256Fingerprint) }
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return .nameMismatch(expected: session.expectedName ?? "", names: leaf?.namesForMatching ?? [])
        case X509_V_ERR_INVALID_CA:
            return .signerNotCA
        case X509_V_ERR_CERT_REVOKED:
            return .revoked
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return .signatureFailure
        case X509_V_ERR_INVALID_PURPOSE:
            let required = session.role == .server ? "TLS client authentication" : "TLS server authentication"
            return .wrongPurpose(required: required, allowed: session.peerPurposes)
        case X509_V_ERR_CA_MD_TOO_WEAK:
            if let certificate { return .weakSignature(subject: certificate.subject, algorithm: certificate.signatureAlgorithm) }
        default:
            break
        }
        return .other(libraryText)
    }

    /// The extended key usages of a certificate in words (empty when it lists none).
    static func purposes(_ certificate: OpaquePointer) -> [String] {
        guard X509_get_extension_flags(certificate) & UInt32(EXFLAG_XKUSAGE) != 0 else { return [] }
        let usage = X509_get_extended_key_usage(certificate)
        let named: [(UInt32, String)] = [
            (UInt32(XKU_SSL_SERVER), "TLS server authentication"), (UInt32(XKU_SSL_CLIENT), "TLS client authentication"),
            (UInt32(XKU_SMIME), "e-mail protection"), (UInt32(XKU_CODE_SIGN), "code signing"),
            (UInt32(XKU_OCSP_SIGN), "OCSP signing"), (UInt32(XKU_TIMESTAMP), "time stamping"),
            (UInt32(XKU_ANYEKU), "any purpose"),
        ]
        return named.filter { usage & $0.0 != 0 }.map(\.1)
    }
}
#endif
