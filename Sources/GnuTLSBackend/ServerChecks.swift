import CGnuTLS
import SecureSockets

/// What a client checks about the server once GnuTLS has verified its chain, before this side's
/// Finished goes out: the public key pins (``TLSConfiguration/publicKeyPins``) and the stapled OCSP
/// status it requires (``TLSConfiguration/requiresOCSPStatus``).
///
/// GnuTLS verifies the server's chain after its Certificate (TLS 1.3: CertificateVerify) and
/// before the next message is processed, so the handshake hook runs these checks on the server's
/// ServerHelloDone (TLS 1.0–1.2) or Finished (TLS 1.3). A resumed session has no Certificate and
/// is not checked again.
enum ServerChecks {
    /// Whether a session with `configuration` needs the checks (and so the handshake hook).
    static func needed(_ configuration: TLSConfiguration) -> Bool {
        configuration.role == .client && (!configuration.publicKeyPins.isEmpty || configuration.requiresOCSPStatus)
    }

    /// Runs the checks; the failure to report, with the alert to send, or nil.
    static func run(_ session: GnuTLSSession) -> (error: TLSError, alert: gnutls_alert_description_t)? {
        let configuration = session.context.configuration
        if !configuration.publicKeyPins.isEmpty {
            let chain = verifiedChain(session)
            let pinned = Set(configuration.publicKeyPins)
            if !chain.contains(where: { $0.publicKeyPin.map(pinned.contains) ?? false }) {
                return (.publicKeyPinMismatch(expected: configuration.publicKeyPins, presented: chain), GNUTLS_A_BAD_CERTIFICATE)
            }
        }
        if configuration.requiresOCSPStatus {
            let reason: String?
            if let status = OCSPStapling.received(session.session) {
                if !status.verified {
                    reason = "the response the server stapled (\(status.certificateStatus.rawValue)) did not pass the checks: "
                        + "not signed by the certificate's issuer, about another certificate, or out of date"
                } else if status.certificateStatus != .good {
                    reason = "the response the server stapled says \(status.summary)"
                } else {
                    reason = nil
                }
            } else {
                reason = "the server stapled no OCSP response"
            }
            if let reason {
                let alert = OCSPStapling.badCertificateStatusResponse
                return (.ocspStatusRequired(reason: reason, alert: Alerts.describe(alert, fatal: true)), alert)
            }
        }
        return nil
    }

    /// The server's chain as verified, leaf first, up to the trust anchor: from each certificate
    /// to its issuer in the trust store, else to the certificate the server sent that issued and
    /// signed it. Certificates sent but not on that path are left out (pinning one of them would
    /// prove nothing). Without verification, the leaf alone.
    static func verifiedChain(_ session: GnuTLSSession) -> [CertificateInfo] {
        let sent = PeerCertificates.der(of: session.session).compactMap { der in der.withUnsafeBytes { X509CertificateHandle(der: $0) } }
        guard let leaf = sent.first else { return [] }
        var path = [leaf]
        if session.context.configuration.certificateVerification != .none {
            var trust: gnutls_x509_trust_list_t?
            gnutls_certificate_get_trust_list(session.context.credentials.raw, &trust)
            var current = leaf
            for _ in 0..<16 {
                if let trust {
                    var anchor: gnutls_x509_crt_t?
                    if gnutls_x509_trust_list_get_issuer(trust, current.raw, &anchor, UInt32(GNUTLS_TL_GET_COPY)) == GNUTLS_E_SUCCESS,
                       let anchor {
                        path.append(X509CertificateHandle(adopting: anchor))
                        break
                    }
                }
                guard let issuer = sent.dropFirst().first(where: { candidate in
                    !path.contains { $0 === candidate } && issued(current, by: candidate)
                }) else { break }
                path.append(issuer)
                current = issuer
            }
        }
        var seen: Set<String> = []
        return path.compactMap { handle in
            guard let info = try? certificateInfo(crt: handle.raw, label: "peer certificate"),
                  seen.insert(info.sha256Fingerprint).inserted else { return nil }
            return info
        }
    }

    /// True when `issuer` names and signs `certificate`.
    private static func issued(_ certificate: X509CertificateHandle, by issuer: X509CertificateHandle) -> Bool {
        guard gnutls_x509_crt_check_issuer(certificate.raw, issuer.raw) != 0 else { return false }
        var authorities: [gnutls_x509_crt_t?] = [issuer.raw]
        var status: UInt32 = 0
        // Dates were checked by the verification that ran before; only the signature matters here.
        let flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS.rawValue | GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT.rawValue
        let code = gnutls_x509_crt_verify(certificate.raw, &authorities, 1, flags, &status)
        return code == GNUTLS_E_SUCCESS && status == 0
    }
}
