import CGnuTLS
import SecureSockets

/// Reads why GnuTLS rejected the peer's certificate and says it in words.
enum Verification {
    static func failure(_ session: GnuTLSSession) -> CertificateVerificationFailure {
        let status = session.verificationStatus
        let chain = PeerCertificates.chain(of: session.session)
        let leaf = chain.first
        let peer: TLSConfiguration.Role = session.role == .server ? .client : .server
        var text = "the certificate is not trusted"
        if status != UInt32.max {
            var datum = GnuTLSDatum()
            if gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &datum.raw, 0) == 0 {
                text = datum.string
            }
        }
        guard status != UInt32.max else {
            return CertificateVerificationFailure(problems: [leaf == nil ? .noCertificate : .other(text)],
                                                  certificate: leaf, libraryText: text, peer: peer)
        }
        func has(_ flag: gnutls_certificate_status_t) -> Bool { status & flag.rawValue != 0 }
        var problems: [CertificateVerificationFailure.Problem] = []
        if has(GNUTLS_CERT_EXPIRED) {
            let expired = chain.first(where: { $0.isExpired() }) ?? leaf
            if let expired { problems.append(.expired(expired.notAfter)) }
        }
        if has(GNUTLS_CERT_NOT_ACTIVATED) {
            let early = chain.first(where: { $0.isNotYetValid() }) ?? leaf
            if let early { problems.append(.notYetValid(early.notBefore)) }
        }
        if has(GNUTLS_CERT_SIGNER_NOT_FOUND), let leaf {
            problems.append(.unknownIssuer(issuer: (chain.last ?? leaf).issuer, sha256Fingerprint: leaf.sha256Fingerprint))
        }
        if has(GNUTLS_CERT_UNEXPECTED_OWNER) {
            problems.append(.nameMismatch(expected: session.expectedName ?? "", names: leaf?.namesForMatching ?? []))
        }
        if has(GNUTLS_CERT_SIGNER_NOT_CA) { problems.append(.signerNotCA) }
        if has(GNUTLS_CERT_REVOKED) {
            // Said by the response the server stapled, when it says so (GnuTLS checks it with the chain).
            if let stapled = OCSPStapling.received(session.session), stapled.certificateStatus == .revoked {
                problems.append(.other("certificate revoked: the OCSP response the server stapled says \(stapled.summary)"))
            } else {
                problems.append(.revoked)
            }
        }
        if has(GNUTLS_CERT_INVALID_OCSP_STATUS) {
            problems.append(.other("the OCSP response the server stapled does not verify (not signed by the certificate's issuer or a responder it named)"))
        }
        if has(GNUTLS_CERT_MISSING_OCSP_STATUS) {
            problems.append(.other("the certificate requires a stapled OCSP response (TLS feature status_request) and the server stapled none"))
        }
        if has(GNUTLS_CERT_PURPOSE_MISMATCH) {
            let purpose = session.peerPurpose ?? .tlsServer
            // The leaf's purposes, or those of the first certificate in the chain that lacks the
            // purpose (GnuTLS also refuses a CA whose extended key usage excludes it).
            let lists = PeerCertificates.der(of: session.session).map { der in der.withUnsafeBytes { KeyPurpose.purposes(ofDER: $0) } }
            let offending = lists.first { list in
                guard let list else { return false }
                return !list.contains(purpose) && !list.contains(.other(GNUTLS_KP_ANY))
            }
            let allowed = (offending ?? lists.first ?? nil) ?? []
            problems.append(.wrongPurpose(required: purpose.name, allowed: allowed.map(\.name)))
        }
        if has(GNUTLS_CERT_INSECURE_ALGORITHM) {
            let weaknesses = ChainStrength.weaknesses(of: PeerCertificates.der(of: session.session))
            problems += weaknesses.isEmpty ? [.insecureAlgorithm] : weaknesses
        }
        if has(GNUTLS_CERT_SIGNATURE_FAILURE) { problems.append(.signatureFailure) }
        if problems.isEmpty { problems.append(.other(text)) }
        return CertificateVerificationFailure(problems: problems, certificate: leaf, libraryText: text, peer: peer)
    }

    /// The alert that tells the peer why its certificate was refused (RFC 8446 §6.2): `unknown_ca`
    /// for an issuer not trusted, `certificate_revoked`, `certificate_expired` (also for one not
    /// yet valid), `unsupported_certificate` for a purpose the certificate does not allow, and
    /// `bad_certificate` for anything else (a name mismatch, a weak or broken signature).
    static func alert(_ session: GnuTLSSession) -> gnutls_alert_description_t {
        let status = session.verificationStatus
        guard status != UInt32.max else { return GNUTLS_A_BAD_CERTIFICATE }
        func has(_ flag: gnutls_certificate_status_t) -> Bool { status & flag.rawValue != 0 }
        if has(GNUTLS_CERT_SIGNER_NOT_FOUND) || has(GNUTLS_CERT_SIGNER_NOT_CA) { return GNUTLS_A_UNKNOWN_CA }
        if has(GNUTLS_CERT_REVOKED) { return GNUTLS_A_CERTIFICATE_REVOKED }
        if has(GNUTLS_CERT_EXPIRED) || has(GNUTLS_CERT_NOT_ACTIVATED) { return GNUTLS_A_CERTIFICATE_EXPIRED }
        if has(GNUTLS_CERT_PURPOSE_MISMATCH) { return GNUTLS_A_UNSUPPORTED_CERTIFICATE }
        return GNUTLS_A_BAD_CERTIFICATE
    }
}
