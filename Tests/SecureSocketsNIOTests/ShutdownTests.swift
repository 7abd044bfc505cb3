import NIOCore
import SecureSockets
import SecureSocketsNIO
import Testing

/// Ending a connection: close_notify both ways with a bound, half-closure, and a peer that
/// drops the connection without close_notify (an unclean shutdown, reported as an error).
@Suite struct ShutdownTests {
    @Test func closeSendsCloseNotifyAndCompletesWhenThePeerAnswers() throws {
        // The server does not allow half-closure: it answers close_notify at once.
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   serverHalfClosure: false)
        defer { try? pair.finish() }
        try pair.handshake()
        let closed = Outcome(pair.client.close())
        #expect(pair.clientProbe.outputShut)
        #expect(closed.isPending)

        try pair.interact()
        #expect(closed.succeeded)
        #expect(!pair.client.isActive && !pair.server.isActive)
        #expect(pair.clientApp.events.contains(.shutdownCompleted))
        #expect(pair.serverApp.events.contains(.shutdownCompleted))
        #expect(pair.clientApp.errors.isEmpty && pair.serverApp.errors.isEmpty)
    }

    @Test func closeNotifyIsReportedAsInputClosedWithHalfClosureAndTheReplyStillGoes() throws {
        let serverApp = Recorder()
        serverApp.onEvent = { [unowned serverApp] event, context in
            guard event == .inputClosed else { return }
            serverApp.write("goodbye")
            context.close(promise: nil)
        }
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(), serverApp: serverApp)
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("hello")
        let outputClosed = Outcome(pair.client.close(mode: .output))
        try pair.interact()

        #expect(outputClosed.succeeded)
        #expect(pair.serverApp.text == "hello")
        #expect(pair.serverApp.events == [.handshakeCompleted(negotiatedProtocol: nil), .inputClosed, .shutdownCompleted])
        #expect(pair.clientApp.text == "goodbye")
        #expect(pair.clientApp.events.contains(.shutdownCompleted))
        #expect(pair.clientApp.errors.isEmpty && pair.serverApp.errors.isEmpty)
        #expect(!pair.client.isActive && !pair.server.isActive)
    }

    @Test func writesAfterOutputCloseFail() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        pair.client.close(mode: .output, promise: nil)
        let late = pair.clientApp.write("late")

        #expect(late.error as? ChannelError == .outputClosed)
        let input = Outcome(pair.client.close(mode: .input))
        #expect(input.error as? ChannelError == .operationUnsupported)
    }

    @Test func closeGivesUpWaitingForThePeerAfterTheShutdownTimeout() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   shutdownTimeout: .seconds(3))
        defer { try? pair.finish() }
        try pair.handshake()
        let closed = Outcome(pair.client.close())
        // The server never sees the close_notify: it stays silent.
        _ = try pair.client.readOutbound(as: ByteBuffer.self)

        pair.loop.advanceTime(by: .milliseconds(2999))
        #expect(closed.isPending && pair.client.isActive)
        pair.loop.advanceTime(by: .milliseconds(1))
        #expect(closed.succeeded)
        #expect(!pair.client.isActive)
        #expect(!pair.clientApp.events.contains(.shutdownCompleted))
        #expect(pair.clientApp.errors.isEmpty)
    }

    @Test func aPeerThatEndsTheStreamWithoutCloseNotifyIsAnUncleanShutdown() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("truncated?")
        try pair.interact()
        // The client's TCP connection ends with no close_notify before it.
        pair.end(pair.server)

        #expect(pair.serverApp.text == "truncated?")
        guard case .prematureClose? = pair.serverApp.tlsErrors.first else {
            Issue.record("expected prematureClose, got \(pair.serverApp.errors)")
            return
        }
        #expect(pair.serverApp.errors.count == 1)
        #expect(!pair.serverApp.events.contains(.shutdownCompleted))
        // The session cannot go on: the channel closes and later writes fail.
        #expect(!pair.server.isActive)
        let late = pair.serverApp.write("too late")
        #expect(late.error as? ChannelError == .ioOnClosedChannel)
    }

    @Test func aChannelThatClosesWithoutCloseNotifyIsAnUncleanShutdown() throws {
        // Without half-closure the channel closes on the peer's FIN.
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   serverHalfClosure: false)
        defer { try? pair.finish() }
        try pair.handshake()
        pair.drop(pair.server)

        guard case .prematureClose? = pair.serverApp.tlsErrors.first else {
            Issue.record("expected prematureClose, got \(pair.serverApp.errors)")
            return
        }
        #expect(pair.serverApp.errors.count == 1)
        #expect(pair.serverApp.inactive)
    }

    @Test func closeNotifyUnreadWhenTheChannelClosesStillCountsAsClean() throws {
        // The application has not asked for data: the close_notify is still ciphertext when the
        // channel closes on the FIN behind it.
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext(),
                                   serverApp: Recorder(autoRead: false), serverHalfClosure: false)
        defer { try? pair.finish() }
        try pair.handshake()
        pair.clientApp.write("last")
        pair.client.close(promise: nil)
        try pair.interact()

        #expect(pair.serverApp.text == "last")
        #expect(pair.serverApp.errors.isEmpty)
        #expect(pair.serverApp.events.contains(.shutdownCompleted))
    }

    @Test func aResetAfterTheHandshakeIsReportedOnce() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.handshake()
        let reset = IOError(errnoCode: 104, reason: "read(descriptor:pointer:size:)")
        pair.server.pipeline.fireErrorCaught(reset)
        pair.drop(pair.server)

        #expect(pair.serverApp.errors.count == 1)
        #expect((pair.serverApp.errors.first as? IOError)?.errnoCode == 104)
    }
}
