#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking TCP socket with deadlines (via `poll`), the transport under ``TLSSocket``.
/// Owns its file descriptor and closes it once.
public final class TCPSocket {
    /// The file descriptor, -1 once closed.
    public private(set) var descriptor: Int32
    /// The address of the other end.
    public let peer: Endpoint

    init(descriptor: Int32, peer: Endpoint) {
        self.descriptor = descriptor
        self.peer = peer
    }

    deinit { close() }

    /// Connects to `host:port`, trying each resolved address in turn, within `timeout` seconds.
    ///
    /// - Parameters:
    ///   - host: an address literal or a name to resolve.
    ///   - port: the TCP port.
    ///   - timeout: the most seconds to wait for each address to accept.
    ///   - source: a local address literal to connect from (its port is chosen at connect
    ///     time, so each source address has the whole ephemeral port range); nil: the system's choice.
    /// - Throws: ``TLSError/hostNotFound(host:reason:)``, ``TLSError/connectionRefused(host:port:)``,
    ///   ``TLSError/timedOut(stage:seconds:)`` or ``TLSError/socket(operation:errno:message:)``.
    public static func connect(host: String, port: Int, timeout: Double, from source: String? = nil) throws(TLSError) -> TCPSocket {
        let addresses = try resolve(host: host, port: port, passive: false)
        defer { freeaddrinfo(addresses) }
        let sources = try source.map { (name: String) throws(TLSError) -> UnsafeMutablePointer<addrinfo> in
            guard IPAddress.isLiteral(name) else { throw .hostNotFound(host: name, reason: "a source address must be an IP address") }
            return try resolve(host: name, port: 0, passive: true)
        }
        defer { if let sources { freeaddrinfo(sources) } }
        var lastError: TLSError = .connectionRefused(host: host, port: port)
        var entry: UnsafeMutablePointer<addrinfo>? = addresses
        while let info = entry?.pointee {
            entry = info.ai_next
            let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                            info.ai_protocol)
            guard fd >= 0 else { lastError = socketError("socket"); continue }
            guard let address = info.ai_addr else { _ = Glibc.close(fd); continue }
            let peer = Endpoint.from(address, length: info.ai_addrlen)
            if let sources {
                if let failure = bind(fd, family: info.ai_family, to: sources, label: source ?? "") {
                    _ = Glibc.close(fd)
                    lastError = failure
                    continue
                }
            }
            var result = Glibc.connect(fd, address, info.ai_addrlen)
            if result < 0 && errno == EINPROGRESS {
                if try !waitFor(fd: fd, events: Int16(POLLOUT), seconds: timeout) {
                    _ = Glibc.close(fd)
                    lastError = .timedOut(stage: .connect, seconds: timeout)
                    continue
                }
                var code: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
                if code != 0 { errno = code; result = -1 } else { result = 0 }
            }
            if result < 0 {
                let code = errno
                _ = Glibc.close(fd)
                lastError = code == ECONNREFUSED ? .connectionRefused(host: host, port: port)
                    : .socket(operation: "connect to \(peer)", errno: code, message: String(cString: strerror(code)))
                continue
            }
            setBlocking(fd)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return TCPSocket(descriptor: fd, peer: peer)
        }
        throw lastError
    }

    /// Binds `fd` to the first of `sources` in `family`, leaving the port to connect
    /// (IP_BIND_ADDRESS_NO_PORT); the error, or nil when bound.
    private static func bind(_ fd: Int32, family: Int32, to sources: UnsafeMutablePointer<addrinfo>, label: String) -> TLSError? {
        var entry: UnsafeMutablePointer<addrinfo>? = sources
        while let info = entry?.pointee {
            entry = info.ai_next
            guard info.ai_family == family, let address = info.ai_addr else { continue }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IP), 24 /* IP_BIND_ADDRESS_NO_PORT */, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.bind(fd, address, info.ai_addrlen) == 0 { return nil }
            return socketError("bind to source address \(label)")
        }
        return .socket(operation: "bind to source address \(label)", errno: EAFNOSUPPORT,
                       message: "the source address is not of the destination's address family")
    }

    /// Resolves `host` (a name or an address literal) and `port`; free the result with `freeaddrinfo`.
    static func resolve(host: String, port: Int, passive: Bool) throws(TLSError) -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &result)
        guard code == 0, let result else {
            throw .hostNotFound(host: host, reason: String(cString: gai_strerror(code)))
        }
        return result
    }

    /// Waits until `fd` is ready for `events` or `seconds` pass; true when ready (or hung up).
    static func waitFor(fd: Int32, events: Int16, seconds: Double) throws(TLSError) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let milliseconds = max(0, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let count = poll(&entry, 1, milliseconds)
            if count > 0 { return true }
            if count == 0 { return false }
            if errno != EINTR { throw socketError("poll") }
        }
    }

    static func socketError(_ operation: String) -> TLSError {
        let code = errno
        return .socket(operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    static func setBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
    }

    /// Waits until bytes can be read or `seconds` pass; true when readable (data or end of stream).
    public func waitReadable(seconds: Double) throws(TLSError) -> Bool {
        guard descriptor >= 0 else { throw .invalidState("socket is closed") }
        return try Self.waitFor(fd: descriptor, events: Int16(POLLIN), seconds: seconds)
    }

    /// Reads what is available, up to `maximum` bytes; blocks if nothing is. Nil at end of stream.
    public func read(maximum: Int) throws(TLSError) -> [UInt8]? {
        guard descriptor >= 0 else { throw .invalidState("socket is closed") }
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { return nil }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return nil }
            throw Self.socketError("read from \(peer)")
        }
    }

    /// Writes every byte, waiting for room as needed.
    ///
    /// - Parameters:
    ///   - bytes: what to send.
    ///   - timeout: the most seconds to wait in all for the peer to take the bytes; nil:
    ///     no limit. Past it: ``TLSError/timedOut(stage:seconds:)`` at the write stage.
    public func write(_ bytes: [UInt8], timeout: Double? = nil) throws(TLSError) {
        guard descriptor >= 0 else { throw .invalidState("socket is closed") }
        let deadline = timeout.map { ContinuousClock.now + .milliseconds(Int64(max(0, $0) * 1000)) }
        var offset = 0
        while offset < bytes.count {
            // Without a deadline a blocking send; with one, never block in send: wait for room with poll.
            let flags = Int32(MSG_NOSIGNAL) | (deadline == nil ? 0 : Int32(MSG_DONTWAIT))
            let count = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset, flags) }
            if count < 0 {
                if errno == EINTR { continue }
                if let deadline, errno == EAGAIN || errno == EWOULDBLOCK {
                    let left = ContinuousClock.now.duration(to: deadline)
                    let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
                    let writable = seconds > 0 ? try Self.waitFor(fd: descriptor, events: Int16(POLLOUT), seconds: seconds) : false
                    if !writable { throw .timedOut(stage: .write, seconds: timeout ?? 0) }
                    continue
                }
                throw Self.socketError("write to \(peer)")
            }
            offset += count
        }
    }

    /// Sends FIN: the peer reads end of stream; reading here still works.
    public func shutdownWrite() {
        if descriptor >= 0 { _ = shutdown(descriptor, Int32(SHUT_WR)) }
    }

    /// Closes the descriptor (once).
    public func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }
}
