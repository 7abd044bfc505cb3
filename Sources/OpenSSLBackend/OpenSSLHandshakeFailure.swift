#if OpenSSL
import COpenSSL
import SecureSockets

/// Turns a failed `SSL_do_handshake` into a ``TLSError`` that says why in words. OpenSSL has
/// already queued the alert that tells the peer (the info callback recorded it).
enum OpenSSLHandshakeFailure {
    /// The failure of `session`, from `SSL_get_error`'s `errorCode` and the error queue.
    static func explain(_ session: OpenSSLSession, errorCode: Int32) -> TLSError {
        let library = OpenSSLError.drain() ?? BackendError(
            code: errorCode, name: errorCode == SSL_ERROR_SYSCALL ? "SSL_ERROR_SYSCALL" : "SSL_ERROR_\(errorCode)",
            message: session.inputEnded ? "the input ended" : "the handshake stopped")
        let context = session.context
        let offered = context.enabledVersionsText
        let reason = library.code
        if let failure = session.ocspFailure { return failure }
        if let presented = session.pinMismatch {
            return .publicKeyPinMismatch(expected: context.configuration.publicKeyPins, presented: presented)
        }
        if reason == SSL_R_CERTIFICATE_VERIFY_FAILED || !session.verificationFindings.isEmpty {
            return .verificationFailed(PeerVerification.failure(session))
        }
        if let alert = session.alertReceived {
            if let refusal = session.clientCertificateRefusal(alert, library: library) { return refusal }
            if alert.code == UInt8(SSL_AD_PROTOCOL_VERSION) {
                return .noCommonVersion(detail: "this side offered \(offered); the peer answered \(alert)",
                                        library: library, alert: alert)
            }
            if alert.code == UInt8(SSL_AD_NO_APPLICATION_PROTOCOL) && session.role == .client {
                let offeredNames = ApplicationProtocolList.text(context.configuration.applicationProtocols)
                return .noCommonApplicationProtocol(
                    detail: "this side offered \(offeredNames); the server accepts none of them and refused the handshake with the \(TLSWire.alertName(alert.code)) alert",
                    library: library, alert: alert)
            }
            return .handshakeFailed(reason: "the peer sent a fatal alert: \(alert)", library: library, alert: alert)
        }
        switch reason {
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_NO_PROTOCOLS_AVAILABLE, SSL_R_WRONG_SSL_VERSION,
             SSL_R_VERSION_TOO_LOW, SSL_R_VERSION_TOO_HIGH, SSL_R_WRONG_VERSION_NUMBER:
            let detail: String
            if session.role == .server, let body = session.clientHelloBody, let hello = ClientHelloSummary.parse(body: body),
               !hello.offeredVersions.isEmpty || !hello.otherVersions.isEmpty {
                detail = "the client offered \(hello.offeredText); this server accepts \(offered)"
            } else {
                detail = session.role == .server
                    ? "the client offered none of the versions this server accepts (\(offered))"
                    : "this side offered \(offered); the server chose another version"
            }
            return .noCommonVersion(detail: detail, library: library, alert: session.alertSent)
        case SSL_R_NO_APPLICATION_PROTOCOL where session.role == .server:
            let clientNames = ApplicationProtocolList.text(session.offeredApplicationProtocols ?? [])
            let accepted = ApplicationProtocolList.text(context.configuration.applicationProtocols)
            return .noCommonApplicationProtocol(detail: "the client offered \(clientNames); this server accepts \(accepted)",
                                                library: library, alert: session.alertSent)
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
            return .handshakeFailed(reason: "the client sent no certificate, and this server requires one",
                                    library: library, alert: session.alertSent)
        default:
            break
        }
        if session.inputEnded || reason == SSL_R_UNEXPECTED_EOF_WHILE_READING {
            return .closedDuringHandshake(library: library)
        }
        return .handshakeFailed(reason: OpenSSLError.reasonText(library), library: library, alert: session.alertSent)
    }
}
#endif
