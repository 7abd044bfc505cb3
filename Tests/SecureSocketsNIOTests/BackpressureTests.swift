import NIOCore
import SecureSockets
import SecureSocketsNIO
import Testing

/// Reading only as the pipeline asks: nothing is decrypted or read from the channel for an
/// application that does not read, and a burst ends only when its records are whole.
@Suite struct BackpressureTests {
    @Test func nothingIsDecryptedOrReadUntilTheApplicationAsks() throws {
        let serverApp = Recorder(autoRead: false)
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   clientApp: Recorder(autoRead: false), serverApp: serverApp)
        defer { try? pair.finish() }
        var decrypted = 0
        pair.serverHandler.traceHandler = { event in
            if event.direction == .received && event.message == "application data" { decrypted += 1 }
        }
        // The handshake reads for itself: no application read is needed.
        try pair.handshake()
        #expect(serverApp.events == [.handshakeCompleted(negotiatedProtocol: nil)])
        let readsAfterHandshake = pair.serverProbe.readsForwarded

        for index in 0..<8 { pair.clientApp.write(String(repeating: String(index), count: 4000)) }
        try pair.interact()
        #expect(serverApp.received.isEmpty)
        #expect(decrypted == 0)
        #expect(pair.serverProbe.readsForwarded == readsAfterHandshake)

        // One read hands up everything buffered, in one buffer and one burst, and asks the channel for more.
        pair.server.read()
        #expect(serverApp.received.count == 32_000)
        #expect(serverApp.text.hasPrefix("0000") && serverApp.text.hasSuffix("7777"))
        #expect(serverApp.reads == 1 && serverApp.readCompletes == 1)
        #expect(pair.serverProbe.readsForwarded == readsAfterHandshake + 1)

        // Nothing buffered: the read goes to the channel, and its data goes up when it comes.
        pair.server.read()
        #expect(serverApp.readCompletes == 1)
        pair.clientApp.write("more")
        try pair.interact()
        #expect(serverApp.text.hasSuffix("7777more"))
        #expect(serverApp.readCompletes == 2)
    }

    @Test func aRecordSplitAcrossReadsGoesUpWholeAndTheHandlerReadsOnForItsRest() throws {
        let serverApp = Recorder(autoRead: false)
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(), serverApp: serverApp)
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("split in two")
        var record = ByteBuffer()
        while let bytes = try pair.client.readOutbound(as: ByteBuffer.self) { record.writeImmutableBuffer(bytes) }
        pair.server.read()
        let reads = pair.serverProbe.readsForwarded

        try pair.server.writeInbound(record.getSlice(at: record.readerIndex, length: 10))
        #expect(serverApp.received.isEmpty && serverApp.readCompletes == 0)
        // Asked once and given nothing whole: the handler asks the channel again by itself.
        #expect(pair.serverProbe.readsForwarded == reads + 1)

        try pair.server.writeInbound(record.getSlice(at: record.readerIndex + 10, length: record.readableBytes - 10))
        #expect(serverApp.text == "split in two")
        #expect(serverApp.reads == 1 && serverApp.readCompletes == 1)
    }

    @Test func anApplicationReadingOneBurstAtATimeGetsEverythingInOrder() throws {
        let serverApp = Recorder(autoRead: false)
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(), serverApp: serverApp)
        defer { try? pair.finish() }
        try pair.handshake()
        var expected = ""
        for round in 0..<20 {
            let text = String(repeating: Character(UnicodeScalar(UInt8(65 + round))), count: 1000 * (round + 1))
            expected += text
            pair.clientApp.write(text)
            try pair.interact()
            #expect(serverApp.received.count == expected.utf8.count - text.utf8.count)
            pair.server.read()
        }
        #expect(serverApp.text == expected)
        #expect(serverApp.readCompletes == 20)
    }
}
