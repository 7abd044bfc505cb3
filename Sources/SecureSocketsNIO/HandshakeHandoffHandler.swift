import NIOCore
import NIOTLS
import SecureSockets

/// Sits right above a ``TLSHandler`` and hands the connection over to Swift concurrency once its
/// handshake has completed.
///
/// It completes `promise` with what was negotiated when the TLS handler fires
/// `TLSUserEvent.handshakeCompleted`, or fails it with the error that ended the handshake. From
/// then on it holds what arrives (and stops reading, so at most one read's worth waits) until
/// ``handOver()`` wraps the channel in an `NIOAsyncChannel`: it replays what it held into it, then
/// removes itself. The `NIOAsyncChannel` is made only then, by the code that gives it to the
/// application, because dropping one unused while its channel is open is a fatal error in
/// SwiftNIO (a failed connection stays open while its alert drains); a connection that is never
/// handed over is simply closed.
final class HandshakeHandoffHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Any

    private enum Held {
        case read(NIOAny)
        case readComplete
        case event(Any)
        case error(any Error)
    }

    private enum State {
        case handshaking(EventLoopPromise<SessionInfo>)
        case holding([Held], readPending: Bool)
        case passingThrough
    }

    private let tlsHandler: TLSHandler
    private var state: State
    private var context: ChannelHandlerContext?

    /// Completes `promise` once, when `tlsHandler`'s handshake ends either way.
    init(tlsHandler: TLSHandler, promise: EventLoopPromise<SessionInfo>) {
        self.tlsHandler = tlsHandler
        self.state = .handshaking(promise)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Removed with the pipeline before the handshake ended: the channel was torn down.
        failHandshake(TLSError.closedDuringHandshake(library: nil))
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch state {
        case let .handshaking(promise):
            guard let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent else {
                context.fireUserInboundEventTriggered(event)
                return
            }
            state = .holding([.event(event)], readPending: false)
            if let info = tlsHandler.info {
                promise.succeed(info)
            } else {
                promise.fail(TLSError.invalidState("the handshake completed without a description of the session"))
            }
        case let .holding(held, readPending):
            state = .holding(held + [.event(event)], readPending: readPending)
        case .passingThrough:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case let .holding(held, readPending) = state else {
            context.fireChannelRead(data)
            return
        }
        state = .holding(held + [.read(data)], readPending: readPending)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard case let .holding(held, readPending) = state else {
            context.fireChannelReadComplete()
            return
        }
        state = .holding(held + [.readComplete], readPending: readPending)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .handshaking:
            failHandshake(TLSError(handshakeError: error))
            context.fireErrorCaught(error)
        case let .holding(held, readPending):
            state = .holding(held + [.error(error)], readPending: readPending)
        case .passingThrough:
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failHandshake(TLSError.closedDuringHandshake(library: nil))
        context.fireChannelInactive()
    }

    /// Holds back reading while nobody has taken the connection yet.
    func read(context: ChannelHandlerContext) {
        guard case let .holding(held, _) = state else {
            context.read()
            return
        }
        state = .holding(held, readPending: true)
    }

    /// Wraps the channel in an `NIOAsyncChannel` (its handlers go after this one), replays what
    /// arrived since the handshake into it, and leaves the pipeline. On the channel's event loop,
    /// once the handshake succeeded.
    ///
    /// - Throws: ``TLSError/invalidState(_:)`` when the handshake has not succeeded, the connection
    ///   was already handed over or it has closed since.
    func handOver() throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        guard case let .holding(held, readPending) = state else {
            throw TLSError.invalidState("the connection cannot be handed over: its handshake has not succeeded")
        }
        guard let context else {
            throw TLSError.invalidState("the connection closed right after its handshake, before it was handed over")
        }
        let channel = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: context.channel)
        state = .passingThrough
        for item in held {
            switch item {
            case let .read(data): context.fireChannelRead(data)
            case .readComplete: context.fireChannelReadComplete()
            case let .event(event): context.fireUserInboundEventTriggered(event)
            case let .error(error): context.fireErrorCaught(error)
            }
        }
        if readPending { context.read() }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        return channel
    }

    private func failHandshake(_ error: any Error) {
        guard case let .handshaking(promise) = state else { return }
        state = .passingThrough
        promise.fail(error)
    }
}
