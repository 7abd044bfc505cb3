import GnuTLSBackend
import SecureSockets
import Testing

/// A server that answers the ClientHello with a handshake_failure alert instead of a ServerHello
/// (gnutls-serv pinned to TLS 1.2 does so to a TLS 1.3-only client): the client's error must say
/// that the server shares none of the offered versions or suites, not just name the alert.
@Suite struct HandshakeFailureAlertTests {
    /// An alert record: fatal (2), handshake_failure (40).
    static let handshakeFailureAlert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]

    @Test(arguments: TLSVersion.allCases)
    func handshakeFailureInsteadOfServerHelloNamesTheOfferedVersions(version: TLSVersion) throws {
        let session = try Fixtures.clientContext(versions: .exactly(version)).makeSession(peerName: "localhost")
        #expect(try session.handshake() == .needsInput)
        #expect(!session.takeNetworkOutput().isEmpty, "the ClientHello")
        session.receiveFromNetwork(Self.handshakeFailureAlert)
        let error = try #require(throws: TLSError.self) { try session.handshake() }
        #expect(error.kind == "handshake-failed")
        #expect(error.description.contains("the peer refused the handshake"), "\(error)")
        #expect(error.description.contains("shares none of the offered versions (\(version.displayName)) or cipher suites"), "\(error)")
    }
}
