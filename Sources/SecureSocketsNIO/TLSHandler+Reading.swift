import NIOCore
import NIOTLS
import SecureSockets

// The inbound side of ``TLSHandler``: ciphertext in, plaintext up only as the pipeline reads,
// and the two ways the peer's input ends (close_notify, or without one).
extension TLSHandler {
    /// The most plaintext one call to the session hands back (one record's worth).
    static let readChunk = 16 * 1024

    /// Feeds ciphertext to the session; advances the handshake, or decrypts if data was asked for.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .handshaking:
            feed(unwrapInboundIn(data))
            advanceHandshake(context: context)
        case .active, .outputClosed:
            feed(unwrapInboundIn(data))
            // Kept as ciphertext until the pipeline asks for data.
            if readRequested { deliver(context: context) }
        case .closing:
            // Only the peer's close_notify matters now; data before it is dropped.
            feed(unwrapInboundIn(data))
            awaitCloseNotify(context: context)
        case .inputClosed, .draining, .closed:
            // Nothing can follow the peer's end of input; a failed session reads nothing more.
            break
        }
    }

    private func feed(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { session.receiveFromNetwork($0) }
    }

    /// Sends what the session queued; passes the burst's end on if data went up.
    public func channelReadComplete(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            flushOutput(context: context)
        case .active, .outputClosed, .inputClosed:
            flushOutput(context: context)
            // Records kept before anything asked for them go up now that something has.
            if readRequested && !deliveredSinceReadComplete && state != .inputClosed { deliver(context: context) }
            guard state == .active || state == .outputClosed || state == .inputClosed else { return }
            if deliveredSinceReadComplete {
                endBurst(context: context)
            } else if readRequested && state != .inputClosed {
                // Data was asked for and no whole record came yet: read on (needed without autoRead).
                context.read()
            }
        case .closing, .draining:
            // Read on for the peer's close_notify or end, whether or not autoRead is on.
            context.read()
        case .closed:
            break
        }
    }

    /// Ends the burst under way; a request made during it carries over to the next.
    private func endBurst(context: ChannelHandlerContext) {
        deliveredSinceReadComplete = false
        readRequested = readRequestedDuringBurst
        readRequestedDuringBurst = false
        context.fireChannelReadComplete()
    }

    /// The pipeline asks for data: hands up at once what the session already holds (records that
    /// came before anything asked for them), and passes the request on (a channel with autoRead
    /// reads again only when asked). Asked while a burst is reaching the pipeline (from a handler
    /// it reached), the request is for the next burst: this one ends once, when all of it went up.
    public func read(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            readRequested = true
        case .active, .outputClosed:
            if deliveredSinceReadComplete {
                readRequestedDuringBurst = true
            } else {
                readRequested = true
                deliver(context: context)
                if (state == .active || state == .outputClosed) && deliveredSinceReadComplete { endBurst(context: context) }
            }
        case .inputClosed, .closing, .draining, .closed:
            break
        }
        context.read()
    }

    /// Decrypts every complete record buffered and passes the plaintext up as one buffer; handles
    /// the peer's close_notify and failures found on the way.
    func deliver(context: ChannelHandlerContext) {
        var plaintext: ByteBuffer?
        var outcome: TLSReadResult = .needsInput
        var failure: TLSError?
        reading: while true {
            do {
                switch try session.read(maximum: Self.readChunk) {
                case let .data(bytes):
                    if plaintext == nil {
                        plaintext = context.channel.allocator.buffer(capacity: max(bytes.count, session.bufferedNetworkInput))
                    }
                    plaintext?.writeBytes(bytes)
                case .needsInput:
                    break reading
                case .closed:
                    outcome = .closed
                    break reading
                }
            } catch {
                failure = error
                break reading
            }
        }
        // Replies the session queued (a refused renegotiation, say) go out now.
        flushOutput(context: context)
        if let plaintext {
            deliveredSinceReadComplete = true
            context.fireChannelRead(wrapInboundOut(plaintext))
        }
        // The data before an end or a failure is a burst of its own, ended before either is reported.
        if (failure != nil || outcome == .closed) && deliveredSinceReadComplete { endBurst(context: context) }
        if let failure {
            readFailed(context: context, error: failure)
        } else if outcome == .closed {
            closeNotifyReceived(context: context)
        }
    }

    /// Handles the transport's `ChannelEvent.inputClosed` (the peer's FIN); passes other events on.
    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        inputEnded = true
        session.receiveEndOfInput()
        switch state {
        case .handshaking:
            // Fails (the peer closed during the handshake) unless the input completes it.
            advanceHandshake(context: context)
        case .active, .outputClosed:
            endInput(context: context)
        case .inputClosed:
            // Already reported (after close_notify, the FIN is expected).
            break
        case .closing, .draining:
            finishClose(context: context)
        case .closed:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The input ended: decrypts what is left (it goes up, asked for or not: nothing more will
    /// come), then reports a clean end, or an unclean one as ``TLSError/prematureClose(library:)``
    /// and closes.
    func endInput(context: ChannelHandlerContext) {
        deliver(context: context)
        guard state == .active || state == .outputClosed else { return }
        // No channelReadComplete follows the end of the input: the data that went up ends here.
        if deliveredSinceReadComplete { endBurst(context: context) }
        guard state == .active || state == .outputClosed else { return }
        // The session saw neither close_notify nor a failure: the end came between records.
        readFailed(context: context, error: .prematureClose(library: nil))
    }

    /// The peer's close_notify arrived: reported as the input's end (half-closure) or answered.
    func closeNotifyReceived(context: ChannelHandlerContext) {
        receivedCloseNotify = true
        switch state {
        case .active:
            if allowsRemoteHalfClosure(context: context) {
                state = .inputClosed
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            } else {
                sendCloseNotify(context: context)
                completeShutdown(context: context)
            }
        case .outputClosed:
            // Both sides have now ended: the connection is done.
            completeShutdown(context: context)
        case .closing:
            completeShutdown(context: context)
        case .handshaking, .inputClosed, .draining, .closed:
            break
        }
    }

    /// A failure found while reading. The end of the input without close_notify after the
    /// handshake is reported and the channel closes (a session cannot go on after it: GnuTLS,
    /// for one, refuses to write); anything else fails the session, alert first.
    func readFailed(context: ChannelHandlerContext, error: TLSError) {
        guard case .prematureClose = error, state == .active || state == .outputClosed else {
            fail(context: context, error: error)
            return
        }
        state = .closed
        context.fireErrorCaught(error)
        context.close(mode: .all, promise: nil)
    }

    /// Reads past data while closing, until the peer's close_notify (or a failure) ends the close.
    func awaitCloseNotify(context: ChannelHandlerContext) {
        while state == .closing {
            do {
                switch try session.read(maximum: Self.readChunk) {
                case .data:
                    continue
                case .needsInput:
                    flushOutput(context: context)
                    return
                case .closed:
                    flushOutput(context: context)
                    closeNotifyReceived(context: context)
                    return
                }
            } catch {
                flushOutput(context: context)
                finishClose(context: context)
                return
            }
        }
    }

    private func allowsRemoteHalfClosure(context: ChannelHandlerContext) -> Bool {
        (try? context.channel.syncOptions?.getOption(ChannelOptions.allowRemoteHalfClosure)) ?? false
    }
}
