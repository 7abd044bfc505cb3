#if canImport(Glibc)
import Glibc
#endif
import CGnuTLS
import SecureSockets

/// One GnuTLS session over memory buffers: GnuTLS pulls ciphertext from ``receiveFromNetwork(_:)``
/// and pushes ciphertext into the buffer ``takeNetworkOutput()`` drains. No socket is involved,
/// so the same code serves blocking sockets, an event loop and in-process test pairs.
final class GnuTLSSession: TLSSession {
    let context: GnuTLSContext
    /// The owner of the GnuTLS session (and of the name it verifies against).
    private let handle: SessionHandle
    /// The GnuTLS session; valid as long as this object lives.
    var session: gnutls_session_t { handle.raw }
    let role: TLSConfiguration.Role
    /// The purpose the peer's certificate is verified for, when it is verified. (The
    /// ``PeerVerification`` GnuTLS points into belongs to ``handle``, which releases it after the session.)
    private(set) var peerPurpose: KeyPurpose?
    let expectedName: String?
    /// A server's checks of client certificates (nil when it asks for none), run by
    /// ``ClientCertificates/verify(_:)``.
    private(set) var clientCertificateChecks: PeerVerification?
    /// The status bits of the client certificate a server refused, for ``Verification``.
    var clientCertificateStatus: UInt32?
    /// The status bits of the peer's certificate verification (`UInt32.max` when none ran).
    var verificationStatus: UInt32 { clientCertificateStatus ?? gnutls_session_get_verify_cert_status(session) }

    private var inbound: [UInt8] = []
    private var inboundOffset = 0
    private var outbound: [UInt8] = []
    private var endOfInput = false
    /// The client's first flight as it arrived (record headers included), kept on a server until the
    /// handshake ends to explain failures: at most ``clientHelloKept`` bytes, the rest is not copied.
    private(set) var clientHelloBytes: [UInt8] = []
    /// How much of the client's first flight a server keeps to explain failures.
    static let clientHelloKept = 16 * 1024
    /// The bound on a session's handshake data, in bytes: GnuTLS's own default
    /// (`gnutls_handshake_set_max_packet_length`, 128 KiB since GnuTLS 3.5.5), which counts the
    /// messages of both sides. It leaves room for a ClientHello with 64 KiB of cipher suites or
    /// 64 KiB of extensions (not both), however it is split into records and reads; with a
    /// one-certificate chain a ClientHello of 126 KiB is still answered. Past the bound GnuTLS
    /// refuses the handshake with a `decode_error` alert as the bytes arrive. A ClientHello whose
    /// header declares more than the bound is refused the same way as soon as the header arrives,
    /// instead of waiting for bytes that would be refused anyway.
    static let maximumHandshakeMessage = 128 * 1024
    /// True once a server has read the declared length of the client's first message.
    private var clientHelloLengthChecked = false
    private var closed = false
    /// A renegotiation ClientHello was just refused and GnuTLS still holds it (see ``read(maximum:)``).
    private var refusedHelloBuffered = false
    private(set) var isHandshakeComplete = false
    /// The application protocol agreed on, read once when the handshake completes.
    private(set) var applicationProtocol: String?
    /// On a server with several identities, the server name the client asked for when only the
    /// identities that carry it were left to choose from (see ``ServerNameIdentities``).
    var narrowedServerName: String?
    /// Why this side refused a handshake GnuTLS had completed (a strict client whose server agreed
    /// to no application protocol) or one ``ServerChecks`` stopped (pins, OCSP): thrown again by
    /// every later ``handshake()``, which must not start GnuTLS over.
    private var refusal: TLSError?
    /// What was negotiated, made on first use after the handshake (parsing the peer's chain has
    /// a cost that a caller who never asks should not pay).
    var info: SessionInfo? {
        guard isHandshakeComplete else { return nil }
        if let cachedInfo { return cachedInfo }
        let made = SessionReport.make(self)
        cachedInfo = made
        return made
    }
    private var cachedInfo: SessionInfo?
    /// True once the server's Certificate arrived in this handshake (a resumed one has none).
    private var receivedCertificate = false
    /// True once ``ServerChecks`` ran for this handshake.
    private var serverChecked = false
    /// What ``ServerChecks`` refused, with the alert to send, until the handshake reports it.
    private var serverCheckFailure: (error: TLSError, alert: gnutls_alert_description_t)?

    var isResumed: Bool { isHandshakeComplete && gnutls_session_is_resumed(session) != 0 }
    /// The live trace, when a handler is set.
    private(set) var tracer: HandshakeTracer?

    var traceHandler: ((TLSTraceEvent) -> Void)? {
        didSet {
            if let traceHandler {
                if tracer == nil { HandshakeTracer.install(on: session) }
                tracer = HandshakeTracer(sink: traceHandler)
            } else {
                tracer = nil
            }
        }
    }

    /// The recording of the exchange for an illustrated page, when one is asked for
    /// (``ExchangeRecorder/attach(to:)``): records, handshake messages and secrets.
    var recorder: ExchangeRecorder? {
        didSet { if recorder != nil { HandshakeTracer.install(on: session) } }
    }

    /// Makes a session on `context`; a client checks `peerName` (unless the configuration names
    /// the server) and sends it as SNI unless it is an IP address.
    ///
    /// Every GnuTLS object made here has its owner before the next call can fail, so a failure
    /// just throws: the owners release what exists.
    ///
    /// - Throws: ``TLSError/invalidServerName(name:reason:)`` for a peer name that cannot be a
    ///   server name; ``TLSError/setupFailed(operation:library:)`` naming the GnuTLS step that failed.
    init(context: GnuTLSContext, peerName: String?, resuming ticket: TLSResumptionTicket? = nil) throws(TLSError) {
        let configuration = context.configuration
        let role = configuration.role
        let name = configuration.serverName ?? peerName
        if role == .client, configuration.serverName == nil, let peerName { try ServerName.validate(peerName) }
        let roleFlag = role == .server ? GNUTLS_SERVER.rawValue : GNUTLS_CLIENT.rawValue
        let handle = try SessionHandle(flags: roleFlag | GNUTLS_NONBLOCK.rawValue | ClientCertificates.sessionFlags(for: configuration))
        let session = handle.raw
        self.context = context
        self.handle = handle
        self.role = role
        expectedName = name

        try check(gnutls_priority_set(session, context.priority.raw)) {
            .setupFailed(operation: "apply the priorities to the session", library: $0)
        }
        try check(gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(context.credentials.raw))) {
            .setupFailed(operation: "attach the certificate credentials to the session", library: $0)
        }
        if role == .server, let key = context.ticketKey {
            try check(key.enable(on: session, lifetime: configuration.ticketLifetime)) {
                .setupFailed(operation: "enable session tickets", library: $0)
            }
        }
        if role == .server, context.serverNameIdentities != nil {
            ServerNameIdentities.install(on: session)
        }
        if role == .client, let ticket, !ticket.bytes.isEmpty {
            // A ticket GnuTLS cannot read only costs the resumption: the handshake is full.
            _ = ticket.bytes.withUnsafeBytes { gnutls_session_set_data(session, $0.baseAddress, $0.count) }
        }
        if role == .client, let name, !IPAddress.isLiteral(name) {
            try check(gnutls_server_name_set(session, GNUTLS_NAME_DNS, name, name.utf8.count)) {
                .setupFailed(operation: "set the server name (SNI) '\(name)'", library: $0)
            }
        }
        if role == .client,
           let verification = PeerVerification(mode: configuration.certificateVerification, hostName: name, purpose: .tlsServer) {
            // GnuTLS keeps the verification data's pointers: the session's owner keeps them as long as the session.
            handle.keep(verification)
            verification.install(on: session)
            peerPurpose = verification.purpose
        }
        if role == .server, let checks = ClientCertificates.install(on: session, configuration: configuration) {
            clientCertificateChecks = checks
            peerPurpose = checks.purpose
        }
        try ApplicationProtocols.install(on: session, configuration: configuration)
        if role == .client {
            // Always asked for: what the server staples is reported, and checked when required.
            try check(gnutls_ocsp_status_request_enable_client(session, nil, 0, nil)) {
                .setupFailed(operation: "ask for the server's OCSP status (status_request)", library: $0)
            }
        }
        // The checks after verification run from the handshake hook (which also feeds the trace).
        if ServerChecks.needed(configuration) { HandshakeTracer.install(on: session) }
        installTransport()
        installKeyLog()
    }

    /// Sends this session's secrets to the configuration's key log, or nowhere. This replaces
    /// GnuTLS's own `SSLKEYLOGFILE` writer, which would create a world-readable file without the
    /// checks of ``KeyLogFile``; front ends that honour `SSLKEYLOGFILE` open it as a ``KeyLogFile``.
    private func installKeyLog() {
        gnutls_session_set_keylog_function(session) { handle, label, secret in
            guard let handle, let label, let secret, let pointer = gnutls_transport_get_ptr(handle) else { return 0 }
            let owner = Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue()
            if let recorder = owner.recorder {
                let bytes = secret.pointee.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(secret.pointee.size))) } ?? []
                recorder.secret(label: String(cString: label), bytes: bytes, session: handle)
            }
            guard let keyLog = owner.context.configuration.keyLog else { return 0 }
            var client = gnutls_datum_t()
            var server = gnutls_datum_t()
            gnutls_session_get_random(handle, &client, &server)
            let random = client.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(client.size))) } ?? []
            let bytes = secret.pointee.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(secret.pointee.size))) } ?? []
            keyLog.append(label: String(cString: label), clientRandom: random, secret: bytes)
            return 0
        }
    }

    var resumptionTicket: TLSResumptionTicket? {
        guard role == .client, isHandshakeComplete else { return nil }
        // A new ticket arrived; or a TLS 1.2 session resumed with a ticket the server did not
        // replace, which resumes again.
        let ticketed = gnutls_session_get_flags(session) & GNUTLS_SFLAGS_SESSION_TICKET.rawValue != 0
        let resumedTLS12 = gnutls_session_is_resumed(session) != 0 && gnutls_protocol_get_version(session) != GNUTLS_TLS1_3
        guard ticketed || resumedTLS12 else { return nil }
        var datum = GnuTLSDatum()
        guard gnutls_session_get_data2(session, &datum.raw) == GNUTLS_E_SUCCESS, datum.raw.data != nil else { return nil }
        return TLSResumptionTicket(bytes: datum.bytes)
    }

    // MARK: Memory transport

    private func installTransport() {
        gnutls_transport_set_ptr(session, Unmanaged.passUnretained(self).toOpaque())
        gnutls_transport_set_pull_function(session) { pointer, buffer, length in
            guard let pointer, let buffer else { return -1 }
            return Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue().pull(into: buffer, length: length)
        }
        gnutls_transport_set_push_function(session) { pointer, buffer, length in
            guard let pointer, let buffer else { return -1 }
            return Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue().push(from: buffer, length: length)
        }
        gnutls_transport_set_pull_timeout_function(session) { pointer, _ in
            guard let pointer else { return -1 }
            let me = Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue()
            if me.bufferedNetworkInput > 0 || me.endOfInput { return 1 }
            gnutls_transport_set_errno(me.session, EAGAIN)
            return 0
        }
    }

    private func pull(into buffer: UnsafeMutableRawPointer, length: Int) -> Int {
        let available = inbound.count - inboundOffset
        if available == 0 {
            if endOfInput { return 0 }
            gnutls_transport_set_errno(session, EAGAIN)
            return -1
        }
        let count = min(available, length)
        inbound.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            buffer.copyMemory(from: start + inboundOffset, byteCount: count)
        }
        tracer?.received(UnsafeRawBufferPointer(start: buffer, count: count))
        recorder?.received(UnsafeRawBufferPointer(start: buffer, count: count))
        inboundOffset += count
        if inboundOffset == inbound.count {
            inbound.removeAll(keepingCapacity: inbound.capacity <= 64 * 1024)
            inboundOffset = 0
        }
        return count
    }

    private func push(from buffer: UnsafeRawPointer, length: Int) -> Int {
        tracer?.sent(UnsafeRawBufferPointer(start: buffer, count: length))
        recorder?.sent(UnsafeRawBufferPointer(start: buffer, count: length))
        outbound.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
        return length
    }

    func receiveFromNetwork(_ bytes: UnsafeRawBufferPointer) {
        inbound.append(contentsOf: bytes)
        if role == .server && !isHandshakeComplete && clientHelloBytes.count < Self.clientHelloKept {
            clientHelloBytes.append(contentsOf: bytes.prefix(Self.clientHelloKept - clientHelloBytes.count))
        }
    }

    func receiveEndOfInput() { endOfInput = true }

    func takeNetworkOutput() -> [UInt8] {
        tracer?.flushSent()
        defer { outbound = [] }
        return outbound
    }

    var bufferedNetworkInput: Int { inbound.count - inboundOffset }

    var pendingPlaintext: Int { isHandshakeComplete ? Int(gnutls_record_check_pending(session)) : 0 }

    // MARK: Handshake

    func handshake() throws(TLSError) -> TLSProgress {
        if isHandshakeComplete { return .complete }
        if let refusal { throw refusal }
        while true {
            let before = bufferedNetworkInput
            let code = gnutls_handshake(session)
            switch code {
            case GNUTLS_E_SUCCESS:
                applicationProtocol = ApplicationProtocols.selected(session)
                try refuseMissingApplicationProtocol()
                isHandshakeComplete = true
                clientHelloBytes = []
                if let tracer {
                    tracer.handshakeComplete = true
                    tracer.cipher = info?.cipher ?? ""
                }
                return .complete
            case GNUTLS_E_AGAIN, GNUTLS_E_INTERRUPTED:
                // GnuTLS returns AGAIN after each record of a handshake message that spans several
                // records, even when the next record is already buffered: go on while it consumes input.
                if bufferedNetworkInput > 0 && bufferedNetworkInput < before { continue }
                if endOfInput && bufferedNetworkInput == 0 { throw .closedDuringHandshake(library: .gnutls(code)) }
                try refuseOversizedClientHello()
                try refuseTruncatedSSLv2Hello()
                return .needsInput
            case GNUTLS_E_WARNING_ALERT_RECEIVED, GNUTLS_E_GOT_APPLICATION_DATA:
                continue
            default:
                if let failure = serverCheckFailure {
                    serverCheckFailure = nil
                    sendAlert(failure.alert)
                    refusal = failure.error
                    throw failure.error
                }
                throw HandshakeFailure.explain(code, in: self)
            }
        }
    }

    /// Called by the handshake hook after GnuTLS processed each message: on a client that has
    /// ``ServerChecks`` to make, runs them once the server's chain is verified. Returns 0 to go
    /// on, or a GnuTLS error code that aborts the handshake (the reason is kept for ``handshake()``).
    func processedHandshakeMessage(type: UInt32, incoming: Bool) -> Int32 {
        guard role == .client, incoming, ServerChecks.needed(context.configuration) else { return 0 }
        if type == GNUTLS_HANDSHAKE_CERTIFICATE_PKT.rawValue { receivedCertificate = true }
        guard receivedCertificate, !serverChecked,
              type == GNUTLS_HANDSHAKE_SERVER_HELLO_DONE.rawValue || type == GNUTLS_HANDSHAKE_FINISHED.rawValue else { return 0 }
        serverChecked = true
        guard let failure = ServerChecks.run(self) else { return 0 }
        serverCheckFailure = failure
        return GNUTLS_E_CERTIFICATE_ERROR
    }

    /// On a client that requires an application protocol (``TLSConfiguration/requiresApplicationProtocol``)
    /// and offered some: refuses a handshake in which the server agreed to none, with the
    /// `no_application_protocol` alert. (A server refuses during the handshake, through GnuTLS.)
    private func refuseMissingApplicationProtocol() throws(TLSError) {
        let configuration = context.configuration
        guard role == .client, configuration.requiresApplicationProtocol, !configuration.applicationProtocols.isEmpty,
              applicationProtocol == nil else { return }
        sendAlert(GNUTLS_A_NO_APPLICATION_PROTOCOL)
        let failure = TLSError.noCommonApplicationProtocol(
            detail: "this side offered \(ApplicationProtocolList.text(configuration.applicationProtocols)) and requires one; the server agreed to none (it answered without ALPN)",
            library: nil, alert: Alerts.describe(GNUTLS_A_NO_APPLICATION_PROTOCOL, fatal: true))
        refusal = failure
        throw failure
    }

    /// On a server waiting for the rest of the ClientHello: refuses it at once when its header declares
    /// more than ``maximumHandshakeMessage`` bytes (GnuTLS would wait for them all before refusing).
    private func refuseOversizedClientHello() throws(TLSError) {
        guard role == .server, !clientHelloLengthChecked else { return }
        guard case let .message(hello) = FirstHandshakeMessage.read(clientHelloBytes, limit: 0) else { return }
        clientHelloLengthChecked = true
        if hello.declaredLength + 4 > Self.maximumHandshakeMessage {
            throw HandshakeFailure.explain(GNUTLS_E_HANDSHAKE_TOO_LARGE, in: self)
        }
    }

    /// The shortest SSL 2.0 record that can hold a ClientHello: the message type, the version and
    /// three length fields (RFC 6101, appendix E.2).
    static let minimumSSLv2ClientHello = 9

    /// On a server waiting for more input: refuses at once a first record in SSL 2.0 format too
    /// short to be a ClientHello (GnuTLS would wait for input that cannot complete it, until the
    /// handshake timeout). Such a record has the top bit of its first byte set, which no TLS
    /// content type has.
    private func refuseTruncatedSSLv2Hello() throws(TLSError) {
        guard role == .server, clientHelloBytes.count >= 2, clientHelloBytes[0] & 0x80 != 0 else { return }
        let length = Int(clientHelloBytes[0] & 0x7f) << 8 | Int(clientHelloBytes[1])
        guard length < Self.minimumSSLv2ClientHello else { return }
        sendAlert(GNUTLS_A_DECODE_ERROR)
        throw .handshakeFailed(
            reason: "the client sent an SSL 2.0 record of \(length) bytes, too short for a ClientHello (at least \(Self.minimumSSLv2ClientHello))",
            library: nil, alert: Alerts.describe(GNUTLS_A_DECODE_ERROR, fatal: true))
    }

    /// Sends a fatal alert (for failures the session decides, e.g. a version mismatch).
    func sendAlert(_ description: gnutls_alert_description_t) {
        tracer?.willSendAlert(Alerts.describe(description, fatal: true))
        _ = gnutls_alert_send(session, GNUTLS_AL_FATAL, description)
    }

    /// Sends the alert GnuTLS deems right for `code` (nothing for non-fatal codes).
    func sendAppropriateAlert(for code: Int32) {
        if let alert = Alerts.appropriate(for: code) { tracer?.willSendAlert(alert) }
        _ = gnutls_alert_send_appropriate(session, code)
    }

    var inputEnded: Bool { endOfInput }

    // MARK: Application data

    func read(maximum: Int) throws(TLSError) -> TLSReadResult {
        guard isHandshakeComplete else { throw .invalidState("read before the handshake completed") }
        guard maximum > 0 else { return .needsInput }
        let capacity = min(maximum, 16 * 1024 + 256)
        while true {
            let before = bufferedNetworkInput
            let discardingRefusedHello = refusedHelloBuffered
            refusedHelloBuffered = false
            // Decrypt straight into the array returned: no zero-filling, no second copy.
            var count = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                count = gnutls_record_recv(session, buffer.baseAddress, capacity)
                initialized = max(0, count)
            }
            if count > 0 {
                tracer?.didReceive(plaintext: count)
                return .data(bytes)
            }
            if count == 0 {
                tracer?.didReceiveAlert(Alerts.describe(GNUTLS_A_CLOSE_NOTIFY, fatal: false))
                return .closed
            }
            let code = Int32(count)
            switch code {
            case GNUTLS_E_AGAIN, GNUTLS_E_INTERRUPTED:
                // GnuTLS returns AGAIN after a post-handshake message (e.g. a TLS 1.3 session ticket)
                // even when more records are already buffered: go on while it makes progress.
                if bufferedNetworkInput > 0 && bufferedNetworkInput < before { continue }
                return .needsInput
            case GNUTLS_E_REHANDSHAKE:
                // Renegotiation is refused: tell the peer and carry on with the current keys.
                tracer?.willSendAlert(Alerts.describe(GNUTLS_A_NO_RENEGOTIATION, fatal: false))
                _ = gnutls_alert_send(session, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION)
                refusedHelloBuffered = role == .server
                continue
            case GNUTLS_E_UNEXPECTED_PACKET where discardingRefusedHello:
                // A server keeps the refused ClientHello in its record buffer; the receive right
                // after the refusal discards it with this code. The session goes on as before.
                continue
            case GNUTLS_E_WARNING_ALERT_RECEIVED:
                continue
            case GNUTLS_E_PREMATURE_TERMINATION:
                // The input ended without close_notify (only the end of input makes this code).
                throw .prematureClose(library: .gnutls(code))
            case GNUTLS_E_UNEXPECTED_PACKET_LENGTH where endOfInput:
                // The input ended inside a record: the same premature close. Before the end of the
                // input this code is a malformed record, answered below.
                throw .prematureClose(library: .gnutls(code))
            case GNUTLS_E_FATAL_ALERT_RECEIVED:
                let alert = Alerts.received(session)
                tracer?.didReceiveAlert(alert)
                // In TLS 1.3 a server refuses the client's certificate after the client's handshake ended.
                if let refusal = ClientCertificates.refusal(alert, in: self, library: .gnutls(code)) { throw refusal }
                throw .alertReceived(alert, library: .gnutls(code))
            default:
                sendAppropriateAlert(for: code)
                let library = BackendError.gnutls(code)
                throw .protocolError(reason: library.message, library: library)
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        guard isHandshakeComplete else { throw .invalidState("write before the handshake completed") }
        guard !closed else { throw .invalidState("write after close") }
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 16 * 1024)
            tracer?.willSend(plaintext: chunk)
            let sent = gnutls_record_send(session, bytes.baseAddress.map { $0 + offset }, chunk)
            if sent < 0 {
                let code = Int32(sent)
                if code == GNUTLS_E_AGAIN || code == GNUTLS_E_INTERRUPTED { continue }
                let library = BackendError.gnutls(code)
                throw .protocolError(reason: "sending failed: \(library.message)", library: library)
            }
            offset += sent
        }
    }

    func close() throws(TLSError) {
        guard !closed else { return }
        closed = true
        guard isHandshakeComplete else { return }
        tracer?.willSendAlert(Alerts.describe(GNUTLS_A_CLOSE_NOTIFY, fatal: false))
        let code = gnutls_bye(session, GNUTLS_SHUT_WR)
        if code < 0 && code != GNUTLS_E_AGAIN && code != GNUTLS_E_INTERRUPTED {
            let library = BackendError.gnutls(code)
            throw .protocolError(reason: "close_notify failed: \(library.message)", library: library)
        }
    }
}
