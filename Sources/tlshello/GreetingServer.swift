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
/// ``TLSServerHandler`` (the sans-I/O session) under a ``GreetingHandler``. No thread blocks on
/// a client, so one slow or hostile client never delays the others.
///
/// Signals: the first SIGINT or SIGTERM stops accepting and lets the exchanges in flight finish
/// within the grace period; a second one exits at once. SIGHUP reloads every certificate and key
/// for new connections (one broken pair keeps all the old ones).
final class GreetingServer {
    /// What every connection gets.
    struct Settings: Sendable {
        var reply: String
        var messageLimit = 1024
        var messageTimeout: Double = 10
        var maximumConnections = 10_000
        var grace: Double = 5
        var trace = TraceOptions()
        /// Echo every byte back until the client closes, instead of the greeting exchange.
        var echo = false
        /// Where each connection's ladder diagram goes (`--diagram`), or nil.
        var diagram: ConnectionFileName?
        /// `--illustrate`: the page each connection's exchange is written to, when it closes.
        var illustrate: ConnectionFileName?
    }

    /// How long a connection's close waits for the client's close_notify, and a failed one for the
    /// client to stop sending before the server closes (so that the client reads the alert).
    static let shutdownTimeout = TimeAmount.seconds(2)

    /// Connections open now, and a semaphore signalled when the count drops to zero while stopping.
    private final class Connections: Sendable {
        let state = NIOLockedValueBox((open: 0, serial: 0, stopping: false))
        let drained = DispatchSemaphore(value: 0)

        /// Counts a new connection; nil when the limit is reached (the connection is refused).
        func admit(limit: Int) -> (number: Int, open: Int)? {
            state.withLockedValue { value in
                value.serial += 1
                guard value.open < limit else { return nil }
                value.open += 1
                return (value.serial, value.open)
            }
        }

        func release() {
            let last = state.withLockedValue { value -> Bool in
                value.open -= 1
                return value.stopping && value.open == 0
            }
            if last { drained.signal() }
        }

        /// Marks the server as stopping; returns the connections still open.
        func stop() -> Int {
            state.withLockedValue { value in
                value.stopping = true
                return value.open
            }
        }
    }

    private let group: MultiThreadedEventLoopGroup
    /// One listening socket per event loop (SO_REUSEPORT): each loop accepts and serves its own
    /// connections, with no hand-off between threads on the way.
    private let listeners: [any Channel]
    private let log: ServerLog
    private let settings: Settings
    private let connections = Connections()
    private let context: NIOLockedValueBox<any TLSContext>
    private let signalCount = NIOLockedValueBox(0)

    /// The bound address (the real port when 0 was asked for).
    let localAddress: Endpoint

    /// Binds `host:port` and starts serving with `context`.
    ///
    /// - Throws: ``TLSError/addressInUse(host:port:)`` and other socket errors.
    init(host: String, port: Int, context: any TLSContext, settings: Settings, log: ServerLog) throws(TLSError) {
        self.log = log
        self.settings = settings
        let current = NIOLockedValueBox(context)
        self.context = current
        let connections = self.connections
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let childInitializer: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            channel.eventLoop.makeCompletedFuture {
                let peer = channel.remoteAddress.map(GreetingHandler.describe) ?? "?"
                guard let admitted = connections.admit(limit: settings.maximumConnections) else {
                    log.failure(0, peer, "refused: \(settings.maximumConnections) connections are open (--max-connections)")
                    channel.close(promise: nil)
                    return
                }
                channel.closeFuture.whenComplete { _ in connections.release() }
                // The handshake timeout is the context's (--handshake-timeout sets both).
                let tls = try TLSServerHandler(context: current.withLockedValue { $0 }, shutdownTimeout: Self.shutdownTimeout)
                let application: any ChannelHandler
                if settings.echo {
                    let echo = EchoHandler(settings: settings, log: log, connection: admitted.number, peer: peer)
                    tls.traceHandler = echo.traceHandler
                    application = echo
                } else {
                    let greeting = GreetingHandler(settings: settings, log: log, connection: admitted.number, peer: peer)
                    tls.traceHandler = greeting.traceHandler
                    application = greeting
                }
                if let pages = settings.illustrate {
                    IllustratedConnection.record(tls, on: channel, to: pages.path(forConnection: admitted.number),
                                                 connection: admitted.number, log: log)
                }
                try channel.pipeline.syncOperations.addHandler(tls)
                try channel.pipeline.syncOperations.addHandler(application)
            }
        }
        func bootstrap(on loop: any EventLoop, sharingPort: Bool) -> ServerBootstrap {
            ServerBootstrap(group: loop, childGroup: loop)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(ChannelOptions.Types.SocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_REUSEPORT)), value: sharingPort ? 1 : 0)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Out of descriptors (EMFILE): pause accepting instead of spinning, and say so.
                        try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: true))
                        try channel.pipeline.syncOperations.addHandler(AcceptErrorLogger(log: log))
                    }
                }
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer(childInitializer)
        }
        var listeners: [any Channel] = []
        do {
            let loops = Array(group.makeIterator())
            // First a plain bind, without SO_REUSEPORT: it fails if any other socket holds the
            // address (a listener sharing the port would otherwise join another server's quietly),
            // and it picks the port when 0 was asked for.
            let probe = try bootstrap(on: loops[0], sharingPort: false).bind(host: host, port: port).wait()
            let boundPort = probe.localAddress?.port ?? port
            try probe.close().wait()
            for loop in loops {
                listeners.append(try bootstrap(on: loop, sharingPort: true).bind(host: host, port: boundPort).wait())
            }
        } catch {
            for listener in listeners { listener.close(promise: nil) }
            try? group.syncShutdownGracefully()
            if let error = error as? IOError, error.errnoCode == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            if error is SocketAddressError { throw .hostNotFound(host: host, reason: "\(error)") }
            throw .socket(operation: "bind \(TLSError.hostPort(host, port))", errno: (error as? IOError)?.errnoCode ?? 0,
                          message: "\(error)")
        }
        self.group = group
        self.listeners = listeners
        let address = listeners.first?.localAddress
        localAddress = Endpoint(host: address?.ipAddress ?? host, port: address?.port ?? port)
    }

    /// Takes the signals (blocked since start-up by ``SignalWaiter/block(_:)``): SIGINT/SIGTERM
    /// stop (twice: at once), SIGHUP calls `reload`, which makes a fresh context from the files
    /// (or throws, keeping the current one).
    func handleSignals(reload: @escaping @Sendable () throws(TLSError) -> any TLSContext) {
        let listeners = self.listeners
        let log = self.log
        let signalCount = self.signalCount
        let connections = self.connections
        let grace = settings.grace
        let current = self.context
        SignalWaiter.start([SIGINT, SIGTERM, SIGHUP]) { signalNumber in
            let name = SignalWaiter.name(signalNumber)
            if signalNumber == SIGHUP {
                do throws(TLSError) {
                    let fresh = try reload()
                    current.withLockedValue { $0 = fresh }
                    for warning in fresh.warnings { Console.warn(warning) }
                    let leaves = fresh.localCertificates
                    let subjects = leaves.isEmpty ? "?" : leaves.map { "\($0.subject), SHA-256 \($0.sha256Fingerprint)" }.joined(separator: "; ")
                    let what = leaves.count > 1 ? "\(leaves.count) certificates and keys" : "certificate and key"
                    log.notice("SIGHUP: \(what) reloaded for new connections (\(subjects))", event: "reloaded",
                               fields: ["certificates": String(leaves.count)])
                } catch {
                    log.notice("SIGHUP: reload failed, keeping the previous certificate: \(error)\(ErrorAdvice.suffix(for: error))", event: "reload-failed",
                               fields: ["reason": error.description])
                }
                return
            }
            let count = signalCount.withLockedValue { value in
                value += 1
                return value
            }
            if count > 1 {
                log.notice("\(name) received again: exiting now", event: "stopped", fields: ["signal": name])
                exit(0)
            }
            let open = connections.stop()
            log.notice("\(name) received: stopping; no new connections, \(open) in flight (up to \(Self.format(grace)) s to finish)",
                       event: "stopping", fields: ["signal": name, "inFlight": String(open)])
            for listener in listeners { listener.close(promise: nil) }
        }
    }

    /// Blocks until the listening socket closes, lets open connections finish within the grace
    /// period, then shuts the event loops down.
    func waitUntilStopped() {
        for listener in listeners { try? listener.closeFuture.wait() }
        if connections.stop() > 0 {
            if connections.drained.wait(timeout: .now() + .milliseconds(Int(settings.grace * 1000))) == .timedOut {
                let left = connections.stop()
                log.notice("grace period over: closing \(left) connection\(left == 1 ? "" : "s")", event: "grace-over",
                           fields: ["closed": String(left)])
            }
        }
        try? group.syncShutdownGracefully()
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
