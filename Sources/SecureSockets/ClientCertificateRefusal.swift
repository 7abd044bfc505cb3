/// The words a client uses when a server that asked for its certificate ends the handshake with
/// a fatal alert: the refusal of the certificate it sent, or of its absence. Every backend says
/// it alike.
package enum ClientCertificateRefusal {
    /// What each alert says about the certificate the server refused, by alert code.
    static let meanings: [UInt8: String] = [
        48: "it does not trust the certificate's issuer",  // unknown_ca
        45: "it finds the certificate expired or not yet valid",  // certificate_expired
        43: "the certificate is not for TLS client authentication, or of a kind it does not take",  // unsupported_certificate
        44: "it finds the certificate revoked",  // certificate_revoked
        42: "it finds the certificate bad (corrupt, or a signature that does not verify)",  // bad_certificate
        46: "it cannot accept the certificate",  // certificate_unknown
        49: "it denies this certificate access",  // access_denied
        51: "the certificate's signature over the handshake (CertificateVerify) did not verify",  // decrypt_error
        40: "it refused the handshake",  // handshake_failure
    ]

    /// The alerts that answer a missing certificate: certificate_required, handshake_failure,
    /// bad_certificate, certificate_unknown.
    static let missingCertificateAlerts: Set<UInt8> = [116, 40, 42, 46]

    /// The reason a client gives for `alert`, received after the server asked for its certificate.
    ///
    /// - Parameter sentSubject: the subject of the certificate this side sent (its `CN=` when it
    ///   has one), nil when it sent none.
    /// - Parameter hasCertificate: whether this side has a certificate configured.
    /// - Returns: nil when the alert is about something other than the certificate.
    package static func reason(for alert: TLSAlert, sentSubject: String?, hasCertificate: Bool) -> String? {
        let name = TLSWire.alertName(alert.code)
        guard let sentSubject else {
            let had = hasCertificate
                ? "this side sent none (its certificate does not suit what the server accepts)"
                : "this side has none to send"
            guard missingCertificateAlerts.contains(alert.code) else {
                // Some servers answer a missing certificate with another alert (gnutls-serv under
                // TLS 1.2: decode_error); the request and the empty answer are still the likely cause.
                return "the server asked for a client certificate and \(had); it then refused the handshake with \(name), probably because it requires one"
            }
            return "the server requires a client certificate and \(had); it answered \(name)"
        }
        guard let meaning = meanings[alert.code] else { return nil }
        return "the server refused this side's certificate \(sentSubject): \(meaning) (\(name))"
    }

    /// How a refusal names a certificate: `CN=` and its common name, else its whole subject.
    package static func subject(of certificate: CertificateInfo) -> String {
        certificate.commonName.map { "CN=\($0)" } ?? certificate.subject
    }
}
