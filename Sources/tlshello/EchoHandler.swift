#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOTLS
import SecureSockets
import SecureSocketsNIO

/// The server side of one connection with `--echo`, above ``TLSServerHandler``: send back every
/// byte the client sends until it closes (close_notify or end of stream), then close. A client
/// silent for longer than the message timeout is closed with a log line.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let settings: GreetingServer.Settings
    private let log: ServerLog
    private let connection: Int
    private let peer: String
    private let trace: TraceCollector
    private var info: SessionInfo?
    private var idleTimer: Scheduled<Void>?
    private var echoed = 0
    private var readSinceTimer = false
    private var done = false

    init(settings: GreetingServer.Settings, log: ServerLog, connection: Int, peer: String) {
        self.settings = settings
        self.log = log
        self.connection = connection
        self.peer = peer
        self.trace = TraceCollector(options: settings.trace, json: log.json, prefix: "[#\(connection) \(peer)] ")
    }

    /// The handler to give this connection's session (nil without --trace).
    var traceHandler: ((TLSTraceEvent) -> Void)? { trace.handler }

    func channelActive(context: ChannelHandlerContext) {
        log.step(connection, peer, "1. client connected")
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            guard let info = GreetingHandler.sessionInfo(context) else { return }
            self.info = info
            log.step(connection, peer, "2. handshake done: \(info.protocolName), \(info.cipherSuite)"
                     + (info.resumed ? " (resumed)" : "") + log.localCertificateNote(info)
                     + log.applicationProtocolNote(info)
                     + log.clientCertificateNote(info) + "; echoing")
            armIdleTimer(context: context)
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            finish(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        let buffer = unwrapInboundIn(data)
        echoed += buffer.readableBytes
        readSinceTimer = true
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !done else { return }
        done = true
        idleTimer?.cancel()
        let text = ConnectionFailureText.describe(error, handshakeDone: info != nil)
        log.failure(connection, peer, text, trace: trace.events)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        if info != nil { log.step(connection, peer, "4. client disconnected") }
        context.fireChannelInactive()
    }

    /// Closes a client that sent nothing for a whole message timeout (checked once per period, so
    /// a busy stream costs no timer work per read).
    private func armIdleTimer(context: ChannelHandlerContext) {
        let seconds = settings.messageTimeout
        readSinceTimer = false
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            guard !self.done else { return }
            if self.readSinceTimer {
                self.armIdleTimer(context: context)
                return
            }
            self.done = true
            self.log.failure(self.connection, self.peer, TLSError.timedOut(stage: .read, seconds: seconds).description,
                             trace: self.trace.events)
            context.close(promise: nil)
        }
    }

    private func finish(context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        idleTimer?.cancel()
        log.step(connection, peer, "3. client closed: \(echoed) bytes echoed")
        context.flush()
        context.close(promise: nil)
    }
}
