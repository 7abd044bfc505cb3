import NIOCore
import NIOPosix

/// The listening HTTPS server: a SwiftNIO event loop per thread, one listening socket, and per
/// connection the TLS handler the caller makes, then ``HelloPipeline``.
public final class HelloServer: Sendable {
    /// Makes the TLS handler of one accepted connection; it goes first in its pipeline.
    public typealias TLSHandlerFactory = @Sendable (any Channel) throws -> any ChannelHandler

    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let connections: OpenConnections

    /// The bound address: the real port when 0 was asked for.
    public var localAddress: SocketAddress? { listener.localAddress }

    /// The bound address as `HOST:PORT` (`[HOST]:PORT` for IPv6), for the `listening on` line.
    public var localAddressText: String {
        guard let address = listener.localAddress, let host = address.ipAddress, let port = address.port else { return "?" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Binds `host:port` and starts accepting, on `threads` event loops.
    ///
    /// - Throws: NIO's error when the address cannot be resolved or bound.
    public init(host: String, port: Int, threads: Int, makeTLSHandler: @escaping TLSHandlerFactory) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let connections = OpenConnections()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                let tlsHandler: any ChannelHandler
                do {
                    tlsHandler = try makeTLSHandler(channel)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                return HelloPipeline.configure(channel: channel, tlsHandler: tlsHandler)
            }
        do {
            listener = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.connections = connections
    }

    /// Stops accepting, asks every open connection to finish (`ChannelShouldQuiesceEvent`:
    /// HTTP/2 sends GOAWAY and closes once its streams are done, HTTP/1.1 closes after the
    /// response in flight), closes those still open after `grace`, then stops the event loops.
    public func shutdown(grace: TimeAmount = .seconds(5)) {
        try? listener.close().wait()
        let open = connections.all
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let loop = group.next()
        let connections = self.connections
        let deadline = loop.scheduleTask(in: grace) {
            for channel in connections.all { channel.close(promise: nil) }
        }
        try? EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop).wait()
        deadline.cancel()
        try? group.syncShutdownGracefully()
    }
}
