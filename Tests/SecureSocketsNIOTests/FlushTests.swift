import NIOCore
import NIOEmbedded
import SecureSockets
import SecureSocketsNIO
import TestSupport
import Testing

/// After the handshake: writes are held until flushed, encrypted at the flush (small ones
/// together in one record) and handed to the channel as one buffer; a close sends what is held.
@Suite struct FlushTests {
    private func drain(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    @Test func smallWritesFlushedTogetherGoOutAsOneBufferAndOneRecord() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        let writes = ["GET ", "/ ", "HTTP/1.1\r\n\r\n"].map { pair.clientApp.write($0, flush: false) }
        let early = try drain(pair.client)
        #expect(early.isEmpty)
        #expect(writes.allSatisfy { $0.isPending })

        pair.clientApp.context?.flush()
        let buffers = try drain(pair.client)
        #expect(buffers.count == 1)
        let records = TLSRecords.parse(buffers.flatMap { Array($0.readableBytesView) })
        #expect(records.count == 1 && records.first?.contentType == TLSRecords.applicationData)
        #expect(writes.allSatisfy { $0.succeeded })
        for buffer in buffers { try pair.server.writeInbound(buffer) }
        try pair.interact()
        #expect(pair.serverApp.text == "GET / HTTP/1.1\r\n\r\n")
    }

    @Test func largeAndSmallWritesKeepTheirOrder() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        let parts = ["a", String(repeating: "B", count: 40_000), "c", "d", String(repeating: "E", count: 16_384), "f"]
        let writes = parts.map { pair.clientApp.write($0, flush: false) }
        pair.clientApp.context?.flush()
        try pair.interact()

        #expect(pair.serverApp.text == parts.joined())
        #expect(writes.allSatisfy { $0.succeeded })
    }

    @Test func aCloseSendsTheWritesNotYetFlushedBeforeItsCloseNotify() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   serverHalfClosure: false)
        defer { try? pair.finish() }
        try pair.handshake()
        let write = pair.clientApp.write("last words", flush: false)
        let closed = Outcome(pair.client.close())
        try pair.interact()

        #expect(write.succeeded)
        #expect(pair.serverApp.text == "last words")
        #expect(closed.succeeded)
        #expect(pair.serverApp.events.contains(.shutdownCompleted))
        #expect(pair.serverApp.errors.isEmpty)
    }

    @Test func writesHeldWhenTheChannelClosesFail() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        let write = pair.clientApp.write("never flushed", flush: false)
        pair.drop(pair.client)

        #expect(write.error as? ChannelError == .ioOnClosedChannel)
    }
}
