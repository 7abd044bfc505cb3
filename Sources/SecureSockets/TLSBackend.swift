/// A TLS implementation: turns a ``TLSConfiguration`` into a ``TLSContext`` that makes
/// sessions. The GnuTLS backend is one; ``PlaintextBackend`` (no encryption) is another.
///
/// Front ends and the socket types speak only to this protocol.
public protocol TLSBackend: Sendable {
    /// The implementation's name and version, e.g. `GnuTLS 3.7.9`.
    var name: String { get }

    /// Validates `configuration`, loads its files and compiles its versions: every bad input
    /// fails here, before any socket opens. May read files: do not call on an event loop.
    ///
    /// - Throws: ``TLSError`` naming the file, token or option at fault.
    func makeContext(configuration: TLSConfiguration) throws(TLSError) -> any TLSContext

    /// What this backend makes of a version policy, in its own words (for display): GnuTLS's
    /// priority string, OpenSSL's protocol range and cipher lists.
    func describe(_ policy: TLSVersionPolicy) -> String

    /// What this backend cannot do, each with the one sentence that says why (empty when it does
    /// everything). A TLS backend refuses a configuration that asks for one of them with that
    /// sentence (``TLSError/invalidConfiguration(_:)``); the conformance suite skips their tests with it.
    var unsupportedFeatures: [TLSBackendFeature: String] { get }
}

/// The shared, immutable result of compiling a configuration (credentials, trust, priorities).
/// Thread-safe; one per listener or client, many sessions from it.
public protocol TLSContext: AnyObject, Sendable {
    /// The configuration this context was made from.
    var configuration: TLSConfiguration { get }

    /// Warnings found while loading (e.g. an expired server certificate), one sentence each.
    var warnings: [String] { get }

    /// The certificate this side presents, if any (the leaf of the chain).
    var localCertificate: CertificateInfo? { get }

    /// The leaf of every certificate this side presents, in the order of
    /// ``TLSConfiguration/identities`` (the default first); empty when it presents none.
    var localCertificates: [CertificateInfo] { get }

    /// The table versions this context enables, newest first (as the backend reads its priorities).
    var enabledVersions: [TLSVersion] { get }

    /// What the OCSP response a server staples says (``TLSConfiguration/ocspResponse``), as read
    /// when the context was made; nil when none is configured.
    var ocspStatus: OCSPStatus? { get }

    /// Makes a session for one connection.
    ///
    /// - Parameter peerName: for a client, the host connected to: used for SNI (unless it is an IP
    ///   address) and verification when the configuration names no ``TLSConfiguration/serverName``.
    /// - Parameter ticket: for a client, a ticket from an earlier session with the same server, to
    ///   resume it (``SessionInfo/resumed`` tells whether the server accepted it); nil for a full handshake.
    /// - Throws: ``TLSError/invalidServerName(name:reason:)`` when a client's `peerName` is used and is
    ///   neither a host name nor an IP address (see ``ServerName/validate(_:)``);
    ///   ``TLSError/setupFailed(operation:library:)`` when the library cannot make the session.
    func makeSession(peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) -> any TLSSession
}

extension TLSContext {
    /// No stapled OCSP response: the default for backends without stapling.
    public var ocspStatus: OCSPStatus? { nil }

    /// Makes a session for one connection, with a full handshake.
    ///
    /// - Parameter peerName: for a client, the host connected to (SNI and verification).
    public func makeSession(peerName: String?) throws(TLSError) -> any TLSSession {
        try makeSession(peerName: peerName, resuming: nil)
    }

    /// By default the one ``localCertificate``, for backends that present a single identity.
    public var localCertificates: [CertificateInfo] { localCertificate.map { [$0] } ?? [] }
}

/// What a handshake step reports.
public enum TLSProgress: Sendable, Equatable {
    /// The handshake is done; application data may flow.
    case complete
    /// The session needs more bytes from the peer: feed them with ``TLSSession/receiveFromNetwork(_:)``.
    case needsInput
}

/// What a read reports.
public enum TLSReadResult: Sendable, Equatable {
    /// Decrypted application data (never empty).
    case data([UInt8])
    /// No complete record yet: feed more bytes from the peer.
    case needsInput
    /// The peer sent close_notify: no more data will come.
    case closed
}

/// One TLS connection, driven from memory buffers (sans-I/O): ciphertext in through
/// ``receiveFromNetwork(_:)``, ciphertext out through ``takeNetworkOutput()``, plaintext through
/// ``read(maximum:)`` and ``write(_:)``. Not thread-safe: confine a session to one thread or
/// event loop.
///
/// After any call, send what ``takeNetworkOutput()`` returns to the peer: it may hold handshake
/// messages, records, or the alert that explains a failure.
public protocol TLSSession: AnyObject {
    /// Appends bytes received from the peer.
    func receiveFromNetwork(_ bytes: UnsafeRawBufferPointer)

    /// Tells the session that the peer closed its side of the transport (TCP FIN).
    func receiveEndOfInput()

    /// Removes and returns the bytes to send to the peer (empty if none).
    func takeNetworkOutput() -> [UInt8]

    /// Bytes received from the peer and not yet consumed (e.g. a partial record).
    var bufferedNetworkInput: Int { get }

    /// Runs the handshake as far as the input allows. On failure the session queues the alert
    /// that tells the peer why, then throws.
    func handshake() throws(TLSError) -> TLSProgress

    /// True once ``handshake()`` returned ``TLSProgress/complete``.
    var isHandshakeComplete: Bool { get }

    /// Decrypts up to `maximum` bytes of application data.
    func read(maximum: Int) throws(TLSError) -> TLSReadResult

    /// Decrypted bytes waiting to be read without more input.
    var pendingPlaintext: Int { get }

    /// Encrypts `bytes` into records, queued as network output.
    func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError)

    /// Queues close_notify. Further writes fail.
    func close() throws(TLSError)

    /// What was negotiated; nil before the handshake completes.
    var info: SessionInfo? { get }
    /// True once the handshake completed by resuming an earlier session (cheaper to ask than
    /// ``info``, which describes the peer's certificates).
    var isResumed: Bool { get }
    /// The application protocol agreed on through ALPN (e.g. `h2`), nil before the handshake
    /// completes or when none was agreed. Cheap to ask (unlike ``info``, which describes the
    /// peer's certificates): an event loop reads it after every handshake. Always equal to
    /// ``info``'s ``SessionInfo/applicationProtocol``.
    var applicationProtocol: String? { get }

    /// Called with each TLS message as it is sent or received, in wire order (set before the
    /// handshake starts). Sent messages are reported when ``takeNetworkOutput()`` hands their
    /// records over. Nil: no trace.
    var traceHandler: ((TLSTraceEvent) -> Void)? { get set }
    /// For a client, what resumes this session later: nil before the server sent a ticket (in
    /// TLS 1.3 the ticket comes after the handshake, with the first data or the close) or when the
    /// server sends none.
    var resumptionTicket: TLSResumptionTicket? { get }
}

extension TLSSession {
    /// Appends bytes received from the peer.
    public func receiveFromNetwork(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { receiveFromNetwork($0) }
    }

    /// Encrypts `bytes` into records, queued as network output.
    public func write(_ bytes: [UInt8]) throws(TLSError) {
        let failure: TLSError? = bytes.withUnsafeBytes { buffer in
            do throws(TLSError) { try write(buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Encrypts the UTF-8 bytes of `text`.
    public func write(_ text: String) throws(TLSError) {
        try write(Array(text.utf8))
    }
}
