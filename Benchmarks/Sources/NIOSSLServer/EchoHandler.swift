import NIOCore
import NIOSSL

/// Sends back every byte read, flushing at the end of each read burst, until the client
/// closes its side (close_notify or a bare TCP FIN); then closes once everything echoed
/// has been written. Other errors close the connection.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            guard !closing else { return }
            closing = true
            // An empty write completes only after every earlier write has reached the socket;
            // closing before that would drop echoed data still queued in the channel.
            let barrier = context.channel.allocator.buffer(capacity: 0)
            context.writeAndFlush(wrapOutboundOut(barrier)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A TCP FIN without close_notify comes first as this error, then as inputClosed.
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return }
        context.close(promise: nil)
    }
}
