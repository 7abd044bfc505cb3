import NIOCore
import NIOTLS
import SecureSockets

// How ``TLSHandler`` ends a connection: close_notify both ways with a bound, half-closure, and
// the bounded drain after a failure.
extension TLSHandler {
    /// `.all`: close_notify, shut the write side, wait (up to ``shutdownTimeout``) for the peer's
    /// close_notify, close. `.output`: close_notify and shut the write side, reading on (issued
    /// during the handshake, it runs after the buffered writes). `.input` is not supported, as
    /// with swift-nio-ssl.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .all:
            closeAll(context: context, promise: promise)
        case .output:
            closeOutput(context: context, promise: promise)
        case .input:
            promise?.fail(ChannelError.operationUnsupported)
        }
    }

    private func closeAll(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch state {
        case .handshaking:
            // No session to close yet: the buffered writes will never be sent.
            handshakeTimer?.cancel()
            state = .closed
            bufferedWrites.failAll(ChannelError.ioOnClosedChannel)
            context.close(mode: .all, promise: promise)
        case .active, .outputClosed:
            sendCloseNotify(context: context)
            state = .closing
            closePromise = promise
            // The FIN tells a peer that reads to the end of the stream; the channel closes on
            // the peer's close_notify, its FIN, or the timeout.
            context.close(mode: .output, promise: nil)
            guard state == .closing else { return }
            shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(in: shutdownTimeout) {
                self.finishClose(context: context)
            }
            // Close_notify may already be buffered, unread because nothing asked for data.
            awaitCloseNotify(context: context)
            if state == .closing { context.read() }
        case .inputClosed:
            // The peer already ended its side: answer and close.
            sendCloseNotify(context: context)
            if receivedCloseNotify {
                completeShutdown(context: context, promise: promise)
            } else {
                state = .closed
                context.close(mode: .all, promise: promise)
            }
        case .closing, .draining:
            joinClose(promise)
        case .closed:
            context.close(mode: .all, promise: promise)
        }
    }

    private func closeOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch state {
        case .handshaking:
            if !bufferedWrites.requestCloseOutput(promise: promise) {
                promise?.fail(ChannelError.outputClosed)
            }
        case .active:
            sendCloseNotify(context: context)
            state = .outputClosed
            context.close(mode: .output, promise: promise)
        case .inputClosed:
            // Both directions ended: that is a full close.
            closeAll(context: context, promise: promise)
        case .closing, .draining:
            joinClose(promise)
        case .outputClosed, .closed:
            context.close(mode: .output, promise: promise)
        }
    }

    private func joinClose(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let closePromise { closePromise.futureResult.cascade(to: promise) } else { closePromise = promise }
    }

    /// Sends the writes still held (flushed or not: the close flushes them), then close_notify
    /// (once; the session ignores a second call).
    func sendCloseNotify(context: ChannelHandlerContext) {
        bufferedWrites.flush()
        sendFlushedWrites(context: context)
        // A session that cannot make close_notify any more failed already; closing goes on.
        try? session.close()
        sendOutput(context: context, promise: nil)
        context.flush()
    }

    /// Both close_notify messages went: reports `TLSUserEvent.shutdownCompleted` and closes.
    func completeShutdown(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        shutdownTimer?.cancel()
        shutdownTimer = nil
        joinClose(promise)
        state = .closed
        context.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted)
        let closing = closePromise
        closePromise = nil
        context.close(mode: .all, promise: closing)
    }

    /// Ends a close or a drain: closes the channel, completing the close's promise.
    func finishClose(context: ChannelHandlerContext) {
        shutdownTimer?.cancel()
        shutdownTimer = nil
        guard state == .closing || state == .draining else { return }
        state = .closed
        let promise = closePromise
        closePromise = nil
        context.close(mode: .all, promise: promise)
    }

    /// The session failed (or the handshake timed out): sends the alert, fails buffered writes,
    /// reports the error, then shuts the write side and drains the peer's input (up to
    /// ``shutdownTimeout``) so that closing does not reset the connection before the alert is read.
    func fail(context: ChannelHandlerContext, error: TLSError) {
        switch state {
        case .closed, .draining:
            return
        case .closing:
            flushOutput(context: context)
            finishClose(context: context)
            return
        case .handshaking, .active, .inputClosed, .outputClosed:
            break
        }
        handshakeTimer?.cancel()
        handshakeTimer = nil
        flushOutput(context: context)
        state = .draining
        bufferedWrites.failAll(error)
        context.fireErrorCaught(error)
        guard state == .draining else { return }
        if inputEnded {
            // Nothing more can come, so there is nothing to drain.
            finishClose(context: context)
            return
        }
        context.close(mode: .output, promise: nil)
        guard state == .draining else { return }
        shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(in: shutdownTimeout) {
            self.finishClose(context: context)
        }
        context.read()
    }
}
