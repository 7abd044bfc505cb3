import NIOCore
import SecureSockets
import SecureSocketsNIO
import TestSupport
import Testing

/// Handshakes that fail: the alert goes out before the error is reported, each side reports one
/// typed error, and the connection closes.
@Suite struct FailureTests {
    /// The alerts in `bytes` sent in the clear (before encryption starts): (level, description).
    private func plaintextAlerts(_ bytes: [UInt8]) -> [[UInt8]] {
        TLSRecords.parse(bytes).filter { $0.contentType == TLSRecords.alert }.map(\.payload)
    }

    /// The alert a failure reports having received, if any.
    private func receivedAlert(_ error: TLSError?) -> TLSAlert? {
        switch error {
        case let .noCommonVersion(_, _, alert)?, let .handshakeFailed(_, _, alert)?: return alert
        case let .alertReceived(alert, _)?: return alert
        default: return nil
        }
    }

    @Test func aVersionMismatchSendsAProtocolVersionAlert() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(versions: .exactly(.tlsv1_2)),
                                   server: Certificates.serverContext(versions: .exactly(.tlsv1_3)))
        defer { try? pair.finish() }
        try pair.handshake()

        #expect(pair.serverApp.tlsErrors.count == 1)
        guard case .noCommonVersion? = pair.serverApp.tlsErrors.first else {
            Issue.record("expected noCommonVersion on the server, got \(pair.serverApp.errors)")
            return
        }
        #expect(plaintextAlerts(pair.serverProbe.sent) == [[2, 70]])
        #expect(pair.clientApp.tlsErrors.count == 1)
        #expect(receivedAlert(pair.clientApp.tlsErrors.first)?.code == 70)
        #expect(!pair.serverApp.events.contains(.handshakeCompleted(negotiatedProtocol: nil)))
        #expect(!pair.clientApp.events.contains(.handshakeCompleted(negotiatedProtocol: nil)))
        #expect(!pair.server.isActive && !pair.client.isActive)
    }

    @Test func anExpiredCertificateFailsVerificationAndTheServerHearsWhy() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(trust: Certificates.expired),
                                   server: Certificates.serverContext(Certificates.expired))
        defer { try? pair.finish() }
        try pair.handshake()

        guard case let .verificationFailed(failure)? = pair.clientApp.tlsErrors.first else {
            Issue.record("expected a verification failure, got \(pair.clientApp.errors)")
            return
        }
        #expect(failure.problems.contains { if case .expired = $0 { return true } else { return false } })
        #expect(pair.clientApp.errors.count == 1)
        #expect(receivedAlert(pair.serverApp.tlsErrors.first) != nil)
        #expect(!pair.serverApp.events.contains(.handshakeCompleted(negotiatedProtocol: nil)))
    }

    @Test func aCertificateForAnotherNameFailsVerification() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(trust: Certificates.wrongName),
                                   server: Certificates.serverContext(Certificates.wrongName))
        defer { try? pair.finish() }
        try pair.handshake()

        guard case let .verificationFailed(failure)? = pair.clientApp.tlsErrors.first else {
            Issue.record("expected a verification failure, got \(pair.clientApp.errors)")
            return
        }
        #expect(failure.problems.contains { if case .nameMismatch(expected: "localhost", _) = $0 { return true } else { return false } })
        #expect(receivedAlert(pair.serverApp.tlsErrors.first) != nil)
    }

    @Test func aSilentPeerTimesTheHandshakeOut() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(handshakeTimeout: 4), server: Certificates.serverContext(),
                                   shutdownTimeout: .seconds(1))
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.clientApp.write("never sent")
        // The server never answers.
        _ = try pair.client.readOutbound(as: ByteBuffer.self)

        pair.loop.advanceTime(by: .milliseconds(3999))
        #expect(pair.clientApp.errors.isEmpty && write.isPending)
        pair.loop.advanceTime(by: .milliseconds(1))
        guard case .timedOut(stage: .handshake, seconds: 4)? = pair.clientApp.tlsErrors.first else {
            Issue.record("expected a handshake timeout, got \(pair.clientApp.errors)")
            return
        }
        guard case .timedOut? = write.error as? TLSError else {
            Issue.record("the buffered write should fail with the timeout, not \(String(describing: write.result))")
            return
        }
        // The write side is shut at once; the channel closes when the drain ends.
        #expect(pair.clientProbe.outputShut)
        pair.loop.advanceTime(by: .seconds(1))
        #expect(!pair.client.isActive)
        #expect(pair.clientApp.errors.count == 1)
    }

    @Test func aResetDuringTheHandshakeIsReportedOnceAndFailsBufferedWrites() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.activate()
        let write = pair.serverApp.write("never sent")
        // The ClientHello arrives, then the client resets the connection.
        while let bytes = try pair.client.readOutbound(as: ByteBuffer.self) { try pair.server.writeInbound(bytes) }
        let reset = IOError(errnoCode: 104, reason: "read(descriptor:pointer:size:)")
        pair.server.pipeline.fireErrorCaught(reset)
        pair.drop(pair.server)

        #expect(pair.serverApp.errors.count == 1)
        #expect((pair.serverApp.errors.first as? IOError)?.errnoCode == 104)
        #expect((write.error as? IOError)?.errnoCode == 104)
        #expect(pair.serverApp.events.isEmpty)
    }

    @Test func aPeerThatClosesDuringTheHandshakeIsReportedAsSuch() throws {
        let pair = try ChannelPair(client: Certificates.clientContext(), server: Certificates.serverContext())
        defer { try? pair.finish() }
        try pair.activate()
        while let bytes = try pair.client.readOutbound(as: ByteBuffer.self) { try pair.server.writeInbound(bytes) }
        // The client's FIN, with half-closure on: the handshake cannot complete.
        pair.end(pair.server)

        guard case .closedDuringHandshake? = pair.serverApp.tlsErrors.first else {
            Issue.record("expected closedDuringHandshake, got \(pair.serverApp.errors)")
            return
        }
        #expect(pair.serverApp.errors.count == 1)
        #expect(!pair.server.isActive)
    }
}
