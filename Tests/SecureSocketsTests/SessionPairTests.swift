import GnuTLSBackend
import SecureSockets
import Testing

/// Client and server GnuTLS sessions paired in memory: what only GnuTLS says (the backend
/// conformance suite, BackendConformance, pairs every backend at every version).
@Suite struct SessionPairTests {
    @Test func secureDefaultRefusesTLS11Clients() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(.tlsv1_1)),
                                      server: Fixtures.serverContext())
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        let server = try #require(failure.server)
        #expect(server.kind == "no-common-version")
        #expect(server.description.contains("the client offered TLS1.1"))
        #expect(server.description.contains("TLS1.3, TLS1.2"))
        let client = try #require(failure.client)
        #expect(client.kind == "no-common-version")
        #expect(client.description.contains("this side offered TLS1.1"))
        #expect(client.description.contains("GNUTLS_A_PROTOCOL_VERSION"))
    }
}
