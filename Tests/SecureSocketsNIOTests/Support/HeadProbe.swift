import NIOCore

/// The handler next to an `EmbeddedChannel`'s head, standing in for a socket: counts the reads
/// that reach the channel, keeps every byte written, and turns `close(mode: .output)` into a
/// recorded half-close (an `EmbeddedChannel` would close altogether).
final class HeadProbe: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// `read()` calls that reached the channel.
    private(set) var readsForwarded = 0
    /// Every byte written towards the network, in order.
    private(set) var sent: [UInt8] = []
    /// True once the write side was shut (`close(mode: .output)`).
    private(set) var outputShut = false
    /// When true, a half-close passes on like any close (used to end a test).
    var passCloseThrough = false

    func read(context: ChannelHandlerContext) {
        readsForwarded += 1
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        sent += Array(unwrapOutboundIn(data).readableBytesView)
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .output, !passCloseThrough else {
            context.close(mode: mode, promise: promise)
            return
        }
        outputShut = true
        promise?.succeed(())
        context.fireUserInboundEventTriggered(ChannelEvent.outputClosed)
    }
}
