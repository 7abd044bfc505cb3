/// Every failure this package reports: what went wrong in a sentence, plus the TLS library's
/// own error name and text where the library was the one to say no.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A version name that is not in the version table.
    case unknownVersion(String)
    /// A range whose minimum is above its maximum.
    case invalidVersionRange(minimum: TLSVersion, maximum: TLSVersion)
    /// Options that cannot be used together.
    case conflictingOptions(String)
    /// A priority string the library rejected; `token` is where it stopped reading.
    case invalidPriority(priority: String, token: String, reason: String, library: BackendError?)
    /// A cipher list the library rejected (OpenSSL's cipher list or TLS 1.3 cipher suites);
    /// `token` is the name at fault, empty when the list as a whole selects nothing.
    case invalidCipherList(list: String, token: String, reason: String, library: BackendError?)
    /// A certificate file that is missing, unreadable, not PEM or holds no certificate.
    case certificateFile(path: String, reason: String, library: BackendError?)
    /// A private-key file that is missing, unreadable, not PEM or holds no key.
    case privateKeyFile(path: String, reason: String, library: BackendError?)
    /// A private key that does not belong to the certificate.
    case keyMismatch(certificatePath: String, keyPath: String, library: BackendError?)
    /// An encrypted private key whose passphrase is wrong or missing.
    case wrongPassphrase(keyPath: String, library: BackendError?)
    /// A trust store (CA file or the system store) that could not be used.
    case trustStore(source: String, reason: String, library: BackendError?)
    /// A configuration that lacks what its role needs (e.g. a server without a certificate).
    case invalidConfiguration(String)
    /// A name a client would send as SNI and check the certificate against that cannot be one:
    /// empty, longer than 255 bytes (RFC 6066) or not a host name. `reason` says which.
    case invalidServerName(name: String, reason: String)
    /// The TLS library could not set up a context or session (out of memory, say); `operation`
    /// names the step, e.g. `create a GnuTLS session`.
    case setupFailed(operation: String, library: BackendError)
    /// Client and server have no TLS version in common; `detail` says which each side offered.
    case noCommonVersion(detail: String, library: BackendError?, alert: TLSAlert?)
    /// ALPN agreed on no application protocol and the configuration requires one
    /// (``TLSConfiguration/requiresApplicationProtocol``), or the peer refused with
    /// `no_application_protocol`; `detail` says what each side offered or accepts.
    case noCommonApplicationProtocol(detail: String, library: BackendError?, alert: TLSAlert?)
    /// The handshake failed for another reason; `alert` is the alert received, if any.
    case handshakeFailed(reason: String, library: BackendError?, alert: TLSAlert?)
    /// The peer's certificate was not accepted.
    case verificationFailed(CertificateVerificationFailure)
    /// The peer ended the connection with a fatal alert after the handshake.
    case alertReceived(TLSAlert, library: BackendError?)
    /// The peer did not answer within the time allowed.
    case timedOut(stage: TLSStage, seconds: Double)
    /// The peer closed the TCP connection during the handshake (not a TLS peer, or it gave up).
    case closedDuringHandshake(library: BackendError?)
    /// The peer closed the connection without close_notify while data was expected.
    case prematureClose(library: BackendError?)
    /// A malformed or unexpected record after the handshake.
    case protocolError(reason: String, library: BackendError?)
    /// Nothing listens on the address.
    case connectionRefused(host: String, port: Int)
    /// The host name does not resolve.
    case hostNotFound(host: String, reason: String)
    /// The address and port are taken by another socket.
    case addressInUse(host: String, port: Int)
    /// Any other socket call failure, with its errno text.
    case socket(operation: String, errno: Int32, message: String)
    /// Creating a certificate or key failed.
    case certificateGeneration(reason: String, library: BackendError?)
    /// An operation was used in the wrong state (e.g. reading before the handshake).
    case invalidState(String)
    /// A key log file that cannot be used.
    case keyLogFile(path: String, reason: String)
    /// The peer closed the connection without sending the expected reply.
    case noReply
    /// A resumption was asked for and did not happen (no ticket, or the server ignored it).
    case notResumed(reason: String)

    // Pins, OCSP stapling, shared ticket keys.
    /// A public key pin that cannot be read (see ``PublicKeyPin/init(_:)``); `reason` says why.
    case invalidPin(String, reason: String)
    /// No certificate of the server's verified chain has one of the configured pins
    /// (``TLSConfiguration/publicKeyPins``); `presented` is that chain, whose
    /// ``CertificateInfo/publicKeyPin`` values are the pins the server could have matched.
    case publicKeyPinMismatch(expected: [PublicKeyPin], presented: [CertificateInfo])
    /// An OCSP response file a server cannot staple: missing, unreadable, not a DER OCSP
    /// response, unsuccessful, or about another certificate.
    case ocspResponseFile(path: String, reason: String, library: BackendError?)
    /// A client that requires a good stapled OCSP status (``TLSConfiguration/requiresOCSPStatus``)
    /// did not get one; `reason` says what the server stapled, if anything.
    case ocspStatusRequired(reason: String, alert: TLSAlert?)
    /// A session ticket key file that cannot be used (see ``TLSTicketKey/load(path:)``).
    case ticketKeyFile(path: String, reason: String)

    /// The library error behind this failure, if the TLS library reported one.
    public var libraryError: BackendError? {
        switch self {
        case let .invalidPriority(_, _, _, library), let .invalidCipherList(_, _, _, library),
             let .certificateFile(_, _, library),
             let .privateKeyFile(_, _, library), let .keyMismatch(_, _, library),
             let .wrongPassphrase(_, library), let .trustStore(_, _, library),
             let .noCommonVersion(_, library, _), let .noCommonApplicationProtocol(_, library, _),
             let .handshakeFailed(_, library, _),
             let .alertReceived(_, library), let .closedDuringHandshake(library),
             let .prematureClose(library), let .protocolError(_, library),
             let .certificateGeneration(_, library), let .ocspResponseFile(_, _, library):
            return library
        case let .setupFailed(_, library):
            return library
        default:
            return nil
        }
    }

    /// A stable identifier of the kind of failure, for scripts (e.g. `verification-failed`).
    public var kind: String {
        switch self {
        case .unknownVersion: return "unknown-version"
        case .invalidVersionRange: return "invalid-version-range"
        case .conflictingOptions: return "conflicting-options"
        case .invalidPriority: return "invalid-priority"
        case .invalidCipherList: return "invalid-cipher-list"
        case .certificateFile: return "certificate-file"
        case .privateKeyFile: return "private-key-file"
        case .keyMismatch: return "key-mismatch"
        case .wrongPassphrase: return "wrong-passphrase"
        case .trustStore: return "trust-store"
        case .invalidConfiguration: return "invalid-configuration"
        case .invalidServerName: return "invalid-server-name"
        case .setupFailed: return "setup-failed"
        case .noCommonVersion: return "no-common-version"
        case .noCommonApplicationProtocol: return "no-common-application-protocol"
        case .handshakeFailed: return "handshake-failed"
        case .verificationFailed: return "verification-failed"
        case .alertReceived: return "alert-received"
        case .timedOut: return "timed-out"
        case .closedDuringHandshake: return "closed-during-handshake"
        case .prematureClose: return "premature-close"
        case .protocolError: return "protocol-error"
        case .connectionRefused: return "connection-refused"
        case .hostNotFound: return "host-not-found"
        case .addressInUse: return "address-in-use"
        case .socket: return "socket"
        case .certificateGeneration: return "certificate-generation"
        case .invalidState: return "invalid-state"
        case .keyLogFile: return "key-log-file"
        case .noReply: return "no-reply"
        case .notResumed: return "not-resumed"
        case .invalidPin: return "invalid-pin"
        case .publicKeyPinMismatch: return "pin-mismatch"
        case .ocspResponseFile: return "ocsp-response-file"
        case .ocspStatusRequired: return "ocsp-status-required"
        case .ticketKeyFile: return "ticket-key-file"
        }
    }

    /// One sentence saying what failed, ending with the library's error name where there is one.
    public var description: String {
        let sentence: String
        switch self {
        case let .unknownVersion(name):
            let known = TLSVersion.allCases.map(\.name).joined(separator: ", ")
            sentence = "unknown TLS version '\(name)' (known: \(known))"
        case let .invalidVersionRange(minimum, maximum):
            sentence = "invalid version range: minimum \(minimum.name) is above maximum \(maximum.name)"
        case let .conflictingOptions(text):
            sentence = "conflicting options: \(text)"
        case let .invalidPriority(priority, token, reason, _):
            sentence = token.isEmpty
                ? "invalid priority string '\(priority)': \(reason)"
                : "invalid priority string '\(priority)': \(reason) at '\(token)'"
        case let .invalidCipherList(list, token, reason, _):
            sentence = token.isEmpty
                ? "invalid cipher list '\(list)': \(reason)"
                : "invalid cipher list '\(list)': \(reason) at '\(token)'"
        case let .certificateFile(path, reason, _):
            sentence = "certificate \(path): \(reason)"
        case let .privateKeyFile(path, reason, _):
            sentence = "private key \(path): \(reason)"
        case let .keyMismatch(certificatePath, keyPath, _):
            sentence = "private key \(keyPath) does not match certificate \(certificatePath)"
        case let .wrongPassphrase(keyPath, _):
            sentence = "private key \(keyPath) is encrypted and the passphrase is wrong or missing"
        case let .trustStore(source, reason, _):
            sentence = "trust store \(source): \(reason)"
        case let .invalidConfiguration(text):
            sentence = "invalid configuration: \(text)"
        case let .invalidServerName(name, reason):
            sentence = "invalid server name '\(ServerName.shown(name))': \(reason)"
        case let .setupFailed(operation, library):
            sentence = "cannot \(operation): \(library.message)"
        case let .noCommonVersion(detail, _, _):
            sentence = "no common TLS version: \(detail)"
        case let .noCommonApplicationProtocol(detail, _, _):
            sentence = "no common application protocol (ALPN): \(detail)"
        case let .handshakeFailed(reason, _, _):
            sentence = "handshake failed: \(reason)"
        case let .verificationFailed(failure):
            sentence = failure.description
        case let .alertReceived(alert, _):
            sentence = "the peer sent a fatal alert: \(alert)"
        case let .timedOut(stage, seconds):
            sentence = "timed out after \(Self.format(seconds)) s waiting for the peer (\(stage))"
        case .closedDuringHandshake:
            sentence = "the peer closed the connection during the handshake (it may not speak TLS, or it gave up)"
        case .prematureClose:
            sentence = "the peer closed the connection without close_notify"
        case let .protocolError(reason, _):
            sentence = "TLS protocol error: \(reason)"
        case let .connectionRefused(host, port):
            sentence = "connection refused by \(Self.hostPort(host, port)): is the server running?"
        case let .hostNotFound(host, reason):
            sentence = "cannot resolve host '\(host)': \(reason)"
        case let .addressInUse(host, port):
            sentence = "address \(Self.hostPort(host, port)) is already in use"
        case let .socket(operation, errno, message):
            sentence = "\(operation) failed: \(message) (errno \(errno))"
        case let .certificateGeneration(reason, _):
            sentence = "certificate generation failed: \(reason)"
        case let .invalidState(text):
            sentence = text
        case let .keyLogFile(path, reason):
            sentence = "key log \(path): \(reason)"
        case .noReply:
            sentence = "the server closed the connection without replying"
        case let .notResumed(reason):
            sentence = "the session was not resumed: \(reason)"
        case let .invalidPin(pin, reason):
            sentence = "invalid public key pin '\(pin)': \(reason)"
        case let .publicKeyPinMismatch(expected, presented):
            let chain = presented.map { certificate in
                "\(certificate.publicKeyPin.map(\.description) ?? "?") (\(certificate.commonName.map { "CN=\($0)" } ?? certificate.subject))"
            }
            sentence = "public key pin mismatch: the server presented \(chain.joined(separator: ", ")); "
                + "expected \(expected.count == 1 ? "" : "one of ")\(expected.map(\.description).joined(separator: ", "))"
        case let .ocspResponseFile(path, reason, _):
            sentence = "OCSP response \(path): \(reason)"
        case let .ocspStatusRequired(reason, _):
            sentence = "no good OCSP status: \(reason)"
        case let .ticketKeyFile(path, reason):
            sentence = "ticket key \(path): \(reason)"
        }
        if let library = libraryError { return "\(sentence) [\(library.name)]" }
        return sentence
    }

    /// `host:port`, with brackets around IPv6 addresses.
    package static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
