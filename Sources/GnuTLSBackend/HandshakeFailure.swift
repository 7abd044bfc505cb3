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
            if alert.code == UInt8(GNUTLS_A_NO_APPLICATION_PROTOCOL.rawValue) && session.role == .client {
                let offered = ApplicationProtocolList.text(context.configuration.applicationProtocols)
                return .noCommonApplicationProtocol(
                    detail: "this side offered \(offered); the server accepts none of them and refused the handshake with the \(TLSWire.alertName(alert.code)) alert",
                    library: library, alert: alert)
            }
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
            if let refusal = ClientCertificates.refusal(alert, in: session, library: library) { return refusal }
            return .handshakeFailed(reason: "the peer sent a fatal alert: \(alert)", library: library, alert: alert)
        case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
            session.sendAlert(Verification.alert(session))
            return .verificationFailed(Verification.failure(session))
        case GNUTLS_E_KEY_USAGE_VIOLATION where session.role == .client:
            if let chain = context.configuration.certificateChain, let problem = ClientCertificates.keyUsageProblem(chain) {
                session.sendAppropriateAlert(for: code)
                return .handshakeFailed(reason: problem, library: library, alert: Alerts.appropriate(for: code))
            }
        case _ where ClientCertificates.isMissing(code, in: session):
            return ClientCertificates.missing(code, in: session)
        case GNUTLS_E_PREMATURE_TERMINATION, GNUTLS_E_PULL_ERROR, GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
            // Each of these is the peer closing mid-handshake only when the input really ended;
            // otherwise the code is explained below like any other failure.
            if session.inputEnded { return .closedDuringHandshake(library: library) }
        case GNUTLS_E_NO_APPLICATION_PROTOCOL:
            session.sendAppropriateAlert(for: code)
            return .noCommonApplicationProtocol(detail: applicationProtocolText(session), library: library,
                                                alert: Alerts.appropriate(for: code))
        case GNUTLS_E_HANDSHAKE_TOO_LARGE:
            session.sendAppropriateAlert(for: code)
            return .handshakeFailed(reason: oversizedText(session), library: library,
                                    alert: Alerts.appropriate(for: code))
        case GNUTLS_E_RECORD_OVERFLOW:
            session.sendAppropriateAlert(for: code)
            let peer = session.role == .server ? "the client" : "the server"
            return .handshakeFailed(reason: "\(peer) sent a record longer than TLS allows (16 KiB of data)",
                                    library: library, alert: Alerts.appropriate(for: code))
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
                let enabled = Set(context.enabledVersions)
                // Only a whole hello tells its versions: supported_versions may come in a later record.
                if hello.isWhole, !hello.offeredVersions.isEmpty || !hello.otherVersions.isEmpty,
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
        if session.role == .server, code == GNUTLS_E_NO_CIPHER_SUITES || code == GNUTLS_E_INSUFFICIENT_CREDENTIALS,
           let name = session.narrowedServerName,
           let candidates = context.serverNameIdentities?.candidates(forServerName: name), !candidates.isEmpty {
            session.sendAppropriateAlert(for: code)
            let listed = candidates.map { "\($0.subject) (\($0.publicKey))" }.joined(separator: ", ")
            return .handshakeFailed(
                reason: "the client asked for \(name), and none of the certificates for that name is one it can verify: \(listed) (its signature algorithms or cipher suites exclude \(candidates.count == 1 ? "that key type" : "those key types"))",
                library: library, alert: Alerts.appropriate(for: code))
        }
        if session.role == .client && code == GNUTLS_E_UNSUPPORTED_VERSION_PACKET {
            session.sendAlert(GNUTLS_A_PROTOCOL_VERSION)
            return .noCommonVersion(detail: "this side offered \(offered); the server chose another version",
                                    library: library, alert: nil)
        }
        if session.role == .server && code == GNUTLS_E_UNSUPPORTED_VERSION_PACKET,
           let chosen = gnutls_protocol_get_name(gnutls_protocol_get_version(session.session)).map({ String(cString: $0) }) {
            // The client answered this server's hello in a record of the version it wanted (as
            // OpenSSL does when it refuses the version chosen): it does not accept that version.
            session.sendAlert(GNUTLS_A_PROTOCOL_VERSION)
            return .noCommonVersion(detail: "this server chose \(chosen) (it accepts \(offered)); the client answered in a record of another version: it does not accept \(chosen)",
                                    library: library, alert: Alerts.describe(GNUTLS_A_PROTOCOL_VERSION, fatal: true))
        }
        session.sendAppropriateAlert(for: code)
        return .handshakeFailed(reason: library.message, library: library, alert: nil)
    }

    /// What each side offered when GnuTLS found no application protocol in common (a server
    /// requiring one, or a client whose server chose a protocol it had not offered).
    private static func applicationProtocolText(_ session: GnuTLSSession) -> String {
        let own = ApplicationProtocolList.text(session.context.configuration.applicationProtocols)
        guard session.role == .server else {
            return "the server chose a protocol this side did not offer; this side offered \(own)"
        }
        // The names come from the kept start of the hello; past it (a hello over 16 KiB) they are unknown.
        let offered = ClientHelloSummary.parse(session.clientHelloBytes)?.applicationProtocols ?? []
        let offer = offered.isEmpty ? "protocols" : ApplicationProtocolList.text(offered)
        return "the client offered \(offer); this server accepts \(own) and requires one"
    }

    /// Why a handshake message was too large, with its declared size when the session saw it.
    private static func oversizedText(_ session: GnuTLSSession) -> String {
        let limit = "\(GnuTLSSession.maximumHandshakeMessage / 1024) KiB"
        if session.role == .server,
           case let .message(hello) = FirstHandshakeMessage.read(session.clientHelloBytes, limit: 0) {
            return "the client's hello is \(hello.declaredLength + 4) bytes long; this server accepts up to \(limit) of handshake data"
        }
        return "the peer sent more handshake data than the \(limit) this side accepts"
    }
}
