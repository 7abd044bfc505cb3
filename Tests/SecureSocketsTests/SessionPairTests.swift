import GnuTLSBackend
import SecureSockets
import Testing

/// Client and server sessions paired in memory, for every row of the version table.
@Suite struct SessionPairTests {
    @Test(arguments: TLSVersion.allCases)
    func pinnedVersionCompletesTheExchange(version: TLSVersion) throws {
        let pair = try TLSSessionPair(
            client: Fixtures.clientContext(versions: .exactly(version)),
            server: Fixtures.serverContext(versions: .exactly(version)))
        try pair.handshake()
        let client = try #require(pair.client.info)
        let server = try #require(pair.server.info)
        #expect(client.version == version)
        #expect(server.version == version)
        #expect(client.cipherSuite == server.cipherSuite)
        #expect(client.peerCertificates.first?.subject.contains("CN=localhost") == true)
        if version.isDeprecated { #expect(client.signatureAlgorithm == nil) } else { #expect(client.signatureAlgorithm != nil) }

        try pair.client.write("Hola soy tu cliente")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
        try pair.server.write("Hola soy tu servidor....")
        try pair.server.close()
        #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("Hola soy tu servidor....".utf8))
        #expect(try pair.client.read(maximum: 100) == .closed)
    }

    @Test func secureDefaultNegotiatesTLS13WithAnAEADSuite() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext())
        try pair.handshake()
        let info = try #require(pair.client.info)
        #expect(info.version == .tlsv1_3)
        #expect(info.mac == "AEAD")
        #expect(info.serverName == "localhost")
        #expect(pair.server.info?.serverName == "localhost")
    }

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

    @Test(arguments: [(TLSVersion.tlsv1_2, TLSVersion.tlsv1_3), (.tlsv1_3, .tlsv1_2), (.tlsv1_0, .tlsv1_2), (.tlsv1_2, .tlsv1_1)])
    func mismatchedPinsFailOnBothSides(client: TLSVersion, server: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(client)),
                                      server: Fixtures.serverContext(versions: .exactly(server)))
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(failure.server?.kind == "no-common-version")
        #expect(failure.client?.kind == "no-common-version")
        #expect(failure.client?.description.contains(client.displayName) == true)
    }

    @Test func rangesNegotiateTheHighestCommonVersion() throws {
        let pair = try TLSSessionPair(
            client: Fixtures.clientContext(versions: .range(minimum: .tlsv1_0, maximum: .tlsv1_2)),
            server: Fixtures.serverContext(versions: .range(minimum: .tlsv1_1, maximum: .tlsv1_3)))
        try pair.handshake()
        #expect(pair.client.info?.version == .tlsv1_2)
    }

    @Test func plaintextBackendPassesBytesThrough() throws {
        let backend = PlaintextBackend()
        let pair = try TLSSessionPair(
            client: backend.makeContext(configuration: .makeClientConfiguration()),
            server: backend.makeContext(configuration: .makeClientConfiguration()))
        try pair.handshake()
        try pair.client.write("Hola soy tu cliente")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
    }
}
