import NIOCore
import NIOEmbedded
import NIOTLS
import SecureSockets
import SecureSocketsNIO
import Testing

/// The handshake over two handlers back to back: NIOTLS's event, what the handler tells after
/// it, and data both ways.
@Suite struct HandshakeEventTests {
    @Test func bothSidesFireHandshakeCompletedOnceAndDataFlowsBothWays() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()

        #expect(pair.clientApp.events == [.handshakeCompleted(negotiatedProtocol: nil)])
        #expect(pair.serverApp.events == [.handshakeCompleted(negotiatedProtocol: nil)])
        pair.clientApp.write("ping")
        try pair.interact()
        pair.serverApp.write("pong")
        try pair.interact()
        #expect(pair.serverApp.text == "ping")
        #expect(pair.clientApp.text == "pong")
        #expect(pair.clientApp.errors.isEmpty && pair.serverApp.errors.isEmpty)
    }

    @Test func infoDescribesTheSessionOnceTheHandshakeCompleted() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        #expect(pair.clientHandler.info == nil)
        try pair.handshake()

        let client = try #require(pair.clientHandler.info)
        let server = try #require(pair.serverHandler.info)
        #expect(client.version == .tlsv1_3 && server.version == .tlsv1_3)
        #expect(client.peerCertificates.first?.subject.contains("CN=localhost") == true)
        #expect(server.serverName == "localhost")
        #expect(client.applicationProtocol == nil)
    }

    @Test func traceHandlerSeesTheMessagesOfTheHandshake() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        var traced: [TLSTraceEvent] = []
        pair.serverHandler.traceHandler = { traced.append($0) }
        try pair.handshake()

        let messages = traced.map { "\($0.direction.arrow) \($0.message)" }
        #expect(messages.first == "← ClientHello")
        #expect(messages.contains("→ ServerHello"))
        #expect(messages.contains("← Finished"))
    }

    @Test func handshakeStartsWhenTheHandlerJoinsAnActiveChannel() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        let handler = try TLSClientHandler(context: Certificates.clientContext(), serverHostname: "localhost")
        try channel.pipeline.syncOperations.addHandler(handler)

        let output = try channel.readOutbound(as: ByteBuffer.self)
        let hello = try #require(output)
        #expect(hello.getInteger(at: hello.readerIndex, as: UInt8.self) == 22)
        channel._channelCore.close0(error: ChannelError.eof, mode: .all, promise: nil)
        try loop.syncShutdownGracefully()
    }
}
