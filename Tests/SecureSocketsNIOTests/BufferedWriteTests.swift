import NIOCore
import SecureSockets
import SecureSocketsNIO
import Testing

/// Writes and flushes issued before the handshake completes: kept in order, sent after it, their
/// promises completed then; failed with a clear error when the handshake never completes.
@Suite struct BufferedWriteTests {
    @Test func writesBeforeTheHandshakeAreSentAfterItInOrderWithTheirFlushes() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.activate()
        let first = pair.clientApp.write("one ")
        let second = pair.clientApp.write("two ")
        let unflushed = pair.clientApp.write("three", flush: false)
        #expect(first.isPending && second.isPending && unflushed.isPending)

        try pair.interact()
        #expect(pair.serverApp.text == "one two ")
        #expect(first.succeeded && second.succeeded)
        #expect(unflushed.isPending)

        pair.clientApp.context?.flush()
        try pair.interact()
        #expect(pair.serverApp.text == "one two three")
        #expect(unflushed.succeeded)
    }

    @Test func writesOnTheHandshakeEventFollowTheBufferedOnes() throws {
        let serverApp = Recorder()
        serverApp.onEvent = { [unowned serverApp] event, _ in
            if case .handshakeCompleted = event { serverApp.write("second") }
        }
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(), serverApp: serverApp)
        defer { try? pair.finish() }
        try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        let first = serverApp.write("first ")
        try pair.client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        try pair.interact()

        #expect(pair.clientApp.text == "first second")
        #expect(first.succeeded)
    }

    @Test func bufferedWritesFailWithTheHandshakeError() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(Certificates.expired))
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.clientApp.write("never sent")
        try pair.interact()

        guard case .verificationFailed? = write.error as? TLSError else {
            Issue.record("the write should fail with the verification failure, not \(String(describing: write.result))")
            return
        }
        #expect(pair.serverApp.received.isEmpty)
    }

    @Test func bufferedWritesFailWhenTheChannelIsClosedFirst() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.clientApp.write("never sent")
        let closed = Outcome(pair.client.close())
        try pair.interact()

        #expect(write.error as? ChannelError == .ioOnClosedChannel)
        #expect(closed.succeeded)
        #expect(pair.clientApp.errors.isEmpty)
    }

    @Test func bufferedWritesFailWhenThePeerClosesDuringTheHandshake() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   clientHalfClosure: false)
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.clientApp.write("never sent")
        pair.drop(pair.server)
        try pair.interact()

        guard case .closedDuringHandshake? = write.error as? TLSError else {
            Issue.record("expected closedDuringHandshake, got \(String(describing: write.result))")
            return
        }
        #expect(pair.clientApp.tlsErrors.count == 1)
    }

    @Test func outputCloseDuringTheHandshakeRunsAfterTheBufferedWrites() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.clientApp.write("last words")
        let closeOutput = Outcome(pair.client.close(mode: .output))
        let late = pair.clientApp.write("too late")
        #expect(late.error as? ChannelError == .outputClosed)

        try pair.interact()
        #expect(write.succeeded)
        #expect(closeOutput.succeeded)
        #expect(pair.serverApp.text == "last words")
        #expect(pair.serverApp.events == [.handshakeCompleted(negotiatedProtocol: nil), .inputClosed])
    }
}
