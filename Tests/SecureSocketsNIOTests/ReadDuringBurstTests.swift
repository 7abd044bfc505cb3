import NIOCore
import NIOEmbedded
import SecureSockets
import SecureSocketsNIO
import Testing

/// Where a burst of data ends. A handler that asks for more data while a burst reaches it (as
/// NIOHTTP2's stream channels do) and flushes only when the burst ends (as NIOHTTP2Handler does):
/// the burst must end once, after every record of it, and the next burst must come without another
/// request. Data followed by the end of the input ends its burst before the end is reported.
@Suite struct ReadDuringBurstTests {
    /// Answers each piece of data with `answer:<data>;`, asking for more data on the way; flushes
    /// at the burst's end.
    final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private(set) var readCompletes = 0
        private(set) var received = ""

        func channelActive(context: ChannelHandlerContext) {
            context.read()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received += text
            context.read()
            context.write(wrapOutboundOut(ByteBuffer(string: "answer:\(text);")), promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            readCompletes += 1
            context.flush()
        }
    }

    /// The client's records for `texts`, one record each.
    private func records(_ pair: ChannelPair, _ texts: [String]) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        for text in texts {
            pair.clientApp.write(text)
            var record = ByteBuffer()
            while let bytes = try pair.client.readOutbound(as: ByteBuffer.self) { record.writeImmutableBuffer(bytes) }
            buffers.append(record)
        }
        return buffers
    }

    @Test func severalReadsInOneCycleAreAllDeliveredAndAnsweredAtTheBurstEnd() throws {
        let responder = Responder()
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   serverHandlersAboveTLS: [responder])
        defer { try? pair.finish() }
        try pair.handshake()
        let completesBefore = responder.readCompletes

        // One read cycle of the channel: two reads, then the end of the burst.
        for record in try records(pair, ["first", "second"]) { pair.server.pipeline.fireChannelRead(record) }
        pair.server.pipeline.fireChannelReadComplete()
        #expect(responder.received == "firstsecond")
        #expect(responder.readCompletes == completesBefore + 1)
        try pair.interact()
        #expect(pair.clientApp.text == "answer:first;answer:second;")

        // The read asked for during that burst is for the next one: it comes without another request.
        for record in try records(pair, ["third"]) { pair.server.pipeline.fireChannelRead(record) }
        pair.server.pipeline.fireChannelReadComplete()
        #expect(responder.received == "firstsecondthird")
        try pair.interact()
        #expect(pair.clientApp.text == "answer:first;answer:second;answer:third;")
    }

    @Test func theDataBeforeCloseNotifyEndsItsBurstBeforeTheInputCloses() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("bye", flush: false)
        pair.client.close(mode: .output, promise: nil)
        try pair.interact()

        #expect(pair.serverApp.text == "bye")
        #expect(Array(pair.serverApp.log.suffix(3)) == ["read", "readComplete", "inputClosed"])
    }

    @Test func theDataBeforeAnUncleanEndEndsItsBurstBeforeTheError() throws {
        let serverApp = Recorder(autoRead: false)
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(), serverApp: serverApp)
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("cut short")
        try pair.interact()
        // Unread when the input ends: it goes up, then its burst ends, then the error.
        pair.end(pair.server)

        #expect(serverApp.text == "cut short")
        #expect(Array(serverApp.log.suffix(4)) == ["read", "readComplete", "error", "inactive"])
    }
}
