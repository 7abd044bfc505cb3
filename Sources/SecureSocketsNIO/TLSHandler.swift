import NIOCore
import NIOTLS
import SecureSockets

/// A SwiftNIO handler that runs a ``TLSSession`` (any backend) on a channel, the way
/// swift-nio-ssl's handlers drive BoringSSL: ciphertext from the socket goes into the session,
/// decrypted data goes up the pipeline as `ByteBuffer`s, writes from above are encrypted.
///
/// Events sent up the pipeline:
/// - ``TLSHandshakeCompleted`` once the handshake is done;
/// - `ChannelEvent.inputClosed` when the peer sent close_notify (or closed TCP after one);
/// - errors as ``TLSError`` through `errorCaught`, after the alert that explains them was sent.
///
/// Closing is graceful: close_notify, shut the write side, wait up to ``drainTimeout`` for the
/// peer to close, then close, so an alert or reply in flight is not destroyed by a reset. A failed
/// session closes the same way after its alert, discarding what the peer still sends meanwhile:
/// closing a socket with unread input resets the connection, and the peer would lose the alert.
/// `channelReadComplete` is held back while part of a record is buffered, so a handler above sees
/// a burst end only when every complete record of it was delivered.
public class TLSHandler: ChannelDuplexHandler {
    /// Ciphertext from the socket.
    public typealias InboundIn = ByteBuffer
    /// Plaintext to the next handler.
    public typealias InboundOut = ByteBuffer
    /// Plaintext from the handlers above.
    public typealias OutboundIn = ByteBuffer
    /// Ciphertext to the socket.
    public typealias OutboundOut = ByteBuffer

    private let session: any TLSSession
    private let handshakeTimeout: TimeAmount
    /// How long a graceful close waits for the peer to close its side.
    public let drainTimeout: TimeAmount
    private var handshakeTimer: Scheduled<Void>?
    private var drainTimer: Scheduled<Void>?
    private var state = State.handshaking
    private var closePromise: EventLoopPromise<Void>?

    private enum State {
        /// `draining`: failed, alert sent, write side shut; input is read and discarded.
        case handshaking, active, closing, draining, closed
    }

    /// Wraps `session`; the handshake must finish within `handshakeTimeout`.
    package init(session: any TLSSession, handshakeTimeout: TimeAmount, drainTimeout: TimeAmount = .seconds(2)) {
        self.session = session
        self.handshakeTimeout = handshakeTimeout
        self.drainTimeout = drainTimeout
    }

    /// What the handshake negotiated, once it completed.
    public var info: SessionInfo? { session.info }

    /// Starts the handshake if the channel is already active.
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    /// Starts the handshake clock (and, for a client, sends the ClientHello).
    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard handshakeTimer == nil, state == .handshaking else { return }
        let seconds = Double(handshakeTimeout.nanoseconds) / 1e9
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) {
            self.fail(context: context, error: .timedOut(stage: .handshake, seconds: seconds))
        }
        advance(context: context)
    }

    /// Feeds ciphertext to the session and advances the handshake or decrypts records.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .draining else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { session.receiveFromNetwork($0) }
        advance(context: context)
    }

    /// Sends what the session queued; passes the burst's end on when no record is half received.
    public func channelReadComplete(context: ChannelHandlerContext) {
        guard state != .draining else { return }
        flushOutput(context: context)
        if session.bufferedNetworkInput == 0 && state == .active { context.fireChannelReadComplete() }
    }

    /// Handles the peer's TCP half-close: ends the session's input, finishes a graceful close.
    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            session.receiveEndOfInput()
            switch state {
            case .closing, .draining:
                finishClose(context: context)
            case .handshaking, .active:
                advance(context: context)
                // Failed on the input's end: nothing more can come, so there is nothing to drain.
                if state == .draining { finishClose(context: context) }
                if state == .active {
                    // TCP ended without close_notify and without an error (nothing was pending).
                    context.fireUserInboundEventTriggered(event)
                }
            case .closed:
                break
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Cancels timers; a connection that ends mid-handshake is reported as an error.
    public func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        drainTimer?.cancel()
        if state == .handshaking {
            context.fireErrorCaught(TLSError.closedDuringHandshake(library: nil))
        }
        state = .closed
        closePromise?.succeed(())
        closePromise = nil
        context.fireChannelInactive()
    }

    /// Passes a transport error on and closes the connection.
    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        // While closing gracefully, a reset means the peer is gone: the exchange is over, not failed.
        if state == .closing || state == .draining {
            finishClose(context: context)
            return
        }
        // Socket errors (ECONNRESET and the like) end the connection; say so once.
        context.fireErrorCaught(error)
        if state != .closed { context.close(mode: .all, promise: nil) }
    }

    /// Runs the handshake and reads as far as the input allows, sending what the session queued.
    private func advance(context: ChannelHandlerContext) {
        do {
            if state == .handshaking {
                guard try session.handshake() == .complete else {
                    flushOutput(context: context)
                    return
                }
                handshakeTimer?.cancel()
                state = .active
                flushOutput(context: context)
                let info = session.info
                if let info { context.fireUserInboundEventTriggered(TLSHandshakeCompleted(info: info)) }
                context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: info?.applicationProtocol))
            }
            while state == .active || state == .closing {
                switch try session.read(maximum: 16 * 1024) {
                case let .data(bytes):
                    if state == .active { context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: bytes))) }
                case .closed:
                    flushOutput(context: context)
                    if state == .closing { finishClose(context: context) } else {
                        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                    }
                    return
                case .needsInput:
                    flushOutput(context: context)
                    return
                }
            }
        } catch {
            fail(context: context, error: error)
        }
    }

    private func fail(context: ChannelHandlerContext, error: TLSError) {
        guard state != .closed, state != .draining else { return }
        handshakeTimer?.cancel()
        flushOutput(context: context)
        if state == .closing {
            finishClose(context: context)
            return
        }
        // The alert goes out, then the write side shuts; the peer's remaining input is drained
        // (up to drainTimeout) so that closing does not reset the connection before it reads the alert.
        state = .draining
        context.fireErrorCaught(error)
        guard state == .draining else { return }
        context.close(mode: .output, promise: nil)
        drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: drainTimeout) {
            self.finishClose(context: context)
        }
    }

    private func flushOutput(context: ChannelHandlerContext) {
        let output = session.takeNetworkOutput()
        guard !output.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: output)), promise: nil)
    }

    /// Encrypts plaintext from above into records.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(TLSError) in try session.write(bytes) }
        } catch {
            promise?.fail(error)
            return
        }
        let output = session.takeNetworkOutput()
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: output)), promise: promise)
    }

    /// Flushes encrypted records to the socket.
    public func flush(context: ChannelHandlerContext) {
        context.flush()
    }

    /// Closes gracefully: close_notify, half-close, a bounded drain, then close.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, state == .draining {
            // Already closing after a failure: the drain ends it; the promise completes then.
            if let promise {
                if let closePromise { closePromise.futureResult.cascade(to: promise) } else { closePromise = promise }
            }
            return
        }
        guard mode == .all, state == .active else {
            if state != .closed || mode != .all { context.close(mode: mode, promise: promise) } else { promise?.succeed(()) }
            return
        }
        state = .closing
        closePromise = promise
        try? session.close()
        flushOutput(context: context)
        context.close(mode: .output, promise: nil)
        drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: drainTimeout) {
            self.finishClose(context: context)
        }
    }

    private func finishClose(context: ChannelHandlerContext) {
        drainTimer?.cancel()
        guard state == .closing || state == .draining else { return }
        state = .closed
        let promise = closePromise
        closePromise = nil
        context.close(mode: .all, promise: promise)
    }
}

/// The user event ``TLSHandler`` sends up the pipeline when the handshake completed.
public struct TLSHandshakeCompleted: Sendable {
    /// What was negotiated.
    public let info: SessionInfo
}
