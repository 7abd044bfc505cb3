import NIOCore
import NIOPosix
import NIOTLS
import SecureSockets
import SecureSocketsNIO
import Testing

/// The end of a connection over real loopback sockets: a client that drops TCP after the
/// handshake without close_notify is an unclean shutdown for the server, with or without
/// half-closure; one that closes properly is not. With autoRead off the server still completes
/// the handshake and gets the data as it reads.
@Suite struct LoopbackShutdownTests {
    /// How the server saw its one connection end.
    struct ServerView: Sendable {
        var received: String
        var errors: [String]
        var uncleanShutdowns: Int
        var events: [String]
    }

    /// The server's application: records what it sees and reports it when the channel closes.
    final class ServerObserver: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private var view = ServerView(received: "", errors: [], uncleanShutdowns: 0, events: [])
        private let done: EventLoopPromise<ServerView>
        /// Reads by hand (the channel's autoRead is off): once the handshake completed, then after each burst.
        private let readsByHand: Bool

        init(done: EventLoopPromise<ServerView>, readsByHand: Bool) {
            self.done = done
            self.readsByHand = readsByHand
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            view.received += String(buffer: unwrapInboundIn(data))
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            if readsByHand { context.read() }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            switch event {
            case TLSUserEvent.handshakeCompleted:
                view.events.append("handshakeCompleted")
                if readsByHand { context.read() }
            case TLSUserEvent.shutdownCompleted: view.events.append("shutdownCompleted")
            case ChannelEvent.inputClosed:
                view.events.append("inputClosed")
                context.close(promise: nil)
            default: break
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            view.errors.append("\(error)")
            if case .prematureClose? = error as? TLSError { view.uncleanShutdowns += 1 }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed(view)
        }
    }

    /// The client's end: tells when the handshake completed.
    final class ClientObserver: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let handshake: EventLoopPromise<Void>

        init(handshake: EventLoopPromise<Void>) {
            self.handshake = handshake
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event { handshake.succeed(()) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            handshake.fail(error)
        }
    }

    /// Below the client's TLS handler: on ``Drop`` it closes the socket itself, so no close_notify goes.
    final class Dropper: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        struct Drop {}

        func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
            guard event is Drop else {
                context.triggerUserOutboundEvent(event, promise: promise)
                return
            }
            context.close(mode: .all, promise: promise)
        }
    }

    struct TimedOut: Error {}

    private func run(halfClosure: Bool, dropWithoutCloseNotify: Bool, autoRead: Bool = true) throws -> ServerView {
        // NIO's shared group: shutting a group of one's own down from a test blocks a thread
        // that Dispatch is slow to replace.
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let serverContext = try Certificates.serverContext()
        let clientContext = try Certificates.clientContext()
        let done = loop.makePromise(of: ServerView.self)
        let deadline = loop.scheduleTask(in: .seconds(10)) { done.fail(TimedOut()) }
        done.futureResult.whenComplete { _ in deadline.cancel() }

        let listener = try ServerBootstrap(group: group)
            .childChannelOption(.allowRemoteHalfClosure, value: halfClosure)
            .childChannelOption(.autoRead, value: autoRead)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        [TLSServerHandler(context: serverContext), ServerObserver(done: done, readsByHand: !autoRead)])
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        defer { try? listener.close().wait() }
        let port = try #require(listener.localAddress?.port)

        let handshake = loop.makePromise(of: Void.self)
        let client = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        Dropper(), TLSClientHandler(context: clientContext, serverHostname: "localhost"),
                        ClientObserver(handshake: handshake),
                    ])
                }
            }
            .connect(host: "127.0.0.1", port: port).wait()
        defer { client.close(promise: nil) }
        try handshake.futureResult.wait()
        try client.writeAndFlush(ByteBuffer(string: "hello")).wait()
        if dropWithoutCloseNotify {
            try client.triggerUserOutboundEvent(Dropper.Drop()).wait()
        } else {
            try client.close().wait()
        }
        return try done.futureResult.wait()
    }

    @Test(arguments: [true, false])
    func aClientThatDropsTheConnectionIsAnUncleanShutdown(halfClosure: Bool) throws {
        let view = try run(halfClosure: halfClosure, dropWithoutCloseNotify: true)
        #expect(view.received == "hello")
        #expect(view.uncleanShutdowns == 1, "\(view.errors)")
        #expect(view.errors.count == 1)
        #expect(view.errors.first?.contains("GNUTLS_E_PREMATURE_TERMINATION") == true)
        #expect(!view.events.contains("shutdownCompleted"))
    }

    @Test(arguments: [true, false])
    func aClientThatClosesProperlyIsNot(halfClosure: Bool) throws {
        let view = try run(halfClosure: halfClosure, dropWithoutCloseNotify: false)
        #expect(view.received == "hello")
        #expect(view.errors.isEmpty)
        #expect(view.events.contains("shutdownCompleted"))
    }

    @Test(arguments: [true, false])
    func withAutoReadOffTheHandshakeCompletesAndDataComesAsTheServerReads(dropWithoutCloseNotify: Bool) throws {
        let view = try run(halfClosure: true, dropWithoutCloseNotify: dropWithoutCloseNotify, autoRead: false)
        #expect(view.events.first == "handshakeCompleted")
        #expect(view.received == "hello")
        #expect(view.uncleanShutdowns == (dropWithoutCloseNotify ? 1 : 0), "\(view.errors)")
        #expect(view.events.contains("shutdownCompleted") == !dropWithoutCloseNotify)
    }
}
