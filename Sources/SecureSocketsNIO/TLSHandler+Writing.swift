import NIOCore
import SecureSockets

// The outbound side of ``TLSHandler``: plaintext from above is encrypted into records; before
// the handshake completes it is kept, in order, with its flushes.
extension TLSHandler {
    /// Encrypts plaintext from above into records (kept until the handshake completes).
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .handshaking:
            if bufferedWrites.closeOutputRequested {
                promise?.fail(ChannelError.outputClosed)
            } else {
                bufferedWrites.append(unwrapOutboundIn(data), promise: promise)
            }
        case .active, .inputClosed:
            encrypt(context: context, unwrapOutboundIn(data), promise: promise)
        case .outputClosed, .closing:
            promise?.fail(ChannelError.outputClosed)
        case .draining, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// Flushes encrypted records to the socket (remembered until the handshake completes).
    public func flush(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            bufferedWrites.flush()
        case .active, .inputClosed, .outputClosed, .closing, .draining, .closed:
            context.flush()
        }
    }

    private func encrypt(context: ChannelHandlerContext, _ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        do {
            try buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(TLSError) in try session.write(bytes) }
        } catch {
            promise?.fail(error)
            return
        }
        let output = session.takeNetworkOutput()
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: output)), promise: promise)
    }

    /// Sends what was written before the handshake completed, flushing what was flushed; then
    /// runs a `close(mode: .output)` issued meanwhile.
    func sendBufferedWrites(context: ChannelHandlerContext) {
        let buffered = bufferedWrites.takeAll()
        for (index, write) in buffered.writes.enumerated() {
            encrypt(context: context, write.data, promise: write.promise)
            if index + 1 == buffered.flushed { context.flush() }
        }
        if buffered.closeOutputRequested {
            close(context: context, mode: .output, promise: buffered.closeOutputPromise)
        }
    }
}
