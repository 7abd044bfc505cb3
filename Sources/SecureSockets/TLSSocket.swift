/// A blocking TLS connection over a TCP socket, comparable to Python's `ssl.wrap_socket`:
/// connect (or accept), handshake, read and write plaintext, close with close_notify.
/// Every wait has the configuration's deadline. Not thread-safe.
public final class TLSSocket {
    /// The TCP transport.
    public let transport: TCPSocket
    /// The TLS session driven over it.
    public let session: any TLSSession
    /// The configuration in force (timeouts, role).
    public let configuration: TLSConfiguration
    /// True once the peer's close_notify or end of stream was seen.
    public private(set) var peerClosed = false
    /// True when the peer ended the stream without close_notify.
    public private(set) var peerClosedWithoutCloseNotify = false

    /// Wraps a connected TCP socket; call ``handshake()`` next.
    ///
    /// - Parameters:
    ///   - transport: the connected TCP socket the records travel on.
    ///   - context: the compiled configuration that makes the session.
    ///   - peerName: for a client, the server's name to send (SNI) and verify; nil for a server.
    ///   - ticket: for a client, a ticket from an earlier session to resume (see
    ///     ``resumptionTicket``); nil for a full handshake.
    public init(transport: TCPSocket, context: any TLSContext, peerName: String?,
                resuming ticket: TLSResumptionTicket? = nil) throws(TLSError) {
        self.transport = transport
        self.configuration = context.configuration
        self.session = try context.makeSession(peerName: peerName, resuming: ticket)
    }

    /// Connects to `host:port` and completes the handshake, verifying the server as configured.
    ///
    /// - Throws: ``TLSError`` for refused connections, timeouts, version mismatches and
    ///   verification failures, each in words; ``TLSError/invalidServerName(name:reason:)``, before
    ///   any connection, for a `host` that is neither an IP address nor a host name when the
    ///   configuration names no server.
    ///
    /// - Parameters:
    ///   - host: the server's address or name; also its name to verify unless the configuration
    ///     names one (``TLSConfiguration/serverName``).
    ///   - port: the server's TCP port.
    ///   - context: the compiled client configuration (trust, versions, timeouts).
    ///   - source: the local address to connect from (e.g. one of several 127.0.0.x, each of which
    ///     has its own range of ports); nil lets the system choose.
    ///   - ticket: a ticket from an earlier session with this server, to resume it; nil for a full
    ///     handshake. ``SessionInfo/resumed`` in ``info`` tells whether the server accepted it.
    ///   - trace: called with each TLS message as it is sent or received, from the first.
    public static func connect(host: String, port: Int, context: any TLSContext, from source: String? = nil,
                               resuming ticket: TLSResumptionTicket? = nil,
                               trace: ((TLSTraceEvent) -> Void)? = nil) throws(TLSError) -> TLSSocket {
        // The host is the server name unless the configuration gives one: refused before connecting.
        if context.configuration.serverName == nil { try ServerName.validate(host) }
        let transport = try TCPSocket.connect(host: host, port: port, timeout: context.configuration.handshakeTimeout,
                                              from: source)
        let socket = try TLSSocket(transport: transport, context: context, peerName: host, resuming: ticket)
        if let trace { socket.session.traceHandler = trace }
        try socket.handshake()
        return socket
    }

    /// The address of the other end.
    public var peer: Endpoint { transport.peer }

    /// What the handshake negotiated; nil before it completes.
    public var info: SessionInfo? { session.info }

    /// What resumes this session on a later connection: nil until the server sent a ticket. In
    /// TLS 1.3 the ticket follows the handshake, so ask after reading the reply or closing with
    /// ``close(waitingForPeer:)``.
    public var resumptionTicket: TLSResumptionTicket? { session.resumptionTicket }

    /// Runs the handshake to completion within the handshake timeout. On failure, the alert that
    /// explains it is sent to the peer before the error is thrown.
    public func handshake() throws(TLSError) {
        let deadline = Deadline(seconds: configuration.handshakeTimeout)
        while true {
            let progress: TLSProgress
            do {
                progress = try session.handshake()
            } catch {
                try? flush()
                throw error
            }
            try flush()
            if progress == .complete { return }
            try receive(until: deadline, stage: .handshake)
        }
    }

    /// Encrypts and sends `bytes`.
    ///
    /// - Throws: when the peer already closed the connection, the fatal alert it sent before
    ///   closing if one arrived (e.g. a TLS 1.3 server refusing the client's certificate after
    ///   the client's handshake ended), else the socket error.
    public func write(_ bytes: [UInt8]) throws(TLSError) {
        try session.write(bytes)
        do {
            try flush()
        } catch {
            if case .socket = error, let refusal = alertAlreadyReceived() { throw refusal }
            throw error
        }
    }

    /// Encrypts and sends the UTF-8 bytes of `text`.
    public func write(_ text: String) throws(TLSError) {
        try write(Array(text.utf8))
    }

    /// Reads the next decrypted bytes, waiting up to the read timeout. Nil once the peer closed
    /// (with close_notify, or without it: see ``peerClosedWithoutCloseNotify``).
    public func read(maximum: Int = 16 * 1024) throws(TLSError) -> [UInt8]? {
        let deadline = Deadline(seconds: configuration.readTimeout)
        while true {
            switch try readOnce(maximum: maximum) {
            case let .data(bytes): return bytes
            case .closed: return nil
            case .needsInput: try receive(until: deadline, stage: .read)
            }
        }
    }

    /// Sends close_notify (if the handshake completed), shuts the write side, then closes.
    ///
    /// - Parameter seconds: how long to wait for the peer's own close (close_notify or end of
    ///   stream) before closing, so ``peerClosed`` tells whether the peer closed cleanly. 0: do not wait.
    public func close(waitingForPeer seconds: Double = 0) {
        try? session.close()
        try? flush()
        transport.shutdownWrite()
        if seconds > 0 && session.isHandshakeComplete {
            let deadline = Deadline(seconds: seconds)
            while !peerClosed {
                guard (try? readOnce(maximum: 16 * 1024)) != nil else { break }
                if peerClosed { break }
                guard (try? receive(until: deadline, stage: .close)) != nil else { break }
            }
        }
        transport.close()
    }

    /// One session read, turning the peer's close into state. A close without close_notify after
    /// data is reported through ``peerClosedWithoutCloseNotify``, not thrown.
    private func readOnce(maximum: Int) throws(TLSError) -> TLSReadResult {
        do {
            let result = try session.read(maximum: maximum)
            try? flush()
            if result == .closed { peerClosed = true }
            return result
        } catch {
            try? flush()
            if case .prematureClose = error {
                peerClosed = true
                peerClosedWithoutCloseNotify = true
                return .closed
            }
            throw error
        }
    }

    /// After a failed write: the error the session reports for what the peer sent before it
    /// closed (its fatal alert), read without waiting; nil when nothing explains the failure.
    private func alertAlreadyReceived() -> TLSError? {
        for _ in 0..<16 {
            guard (try? transport.waitReadable(seconds: 0)) == true else { break }
            let chunk: [UInt8]?
            do { chunk = try transport.read(maximum: 64 * 1024) } catch { break }
            guard let chunk else {
                session.receiveEndOfInput()
                break
            }
            session.receiveFromNetwork(chunk)
        }
        do {
            while case .data = try session.read(maximum: 16 * 1024) {}
        } catch {
            switch error {
            case .alertReceived, .handshakeFailed, .verificationFailed: return error
            default: return nil
            }
        }
        return nil
    }

    /// Sends what the session has queued, within the write timeout.
    private func flush() throws(TLSError) {
        let output = session.takeNetworkOutput()
        if !output.isEmpty { try transport.write(output, timeout: configuration.writeTimeout) }
    }

    /// Waits for bytes until `deadline`, feeding them (or end of stream) to the session.
    private func receive(until deadline: Deadline, stage: TLSStage) throws(TLSError) {
        guard try transport.waitReadable(seconds: deadline.remaining) else {
            throw .timedOut(stage: stage, seconds: deadline.total)
        }
        if let bytes = try transport.read(maximum: 64 * 1024) {
            session.receiveFromNetwork(bytes)
        } else {
            session.receiveEndOfInput()
        }
    }
}

/// A point in time some seconds from now, on the monotonic clock.
struct Deadline {
    let total: Double
    let end: ContinuousClock.Instant

    init(seconds: Double) {
        total = seconds
        end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    }

    /// Seconds left (0 when past).
    var remaining: Double {
        let left = ContinuousClock.now.duration(to: end)
        let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        return max(0, seconds)
    }
}
