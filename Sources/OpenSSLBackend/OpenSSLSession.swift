#if OpenSSL
import COpenSSL
import SecureSockets

/// One connection on the OpenSSL backend, driven from memory BIOs: what the peer sent goes into
/// the input BIO, what OpenSSL writes comes out of the output BIO. Not thread-safe.
package final class OpenSSLSession: TLSSession {
    /// The context the session was made from (kept alive with it).
    let context: OpenSSLContext
    /// The owner of the `SSL` and its BIOs.
    let ssl: SSLHandle
    /// Client or server.
    let role: TLSConfiguration.Role
    /// The name a client verifies the certificate against (and sends as SNI unless an address).
    let expectedName: String?

    /// What the verification callbacks found about the peer's chain (see ``PeerVerification``).
    var verificationFindings: [PeerVerification.Finding] = []
    /// What the OCSP response the server stapled says (a client's view), nil when none came.
    var receivedOCSP: OCSPStatus?
    /// True once a server stapled its OCSP response on this connection.
    var ocspStapled = false
    /// Why a client refused the server's stapled status (see ``OCSPStapling``).
    var ocspFailure: TLSError?
    /// The server's chain as verified, when none of its keys matched the configured pins.
    var pinMismatch: [CertificateInfo]?
    /// The peer's leaf as verification saw it.
    var verifiedLeaf: CertificateInfo?
    /// The extended key usages of the peer's leaf, in words.
    var peerPurposes: [String] = []
    /// The protocols a client offered through ALPN (a server's view), nil when it offered none.
    var offeredApplicationProtocols: [String]?
    /// The last alert this side sent and the last one it received (from the info callback).
    var alertSent: TLSAlert?
    var alertReceived: TLSAlert?
    /// The handshake message types received, in order (from the message callback).
    var receivedHandshakeTypes: [UInt8] = []
    /// A server's view of the client's ClientHello body (what it offered, for a refusal's sentence).
    var clientHelloBody: [UInt8]?
    /// True once the peer closed its side of the transport.
    private(set) var inputEnded = false
    private var closed = false
    private var cachedInfo: SessionInfo?

    /// True once ``handshake()`` returned ``TLSProgress/complete``.
    public private(set) var isHandshakeComplete = false
    /// Called with each TLS message sent or received (see ``TLSSession/traceHandler``).
    public var traceHandler: ((TLSTraceEvent) -> Void)? {
        didSet { tracer = traceHandler.map(HandshakeTracer.init(sink:)) }
    }
    /// Makes the trace while ``traceHandler`` is set.
    private var tracer: HandshakeTracer?

    init(context: OpenSSLContext, peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) {
        let configuration = context.configuration
        self.context = context
        self.role = configuration.role
        let name = configuration.role == .client ? (configuration.serverName ?? peerName) : nil
        if let name { try ServerName.validate(name) }
        self.expectedName = name
        self.ssl = try SSLHandle(context: context.handle)
        let pointer = ssl.pointer
        // Callbacks find this session through the SSL's application data; the session owns the SSL.
        _ = SSL_set_ex_data(pointer, 0, Unmanaged.passUnretained(self).toOpaque())
        SSL_set_info_callback(pointer, Self.infoCallback)
        SSL_set_msg_callback(pointer, Self.messageCallback)
        switch role {
        case .server:
            SSL_set_accept_state(pointer)
        case .client:
            SSL_set_connect_state(pointer)
            guard copenssl_set_tlsext_status_type_ocsp(pointer) == 1 else {
                throw .setupFailed(operation: "ask for the server's OCSP status (status_request)", library: OpenSSLError.take("SSL_set_tlsext_status_type"))
            }
            if let name { try configureClient(name: name, verification: configuration.certificateVerification) }
            if let ticket { try resume(ticket) }
        }
    }

    private func configureClient(name: String, verification: TLSConfiguration.CertificateVerification) throws(TLSError) {
        let isAddress = IPAddress.isLiteral(name)
        if !isAddress && copenssl_set_tlsext_host_name(ssl.pointer, name) != 1 {
            throw .setupFailed(operation: "set the server name \(name)", library: OpenSSLError.take("SSL_set_tlsext_host_name"))
        }
        guard verification == .fullVerification else { return }
        SSL_set_hostflags(ssl.pointer, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let accepted = isAddress
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.pointer), name)
            : SSL_set1_host(ssl.pointer, name)
        guard accepted == 1 else {
            throw .setupFailed(operation: "set the name to verify, \(name)", library: OpenSSLError.take("SSL_set1_host"))
        }
    }

    private func resume(_ ticket: TLSResumptionTicket) throws(TLSError) {
        guard let saved = SavedSession(ticket.bytes) else {
            throw .notResumed(reason: "the ticket is not an OpenSSL session")
        }
        guard SSL_set_session(ssl.pointer, saved.pointer) == 1 else {
            throw .setupFailed(operation: "offer the saved session", library: OpenSSLError.take("SSL_set_session"))
        }
    }

    /// The session of an `SSL` this backend made, from its application data.
    static func of(_ ssl: OpaquePointer?) -> OpenSSLSession? {
        guard let ssl, let data = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<OpenSSLSession>.fromOpaque(data).takeUnretainedValue()
    }

    // MARK: Bytes in and out

    /// Appends bytes received from the peer to the input BIO.
    public func receiveFromNetwork(_ bytes: UnsafeRawBufferPointer) {
        guard let input = ssl.networkInput, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        // A memory BIO grows as needed; a write fails only when memory runs out, which the
        // next read then reports as a missing record.
        _ = BIO_write(input, base, Int32(bytes.count))
    }

    /// From now on an empty input BIO means end of file.
    public func receiveEndOfInput() {
        inputEnded = true
        if let input = ssl.networkInput { _ = copenssl_bio_set_mem_eof_return(input, 0) }
    }

    /// Everything OpenSSL wrote to the output BIO since the last call.
    public func takeNetworkOutput() -> [UInt8] {
        guard let output = ssl.networkOutput else { return [] }
        let count = Int(copenssl_bio_pending(output))
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress, Int32(count)) }
        tracer?.flushSent()
        return read > 0 ? Array(bytes.prefix(Int(read))) : []
    }

    /// Ciphertext received and not yet consumed.
    public var bufferedNetworkInput: Int {
        ssl.networkInput.map { Int(copenssl_bio_pending($0)) } ?? 0
    }

    // MARK: Handshake, data, close

    /// Runs `SSL_do_handshake` as far as the input allows.
    public func handshake() throws(TLSError) -> TLSProgress {
        if isHandshakeComplete { return .complete }
        OpenSSLError.clear()
        let result = SSL_do_handshake(ssl.pointer)
        if result == 1 {
            isHandshakeComplete = true
            return .complete
        }
        let code = SSL_get_error(ssl.pointer, result)
        if code == SSL_ERROR_WANT_READ && !inputEnded { return .needsInput }
        throw OpenSSLHandshakeFailure.explain(self, errorCode: code)
    }

    /// Decrypts up to `maximum` bytes.
    public func read(maximum: Int) throws(TLSError) -> TLSReadResult {
        guard isHandshakeComplete else { throw .invalidState("read before the handshake completed") }
        guard maximum > 0 else { return .needsInput }
        OpenSSLError.clear()
        var buffer = [UInt8](repeating: 0, count: maximum)
        var count = 0
        let result = buffer.withUnsafeMutableBytes { SSL_read_ex(ssl.pointer, $0.baseAddress, maximum, &count) }
        if result == 1 {
            tracer?.applicationData(sent: false, count: count, cipher: info?.cipher)
            return .data(Array(buffer.prefix(count)))
        }
        switch SSL_get_error(ssl.pointer, result) {
        case SSL_ERROR_WANT_READ where !inputEnded:
            return .needsInput
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            let library = OpenSSLError.drain()
            if let alert = alertReceived, alert.isFatal {
                // TLS 1.3: the client's handshake ends before the server judges its certificate.
                if let refusal = clientCertificateRefusal(alert, library: library) { throw refusal }
                throw .alertReceived(alert, library: library)
            }
            if inputEnded { throw .prematureClose(library: library) }
            throw .protocolError(reason: library?.message ?? "OpenSSL could not read a record", library: library)
        }
    }

    /// Decrypted bytes waiting in OpenSSL.
    public var pendingPlaintext: Int { Int(SSL_pending(ssl.pointer)) }

    /// Encrypts `bytes` into records in the output BIO.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        guard isHandshakeComplete else { throw .invalidState("write before the handshake completed") }
        guard !closed else { throw .invalidState("write after close") }
        guard !bytes.isEmpty else { return }
        OpenSSLError.clear()
        var written = 0
        guard SSL_write_ex(ssl.pointer, bytes.baseAddress, bytes.count, &written) == 1, written == bytes.count else {
            let library = OpenSSLError.drain()
            throw .protocolError(reason: library?.message ?? "OpenSSL could not write the records", library: library)
        }
        tracer?.applicationData(sent: true, count: written, cipher: info?.cipher)
    }

    /// Queues close_notify.
    public func close() throws(TLSError) {
        guard !closed else { return }
        closed = true
        guard isHandshakeComplete else { return }
        OpenSSLError.clear()
        // 0: close_notify sent, the peer's not yet received; 1: both done. Either is a success.
        if SSL_shutdown(ssl.pointer) < 0 {
            let library = OpenSSLError.drain()
            throw .protocolError(reason: library?.message ?? "OpenSSL could not send close_notify", library: library)
        }
    }

    // MARK: What was negotiated

    /// What was negotiated; nil before the handshake completes.
    public var info: SessionInfo? {
        guard isHandshakeComplete else { return nil }
        if let cachedInfo { return cachedInfo }
        let report = OpenSSLSessionReport.make(self)
        cachedInfo = report
        return report
    }

    /// True when the handshake resumed an earlier session.
    public var isResumed: Bool { isHandshakeComplete && SSL_session_reused(ssl.pointer) == 1 }

    /// The protocol ALPN agreed on.
    public var applicationProtocol: String? {
        guard isHandshakeComplete else { return nil }
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl.pointer, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// For a client, the session as DER (`i2d_SSL_SESSION`) once it can resume.
    public var resumptionTicket: TLSResumptionTicket? {
        // A session without a ticket could resume only from a server's session cache, which the
        // other backend does not keep: as documented, no ticket from the server means nil.
        guard role == .client, isHandshakeComplete, let session = SSL_get_session(ssl.pointer),
              SSL_SESSION_is_resumable(session) == 1, SSL_SESSION_has_ticket(session) == 1 else { return nil }
        let length = i2d_SSL_SESSION(session, nil)
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_SSL_SESSION(session, &cursor)
        }
        return written == length ? TLSResumptionTicket(bytes: bytes) : nil
    }

    // MARK: Callbacks

    /// Records alerts as OpenSSL sends and reads them (`SSL_set_info_callback`).
    static let infoCallback: @convention(c) (OpaquePointer?, Int32, Int32) -> Void = { ssl, kind, value in
        guard kind & SSL_CB_ALERT != 0, let session = of(ssl) else { return }
        let alert = OpenSSLAlert.describe(code: UInt8(truncatingIfNeeded: value & 0xff), fatal: (value >> 8) == 2)
        if kind & SSL_CB_READ != 0 { session.alertReceived = alert } else { session.alertSent = alert }
    }

    /// Sees every protocol message (`SSL_set_msg_callback`): records the handshake messages
    /// received, and feeds the trace.
    static let messageCallback: @convention(c) (
        Int32, Int32, Int32, UnsafeRawPointer?, Int, OpaquePointer?, UnsafeMutableRawPointer?
    ) -> Void = { writing, _, contentType, buffer, length, ssl, _ in
        guard let buffer, length > 0, let ssl, let session = of(ssl) else { return }
        let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: length))
        if contentType == SSL3_RT_HANDSHAKE && writing == 0 {
            session.receivedHandshakeTypes.append(bytes[0])
            if bytes[0] == 1 && session.role == .server { session.clientHelloBody = Array(bytes.dropFirst(4)) }
        }
        session.tracer?.message(sent: writing != 0, contentType: contentType, bytes: bytes, ssl: ssl)
    }
}
#endif
