#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SecureSockets
import SecureSocketsNIO

/// The demo's server on a SwiftNIO event loop per core: each connection is a
/// ``TLSSessionHandler`` (the sans-I/O session) under a ``GreetingHandler``. No thread blocks on
/// a client, so one slow or hostile client never delays the others.
final class GreetingServer {
    /// What every connection gets.
    struct Settings: Sendable {
        var reply: String
        var messageLimit = 1024
        var handshakeTimeout: Double = 10
        var messageTimeout: Double = 10
        var trace = TraceOptions()
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let log: ServerLog
    private var signals: [any DispatchSourceSignal] = []

    /// The bound address (the real port when 0 was asked for).
    let localAddress: Endpoint

    /// Binds `host:port` and starts serving with `context`.
    ///
    /// - Throws: ``TLSError/addressInUse(host:port:)`` and other socket errors.
    init(host: String, port: Int, context: any TLSContext, settings: Settings, log: ServerLog) throws(TLSError) {
        self.log = log
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let counter = NIOLockedValueBox(0)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = counter.withLockedValue { value in
                        value += 1
                        return value
                    }
                    let session = try context.makeSession(peerName: nil)
                    let peer = channel.remoteAddress.map(GreetingHandler.describe) ?? "?"
                    let greeting = GreetingHandler(settings: settings, log: log, connection: number, peer: peer)
                    session.traceHandler = greeting.traceHandler
                    let timeout = TimeAmount.milliseconds(Int64(settings.handshakeTimeout * 1000))
                    try channel.pipeline.syncOperations.addHandler(TLSSessionHandler(session: session, handshakeTimeout: timeout))
                    try channel.pipeline.syncOperations.addHandler(greeting)
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            if let error = error as? IOError, error.errnoCode == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            if error is SocketAddressError { throw .hostNotFound(host: host, reason: "\(error)") }
            throw .socket(operation: "bind \(TLSError.hostPort(host, port))", errno: (error as? IOError)?.errnoCode ?? 0,
                          message: "\(error)")
        }
        self.group = group
        let address = channel.localAddress
        localAddress = Endpoint(host: address?.ipAddress ?? host, port: address?.port ?? port)
    }

    /// Stops on SIGINT or SIGTERM: no new connections, then the event loops end.
    func stopOnSignals() {
        let channel = self.channel
        let log = self.log
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
            source.setEventHandler {
                log.notice("\(name) received: stopping", event: "stopping", fields: ["signal": name])
                channel.close(promise: nil)
            }
            source.resume()
            sources.append(source)
        }
        signals = sources
    }

    /// Blocks until the listening socket closes, then shuts the event loops down.
    func waitUntilStopped() {
        try? channel.closeFuture.wait()
        try? group.syncShutdownGracefully()
    }
}
