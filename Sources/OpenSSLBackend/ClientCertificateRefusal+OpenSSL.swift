#if OpenSSL
import COpenSSL
import SecureSockets

extension OpenSSLSession {
    /// On a client the server asked for a certificate: the server's fatal `alert` read as a
    /// refusal of the certificate this side sent (or of its absence), in the words every backend
    /// uses; nil when the server asked for none or the alert is about something else.
    func clientCertificateRefusal(_ alert: TLSAlert, library: BackendError?) -> TLSError? {
        guard role == .client, receivedHandshakeTypes.contains(UInt8(SSL3_MT_CERTIFICATE_REQUEST)) else { return nil }
        // OpenSSL answers a CertificateRequest with the configured certificate, if any.
        let sent = SSL_get_certificate(ssl.pointer).map { ClientCertificateRefusal.subject(of: CertificateDescription.info($0)) }
        guard let reason = ClientCertificateRefusal.reason(
            for: alert, sentSubject: sent, hasCertificate: context.configuration.certificateChain != nil) else { return nil }
        return .handshakeFailed(reason: reason, library: library, alert: alert)
    }
}
#endif
