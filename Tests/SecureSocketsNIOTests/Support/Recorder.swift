import NIOCore
import NIOTLS
import SecureSockets

/// The application end of a test pipeline: records what reaches it (data, events, errors, the
/// channel's end) and passes nothing on. With `autoRead` it asks for data when the channel becomes
/// active and after each burst, as a channel with autoRead on does; without, the test asks.
final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// An inbound user event, as recorded.
    enum Event: Equatable {
        case handshakeCompleted(negotiatedProtocol: String?)
        case shutdownCompleted
        case inputClosed
        case outputClosed
    }

    var autoRead: Bool
    /// The plaintext received, in order.
    private(set) var received: [UInt8] = []
    /// The number of `channelRead` and `channelReadComplete` calls.
    private(set) var reads = 0
    private(set) var readCompletes = 0
    private(set) var events: [Event] = []
    private(set) var errors: [any Error] = []
    private(set) var inactive = false
    /// What reached the handler, in order: `read`, `readComplete`, each event, `error`, `inactive`.
    private(set) var log: [String] = []
    /// Called with each event after it is recorded (to write or close in response).
    var onEvent: ((Event, ChannelHandlerContext) -> Void)?
    private(set) var context: ChannelHandlerContext?

    init(autoRead: Bool = true) {
        self.autoRead = autoRead
    }

    /// The received bytes as text.
    var text: String { String(decoding: received, as: UTF8.self) }

    /// The errors that are ``TLSError``s.
    var tlsErrors: [TLSError] { errors.compactMap { $0 as? TLSError } }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if autoRead && context.channel.isActive { context.read() }
    }

    /// Lets go of the context (it holds this handler: keeping it would leak both).
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if autoRead { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reads += 1
        log.append("read")
        received += Array(unwrapInboundIn(data).readableBytesView)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readCompletes += 1
        log.append("readComplete")
        if autoRead { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        let recorded: Event
        switch event {
        case let TLSUserEvent.handshakeCompleted(negotiatedProtocol):
            recorded = .handshakeCompleted(negotiatedProtocol: negotiatedProtocol)
        case TLSUserEvent.shutdownCompleted:
            recorded = .shutdownCompleted
        case ChannelEvent.inputClosed:
            recorded = .inputClosed
        case ChannelEvent.outputClosed:
            recorded = .outputClosed
        default:
            return
        }
        events.append(recorded)
        log.append("\(recorded)")
        onEvent?(recorded, context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
        log.append("error")
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        log.append("inactive")
    }

    /// Writes `text` from the application's place in the pipeline; the promise's result is kept.
    @discardableResult
    func write(_ text: String, flush: Bool = true) -> Outcome {
        guard let context else { return Outcome() }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: promise)
        if flush { context.flush() }
        return Outcome(promise.futureResult)
    }
}
