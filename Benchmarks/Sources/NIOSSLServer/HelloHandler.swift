import NIOCore

/// The greeting exchange, one per connection: collect whatever the client sends in its
/// first read burst (up to ``limit`` bytes), answer with ``reply`` once the burst ends,
/// then close (NIOSSL sends close_notify first). Errors close the connection.
final class HelloHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The server's answer.
    static let reply = "Hola soy tu servidor...."
    /// The most bytes of the client's message the server takes.
    static let limit = 1024

    private var received = 0
    private var replied = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !replied else { return }
        let buffer = unwrapInboundIn(data)
        received = min(Self.limit, received + buffer.readableBytes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard received > 0 else { return }
        answer(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func answer(context: ChannelHandlerContext) {
        guard !replied else { return }
        replied = true
        let reply = context.channel.allocator.buffer(string: Self.reply)
        context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        context.close(promise: nil)
    }
}
