import CGnuTLS
import SecureSockets

/// Turns a failed `gnutls_handshake` into a ``TLSError`` that says why in words, and makes sure the
/// peer hears the reason too (GnuTLS does not send an alert on its own).
enum HandshakeFailure {
    static func explain(_ code: Int32, in session: GnuTLSSession) -> TLSError {
        let library = BackendError.gnutls(code)
        let context = session.context
        let offered = context.enabledVersionsText
        switch code {
        case GNUTLS_E_FATAL_ALERT_RECEIVED:
            let alert = Alerts.received(session.session)
            session.tracer?.didReceiveAlert(alert)
            if alert.code == UInt8(GNUTLS_A_PROTOCOL_VERSION.rawValue) {
                return .noCommonVersion(detail: "this side offered \(offered); the peer answered \(alert)",
                                        library: library, alert: alert)
            }
            // No handshake message from the server yet (last_in is -1): it refused the hello itself.
            // (gnutls_protocol_get_version is no test: a client reports the highest version it offered.)
            if alert.code == UInt8(GNUTLS_A_HANDSHAKE_FAILURE.rawValue) && session.role == .client
                && Int32(bitPattern: gnutls_handshake_get_last_in(session.session).rawValue) < 0 {
                return .handshakeFailed(
                    reason: "the peer refused the handshake (\(alert)): it shares none of the offered versions (\(offered)) or cipher suites",
                    library: library, alert: alert)
            }
            return .handshakeFailed(reason: "the peer sent a fatal alert: \(alert)", library: library, alert: alert)
        case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
            session.sendAppropriateAlert(for: code)
            return .verificationFailed(Verification.failure(session))
        case GNUTLS_E_PREMATURE_TERMINATION, GNUTLS_E_PULL_ERROR, GNUTLS_E_UNEXPECTED_PACKET_LENGTH
            where session.inputEnded:
            return .closedDuringHandshake(library: library)
        default:
            break
        }
        if session.role == .server, let hello = ClientHelloSummary.parse(session.clientHelloBytes) {
            switch hello.kind {
            case let .plaintext(line):
                session.sendAppropriateAlert(for: code)
                return .handshakeFailed(reason: "the client does not speak TLS: it sent plaintext '\(line)'",
                                        library: library, alert: nil)
            case .sslv2:
                session.sendAlert(GNUTLS_A_PROTOCOL_VERSION)
                return .noCommonVersion(detail: "the client sent an SSL 2.0 hello; this server accepts \(offered)",
                                        library: library, alert: Alerts.describe(GNUTLS_A_PROTOCOL_VERSION, fatal: true))
            case .tls:
                // Only a hello read whole tells the versions: one that spans several records may
                // list supported_versions after the bytes kept, and GnuTLS's own alert is right then.
                let enabled = Set(context.enabledVersions)
                if hello.isComplete, !hello.offeredVersions.isEmpty || !hello.otherVersions.isEmpty,
                   enabled.isDisjoint(with: hello.offeredVersions) {
                    session.sendAlert(GNUTLS_A_PROTOCOL_VERSION)
                    return .noCommonVersion(
                        detail: "the client offered \(hello.offeredText); this server accepts \(offered)",
                        library: library, alert: Alerts.describe(GNUTLS_A_PROTOCOL_VERSION, fatal: true))
                }
            case .unknown:
                session.sendAppropriateAlert(for: code)
                return .handshakeFailed(reason: "the client sent bytes that are not a TLS handshake",
                                        library: library, alert: nil)
            }
        }
        if session.role == .client && code == GNUTLS_E_UNSUPPORTED_VERSION_PACKET {
            session.sendAlert(GNUTLS_A_PROTOCOL_VERSION)
            return .noCommonVersion(detail: "this side offered \(offered); the server chose another version",
                                    library: library, alert: nil)
        }
        session.sendAppropriateAlert(for: code)
        return .handshakeFailed(reason: library.message, library: library, alert: nil)
    }
}
