#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// Every client backend against every server backend in memory, OpenSSL on at least one side:
/// each version of the table, mismatched pins, data both ways and close_notify.
@Suite struct BackendPairTests {
    static let pairs: [(Backend, Backend)] = [(.openssl, .openssl), (.gnutls, .openssl), (.openssl, .gnutls)]

    static func pair(_ client: Backend, _ server: Backend, clientVersions: TLSVersionPolicy = .secureDefault,
                     serverVersions: TLSVersionPolicy = .secureDefault) throws -> TLSSessionPair {
        try TLSSessionPair(
            client: client.backend.makeContext(configuration: Fixtures.clientConfiguration(versions: clientVersions)),
            server: server.backend.makeContext(configuration: Fixtures.serverConfiguration(versions: serverVersions)))
    }

    @Test(arguments: pairs, TLSVersion.allCases)
    func pinnedVersionCompletesTheExchange(backends: (Backend, Backend), version: TLSVersion) throws {
        let pair = try Self.pair(backends.0, backends.1, clientVersions: .exactly(version), serverVersions: .exactly(version))
        try pair.handshake()
        let client = try #require(pair.client.info)
        let server = try #require(pair.server.info)
        #expect(client.version == version)
        #expect(server.version == version)
        #expect(client.cipherSuite == server.cipherSuite)
        #expect(client.peerCertificates.first?.subject == "CN=localhost,O=tlshello tests")
        #expect(client.peerCertificates.first?.sha256Fingerprint == Fixtures.server.info.sha256Fingerprint)
        #expect(client.verification == "verified (chain and name localhost)")
        #expect(server.serverName == "localhost")
        if version.isDeprecated { #expect(client.signatureAlgorithm == nil) } else { #expect(client.signatureAlgorithm != nil) }

        try pair.client.write("Hola soy tu cliente")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
        try pair.server.write("Hola soy tu servidor....")
        try pair.server.close()
        #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("Hola soy tu servidor....".utf8))
        #expect(try pair.client.read(maximum: 100) == .closed)
    }

    @Test(arguments: pairs)
    func secureDefaultNegotiatesTLS13WithAnAEADSuite(backends: (Backend, Backend)) throws {
        let pair = try Self.pair(backends.0, backends.1)
        try pair.handshake()
        let info = try #require(pair.client.info)
        #expect(info.version == .tlsv1_3)
        #expect(info.mac == "AEAD")
        #expect(info.group != nil)
        #expect(pair.server.info?.cipher == info.cipher)
    }

    @Test(arguments: pairs, [(TLSVersion.tlsv1_2, TLSVersion.tlsv1_3), (.tlsv1_3, .tlsv1_2), (.tlsv1_0, .tlsv1_2), (.tlsv1_2, .tlsv1_1)])
    func mismatchedPinsFailOnBothSides(backends: (Backend, Backend), versions: (TLSVersion, TLSVersion)) throws {
        let pair = try Self.pair(backends.0, backends.1, clientVersions: .exactly(versions.0), serverVersions: .exactly(versions.1))
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(failure.server?.kind == "no-common-version")
        #expect(failure.client?.kind == "no-common-version")
        #expect(failure.client?.description.contains(versions.0.displayName) == true)
    }

    @Test(arguments: pairs)
    func largeDataCrossesInRecords(backends: (Backend, Backend)) throws {
        let pair = try Self.pair(backends.0, backends.1)
        try pair.handshake()
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try pair.client.write(payload)
        #expect(try pair.deliver(from: pair.client, to: pair.server) == payload)
    }
}
#endif
