import NIOCore
import NIOTLS
import SecureSockets

/// A SwiftNIO handler that runs a ``/SecureSockets/TLSSession`` (any backend) on a channel, the way
/// swift-nio-ssl's `NIOSSLHandler` drives BoringSSL: ciphertext from the socket goes into the
/// session, decrypted data goes up the pipeline as `ByteBuffer`s, writes from above are encrypted.
/// Use ``TLSServerHandler`` or ``TLSClientHandler``, first in the pipeline.
///
/// - Writes and flushes issued before the handshake completes are kept, in order, and sent after
///   it; their promises complete then, or fail with the handshake's error (or
///   `ChannelError.ioOnClosedChannel` when the channel is closed first). Writes are encrypted at
///   the flush (small ones together in one record) and handed to the channel as one buffer; a
///   close sends the writes not yet flushed before its close_notify.
/// - Events sent up the pipeline are NIOTLS's, as swift-nio-ssl sends them:
///   `TLSUserEvent.handshakeCompleted(negotiatedProtocol:)` once the handshake is done (the
///   protocol agreed on through ALPN, if any), and `TLSUserEvent.shutdownCompleted` once both
///   sides sent close_notify.
/// - The peer's close_notify is reported as `ChannelEvent.inputClosed` when the channel allows
///   remote half-closure (`ChannelOptions.allowRemoteHalfClosure`); otherwise it is answered with
///   close_notify and the channel closes.
/// - A peer that ends the connection without close_notify after the handshake is reported through
///   `errorCaught` as ``/SecureSockets/TLSError/prematureClose(library:)`` (swift-nio-ssl's `uncleanShutdown`),
///   never as a clean end: the data received may be truncated. The channel then closes (the
///   session cannot go on). During the handshake the same end is
///   ``/SecureSockets/TLSError/closedDuringHandshake(library:)``.
/// - TLS failures reach `errorCaught` as ``/SecureSockets/TLSError`` after the alert that explains them was sent.
///
/// `close(mode: .all)` sends close_notify, shuts the write side and waits up to
/// ``shutdownTimeout`` for the peer's close_notify before closing; `close(mode: .output)` sends
/// close_notify and shuts the write side, reading on. A failed session closes the same way after
/// its alert, discarding what the peer still sends meanwhile: closing a socket with unread input
/// resets the connection, and the peer would lose the alert.
///
/// Backpressure: data is decrypted and passed on only when the pipeline asks for it
/// (`read()`, which autoRead issues by itself), and after the handshake the channel reads only
/// when asked (and, while closing, for the peer's close_notify); the ciphertext kept meanwhile is
/// what the channel read for the last request. The records decrypted from one read of the channel go up as one buffer;
/// `channelReadComplete` follows a burst that delivered data.
public class TLSHandler: ChannelDuplexHandler {
    /// Ciphertext from the socket.
    public typealias InboundIn = ByteBuffer
    /// Plaintext to the next handler.
    public typealias InboundOut = ByteBuffer
    /// Plaintext from the handlers above.
    public typealias OutboundIn = ByteBuffer
    /// Ciphertext to the socket.
    public typealias OutboundOut = ByteBuffer

    /// Where the connection stands.
    enum State {
        /// Before and during the handshake: writes are buffered.
        case handshaking
        /// Application data flows both ways.
        case active
        /// The peer ended its side (close_notify, or the end of the input reported as an error);
        /// this side may still write.
        case inputClosed
        /// This side sent close_notify and shut its write side; data is still read.
        case outputClosed
        /// Closing: close_notify sent, waiting for the peer's (up to ``shutdownTimeout``).
        case closing
        /// Failed: the alert was sent and the write side shut; input is read and discarded (up to
        /// ``shutdownTimeout``) before the channel closes.
        case draining
        /// Done: nothing more is read or written.
        case closed
    }

    package let session: any TLSSession
    let handshakeTimeout: TimeAmount
    /// How long a close waits for the peer's close_notify (and a failed session for the peer to
    /// stop sending) before the channel closes; swift-nio-ssl's `shutdownTimeout`.
    public let shutdownTimeout: TimeAmount

    var state = State.handshaking
    var started = false
    var handshakeTimer: Scheduled<Void>?
    var shutdownTimer: Scheduled<Void>?
    /// The promise of the `close(mode: .all)` in progress.
    var closePromise: EventLoopPromise<Void>?
    var bufferedWrites = BufferedWrites()
    /// The pipeline asked for data (`read()`) and has not had a burst's end since.
    var readRequested = false
    /// Data went up since the last `channelReadComplete` passed on: a burst is under way.
    var deliveredSinceReadComplete = false
    /// The pipeline asked for data while a burst was reaching it: the request is for the next burst.
    var readRequestedDuringBurst = false
    /// The peer's close_notify arrived.
    var receivedCloseNotify = false
    /// The transport reported the end of the input (TCP FIN).
    var inputEnded = false
    /// A transport error already passed on (a reset, say): the channel's end is not reported again.
    var transportError: (any Error)?
    /// Why the session last refused to encrypt a write.
    var encryptionFailure = TLSError.invalidState("the session refused the write")

    /// Wraps `session`; the handshake must finish within `handshakeTimeout`.
    init(session: any TLSSession, handshakeTimeout: TimeAmount, shutdownTimeout: TimeAmount) {
        self.session = session
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
    }

    /// What the handshake negotiated (version, suite, the peer's certificates, the application
    /// protocol); nil until it completed. Read it on the event loop, e.g. on
    /// `TLSUserEvent.handshakeCompleted`.
    public var info: SessionInfo? { session.info }

    /// Called with each TLS message as it is sent or received, in wire order; nil (the default)
    /// for none. Set it before the handshake starts (before the handler joins an active channel).
    public var traceHandler: ((TLSTraceEvent) -> Void)? {
        get { session.traceHandler }
        set { session.traceHandler = newValue }
    }

    /// Starts the handshake if the channel is already active.
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    /// Stops the timers and fails what is still waiting (nothing is, after the channel closed).
    public func handlerRemoved(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        shutdownTimer?.cancel()
        bufferedWrites.failAll(ChannelError.ioOnClosedChannel)
        closePromise?.fail(ChannelError.ioOnClosedChannel)
        closePromise = nil
    }

    /// Passes the event on, then starts the handshake clock (and, for a client, sends the ClientHello).
    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        start(context: context)
    }

    func start(context: ChannelHandlerContext) {
        guard !started, state == .handshaking else { return }
        started = true
        let seconds = Double(handshakeTimeout.nanoseconds) / 1e9
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) {
            guard self.state == .handshaking else { return }
            self.fail(context: context, error: .timedOut(stage: .handshake, seconds: seconds))
        }
        advanceHandshake(context: context)
    }

    /// Runs the handshake as far as the input allows, sending what the session queued.
    func advanceHandshake(context: ChannelHandlerContext) {
        do {
            guard try session.handshake() == .complete else {
                flushOutput(context: context)
                // The handshake reads for itself: a channel without autoRead still completes it.
                context.read()
                return
            }
        } catch {
            fail(context: context, error: error)
            return
        }
        completeHandshake(context: context)
    }

    private func completeHandshake(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        handshakeTimer = nil
        state = .active
        flushOutput(context: context)
        // The buffered writes go first, so that anything written on the event comes after them.
        sendBufferedWrites(context: context)
        context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: session.applicationProtocol))
        // Data that came with the peer's last handshake flight goes up if it was asked for.
        if readRequested { deliver(context: context) }
    }

    /// Cancels timers; a connection that ends before it should is reported as an error.
    public func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        shutdownTimer?.cancel()
        switch state {
        case .handshaking:
            state = .closed
            let error = transportError ?? TLSError.closedDuringHandshake(library: nil)
            bufferedWrites.failAll(error)
            if transportError == nil { context.fireErrorCaught(error) }
        case .active, .outputClosed:
            // Without half-closure the channel closes on the peer's FIN: what it sent before is
            // still buffered, and tells a clean end (close_notify) from an unclean one.
            if transportError == nil {
                session.receiveEndOfInput()
                inputEnded = true
                endInput(context: context)
            }
            state = .closed
        case .inputClosed, .closing, .draining, .closed:
            state = .closed
        }
        bufferedWrites.failAll(ChannelError.ioOnClosedChannel)
        closePromise?.succeed(())
        closePromise = nil
        context.fireChannelInactive()
    }

    /// Passes a transport error on; while closing, a reset just ends the close.
    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch state {
        case .closing, .draining:
            // The exchange is over: a reset now means the peer is gone, not that anything failed.
            finishClose(context: context)
        case .handshaking:
            if transportError == nil { transportError = error }
            bufferedWrites.failAll(error)
            context.fireErrorCaught(error)
        case .active, .inputClosed, .outputClosed, .closed:
            if transportError == nil { transportError = error }
            context.fireErrorCaught(error)
        }
    }

    /// Sends what the session queued (handshake messages, records, alerts) and flushes it.
    func flushOutput(context: ChannelHandlerContext) {
        if sendOutput(context: context, promise: nil) { context.flush() }
    }

    /// Hands what the session queued to the channel as one buffer, with `promise` (the promise of
    /// the writes encrypted into it); false if there was nothing to hand over.
    @discardableResult
    func sendOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) -> Bool {
        let output = session.takeNetworkOutput()
        // An empty buffer still carries a promise, so that it completes in order.
        guard !output.isEmpty || promise != nil else { return false }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: output)), promise: promise)
        return true
    }
}
