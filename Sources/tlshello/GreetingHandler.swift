#if canImport(Glibc)
import Glibc
#endif
import GreetingFraming
import NIOCore
import NIOTLS
import SecureSockets
import SecureSocketsNIO

/// The demo's server side of one connection, above ``TLSServerHandler``: read the greeting
/// (whole, up to the limit), print it, answer, close. Every failure costs one log line.
final class GreetingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let settings: GreetingServer.Settings
    private let log: ServerLog
    private let connection: Int
    private let peer: String
    private let trace: TraceCollector
    private var message: MessageAssembler
    private var info: SessionInfo?
    private var messageTimer: Scheduled<Void>?
    private var graceTimer: Scheduled<Void>?
    private var replied = false
    private var failed = false
    /// Why the connection failed, for its diagram.
    private var failure: String?
    /// This server's address on the connection, for its diagram.
    private var localAddress: String?

    init(settings: GreetingServer.Settings, log: ServerLog, connection: Int, peer: String) {
        self.settings = settings
        self.log = log
        self.connection = connection
        self.peer = peer
        self.message = MessageAssembler(limit: settings.messageLimit)
        self.trace = TraceCollector(options: settings.trace, json: log.json, prefix: "[#\(connection) \(peer)] ",
                                    keeping: settings.diagram != nil)
    }

    /// The handler to give this connection's session (nil without --trace).
    var traceHandler: ((TLSTraceEvent) -> Void)? { trace.handler }

    func channelActive(context: ChannelHandlerContext) {
        log.step(connection, peer, "1. client connected")
        localAddress = context.channel.localAddress.map(Self.describe)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            guard let info = Self.sessionInfo(context) else { return }
            self.info = info
            log.step(connection, peer, "2. handshake done: \(info.protocolName), \(info.cipherSuite)"
                     + (info.serverName.map { ", SNI \($0)" } ?? "")
                     + log.localCertificateNote(info)
                     + log.applicationProtocolNote(info)
                     + log.clientCertificateNote(info))
            let seconds = settings.messageTimeout
            messageTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                self.give(up: context, reason: TLSError.timedOut(stage: .read, seconds: seconds).description)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            if message.bytes.isEmpty {
                give(up: context, reason: "the client closed without sending a message")
            } else {
                reply(context: context)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !replied else { return }
        let buffer = unwrapInboundIn(data)
        message.append(buffer.readableBytesView)
        if message.isFull { reply(context: context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !replied else { return }
        switch message.decide(moreIsComing: false) {
        case .complete:
            reply(context: context)
        case .waitForSplitRecord:
            guard graceTimer == nil else { return }
            let grace = TimeAmount.milliseconds(Int64(MessageAssembler.splitRecordGrace * 1000))
            graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: grace) { self.reply(context: context) }
        case .needMore:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !failed, !replied else { return }
        failed = true
        let text = ConnectionFailureText.describe(error, handshakeDone: info != nil)
        failure = text
        log.failure(connection, peer, text, trace: trace.events)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        messageTimer?.cancel()
        graceTimer?.cancel()
        if info != nil || replied { log.step(connection, peer, "4. client disconnected") }
        drawDiagram()
        context.fireChannelInactive()
    }

    private func reply(context: ChannelHandlerContext) {
        guard !replied, !failed else { return }
        replied = true
        messageTimer?.cancel()
        graceTimer?.cancel()
        let received = message.text
        let extra = message.discarded > 0 ? " (\(message.discarded) bytes beyond the \(message.limit)-byte limit discarded)" : ""
        log.step(connection, peer, "3. message received: \(Console.printable(received))\(extra)")
        // Not flushed here: the close flushes the reply and close_notify in one write.
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: settings.reply)), promise: nil)
        log.step(connection, peer, "   reply sent: \(settings.reply)")
        context.close(promise: nil)
        if let info { log.exchange(connection, peer, info: info, received: received, sent: settings.reply, trace: trace.events) }
    }

    private func give(up context: ChannelHandlerContext, reason: String) {
        guard !replied, !failed else { return }
        failed = true
        failure = reason
        log.failure(connection, peer, reason, trace: trace.events)
        context.close(promise: nil)
    }

    /// Draws the closed connection's diagram when `--diagram` asks (a failure to write it is one warning).
    private func drawDiagram() {
        guard let name = settings.diagram, !trace.connectionEvents.isEmpty else { return }
        let diagram = LadderDiagram(events: trace.connectionEvents, drawnBy: .server, clientAddress: peer,
                                    serverAddress: localAddress, info: info, failure: failure, connection: connection)
        if let path = DiagramOptions.write(diagram, to: name.path(forConnection: connection)) {
            log.diagram(connection, peer, file: path)
        }
    }

    /// What the connection's ``TLSServerHandler`` negotiated, read when its handshake completed.
    static func sessionInfo(_ context: ChannelHandlerContext) -> SessionInfo? {
        try? context.pipeline.syncOperations.handler(type: TLSServerHandler.self).info
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return TLSError.hostPort(ip, port)
    }
}
