import NIOCore
import NIOPosix
import NIOSSL

/// The listening side: a multi-threaded event loop group, a TCP server channel with
/// SO_REUSEADDR and a backlog of 1024, and per connection TCP_NODELAY, an
/// `NIOSSLServerHandler` and the mode's handler.
///
/// Remote half-closure is allowed in echo mode only, where the client's close of its side
/// is the signal to finish. In hello mode the server has already sent close_notify when the
/// client goes away; letting a bare TCP FIN close the channel at once keeps NIOSSL from
/// holding the connection for its shutdown timeout (5 s) waiting for a close_notify that a
/// client closing without one never sends.
final class TLSServer {
    private let sslContext: NIOSSLContext
    private let mode: ServerMode
    private let group: MultiThreadedEventLoopGroup
    private var channel: Channel?

    init(sslContext: NIOSSLContext, mode: ServerMode, threads: Int) {
        self.sslContext = sslContext
        self.mode = mode
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// Binds and starts accepting; returns the bound address as `HOST:PORT`.
    func start(host: String, port: Int) throws -> String {
        let sslContext = self.sslContext
        let mode = self.mode
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: mode == .echo)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    try handlers.addHandler(NIOSSLServerHandler(context: sslContext))
                    switch mode {
                    case .hello: try handlers.addHandler(HelloHandler())
                    case .echo: try handlers.addHandler(EchoHandler())
                    }
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw BindError(description: "cannot listen on \(host):\(port): \(error)")
        }
        self.channel = channel
        guard let address = channel.localAddress, let ip = address.ipAddress, let boundPort = address.port else {
            return "\(host):\(port)"
        }
        return ip.contains(":") ? "[\(ip)]:\(boundPort)" : "\(ip):\(boundPort)"
    }

    /// Stops accepting, then shuts the event loops down.
    func stop() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// The listening socket could not be set up.
    struct BindError: Error, CustomStringConvertible {
        let description: String
    }
}
