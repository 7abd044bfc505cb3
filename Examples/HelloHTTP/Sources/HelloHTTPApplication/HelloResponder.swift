import NIOCore
import NIOHTTP1

/// The application: `GET /` (and `HEAD /`) answers 200 with the greeting as `text/plain`,
/// any other path 404, any other method on `/` 405. The same handler serves an HTTP/1.1
/// connection and each HTTP/2 stream (behind `HTTP2FramePayloadToHTTP1ServerCodec`).
final class HelloResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var request: HTTPRequestHead?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            request = head
        case .body:
            // No route takes a body; it is read and dropped.
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        let body: String
        switch (path, head.method) {
        case ("/", .GET), ("/", .HEAD):
            status = .ok
            body = HelloPipeline.greeting
        case ("/", _):
            status = .methodNotAllowed
            body = "method not allowed\n"
            headers.add(name: "allow", value: "GET, HEAD")
        default:
            status = .notFound
            body = "not found\n"
        }
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        // HTTP/1.0 and `connection: close` end the connection after the response; HTTP/1.1 keeps
        // it; an HTTP/2 stream ends with the response whatever the headers say.
        let keepAlive = head.version.major != 1 || head.isKeepAlive
        if head.version.major == 1 { headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close") }

        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
