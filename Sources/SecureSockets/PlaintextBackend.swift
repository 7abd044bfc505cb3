/// A backend without encryption: the demo's "non-secure sockets" variant. Sessions pass bytes
/// through unchanged and their handshake completes at once. Useful to compare with TLS and to
/// exercise the ``TLSBackend`` seam without a TLS library.
public struct PlaintextBackend: TLSBackend {
    /// Creates the backend.
    public init() {}

    /// `plaintext (no TLS)`.
    public var name: String { "plaintext (no TLS)" }

    /// Makes a context; the configuration's versions, certificates and trust are ignored.
    public func makeContext(configuration: TLSConfiguration) throws(TLSError) -> any TLSContext {
        PlaintextContext(configuration: configuration)
    }

    /// `none`: plaintext has no versions.
    public func describe(_ policy: TLSVersionPolicy) -> String { "none" }

    /// Everything but moving bytes: there is no handshake, no certificate and no record layer.
    public var unsupportedFeatures: [TLSBackendFeature: String] { Self.unsupported }

    private static let unsupported: [TLSBackendFeature: String] = [
        .encryption: "plaintext has no handshake and no versions: bytes pass through unprotected",
        .legacyVersions: "plaintext has no TLS versions, old or new",
        .certificateVerification: "plaintext presents and verifies no certificates",
        .clientCertificates: "plaintext asks for and verifies no client certificates",
        .applicationProtocols: "plaintext has no handshake to negotiate an application protocol in",
        .resumption: "plaintext has no session to resume",
        .closeNotify: "plaintext sends no close_notify: the end of the transport is the only end it knows",
        .publicKeyPins: "plaintext sees no certificate whose key a pin could match",
        .ocspStapling: "plaintext has no certificate to staple an OCSP response for",
        .severalIdentities: "plaintext presents no certificate, so none to choose by server name",
        .sharedTicketKeys: "plaintext issues no tickets to encrypt with a shared key",
        .trace: "plaintext exchanges no TLS messages to trace",
        .keyLog: "plaintext has no session secrets to log",
    ]
}

/// The context of ``PlaintextBackend``.
final class PlaintextContext: TLSContext {
    let configuration: TLSConfiguration
    var warnings: [String] { ["plaintext: nothing is encrypted or verified"] }
    var localCertificate: CertificateInfo? { nil }
    var enabledVersions: [TLSVersion] { [] }

    init(configuration: TLSConfiguration) { self.configuration = configuration }

    func makeSession(peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) -> any TLSSession {
        PlaintextSession()
    }
}

/// A session of ``PlaintextBackend``: input is application data, writes are output.
final class PlaintextSession: TLSSession {
    private var inbound: [UInt8] = []
    private var outbound: [UInt8] = []
    private var ended = false
    private var closed = false
    var traceHandler: ((TLSTraceEvent) -> Void)?
    var resumptionTicket: TLSResumptionTicket? { nil }
    var isResumed: Bool { false }
    var applicationProtocol: String? { nil }

    func receiveFromNetwork(_ bytes: UnsafeRawBufferPointer) { inbound.append(contentsOf: bytes) }
    func receiveEndOfInput() { ended = true }
    func takeNetworkOutput() -> [UInt8] {
        defer { outbound = [] }
        return outbound
    }
    var bufferedNetworkInput: Int { 0 }
    func handshake() throws(TLSError) -> TLSProgress { .complete }
    var isHandshakeComplete: Bool { true }

    func read(maximum: Int) throws(TLSError) -> TLSReadResult {
        if inbound.isEmpty { return ended ? .closed : .needsInput }
        let count = min(maximum, inbound.count)
        defer { inbound.removeFirst(count) }
        return .data(Array(inbound.prefix(count)))
    }

    var pendingPlaintext: Int { inbound.count }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        guard !closed else { throw .invalidState("write after close") }
        outbound.append(contentsOf: bytes)
    }

    func close() throws(TLSError) { closed = true }

    var info: SessionInfo? {
        SessionInfo(version: nil, protocolName: "plaintext", cipherSuite: "none", keyExchange: "none", group: nil,
                    signatureAlgorithm: nil, cipher: "none", mac: "none", summary: "plaintext (no TLS)",
                    serverName: nil, peerCertificates: [], verification: "none (plaintext)", resumed: false)
    }
}
