#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A listening TCP socket that hands out server-side ``TLSSocket``s, one per accepted client.
/// The context is made before the socket opens, so bad certificates or versions fail first.
public final class TLSListener {
    /// The shared server context.
    public let context: any TLSContext
    /// The bound address (with the real port when 0 was asked for).
    public let localEndpoint: Endpoint
    private var descriptor: Int32

    /// Binds and listens on `host:port` (port 0: any free port).
    ///
    /// - Throws: ``TLSError/addressInUse(host:port:)``, ``TLSError/hostNotFound(host:reason:)`` or
    ///   ``TLSError/socket(operation:errno:message:)``.
    public init(host: String, port: Int, context: any TLSContext, backlog: Int32 = 128) throws(TLSError) {
        self.context = context
        let addresses = try TCPSocket.resolve(host: host, port: port, passive: true)
        defer { freeaddrinfo(addresses) }
        guard let address = addresses.pointee.ai_addr else { throw .hostNotFound(host: host, reason: "no address") }
        let fd = socket(addresses.pointee.ai_family, addresses.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TCPSocket.socketError("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, address, addresses.pointee.ai_addrlen) < 0 {
            let code = errno
            _ = Glibc.close(fd)
            if code == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            throw .socket(operation: "bind \(TLSError.hostPort(host, port))", errno: code, message: String(cString: strerror(code)))
        }
        guard listen(fd, backlog) == 0 else {
            let error = TCPSocket.socketError("listen")
            _ = Glibc.close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                getsockname(fd, pointer, &length) == 0 ? Endpoint.from(pointer, length: length) : nil
            }
        }
        descriptor = fd
        localEndpoint = bound ?? Endpoint(host: host, port: port)
    }

    deinit { close() }

    /// Waits for the next client and wraps it; the handshake is the caller's next step
    /// (``TLSSocket/handshake()``), so one slow client cannot hold up `accept`.
    public func accept() throws(TLSError) -> TLSSocket {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            guard descriptor >= 0 else { throw .invalidState("listener is closed") }
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(descriptor, $0, &length) }
            }
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                throw TCPSocket.socketError("accept")
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let peer = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Endpoint.from($0, length: length) }
            }
            return try TLSSocket(transport: TCPSocket(descriptor: fd, peer: peer), context: context, peerName: nil)
        }
    }

    /// Stops listening.
    public func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }
}
