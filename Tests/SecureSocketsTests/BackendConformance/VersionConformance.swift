import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// Versions: each row of the table pinned on both sides, ranges, and pins that do not meet;
    /// data both ways and close_notify.
    @Suite struct Versions {
        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func pinnedVersionCompletesTheExchange(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            let contexts = try backends.contexts(client: Fixtures.clientConfiguration(versions: .exactly(version)),
                                                 server: Fixtures.serverConfiguration(versions: .exactly(version)))
            #expect(contexts.client.enabledVersions == [version])
            #expect(contexts.server.enabledVersions == [version])
            let pair = try TLSSessionPair(client: contexts.client, server: contexts.server)
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

        @Test(arguments: BackendPair.all)
        func secureDefaultNegotiatesTLS13WithAnAEADSuite(backends: BackendPair) throws {
            try backends.require(versions: .tlsv1_3)
            let pair = try backends.sessions()
            try pair.handshake()
            let info = try #require(pair.client.info)
            #expect(info.version == .tlsv1_3)
            #expect(info.mac == "AEAD")
            #expect(info.group != nil)
            #expect(info.serverName == "localhost")
            #expect(pair.server.info?.cipher == info.cipher)
        }

        @Test(arguments: BackendPair.all, [(TLSVersion.tlsv1_2, TLSVersion.tlsv1_3), (.tlsv1_3, .tlsv1_2), (.tlsv1_0, .tlsv1_2), (.tlsv1_2, .tlsv1_1)])
        func mismatchedPinsFailOnBothSidesAlike(backends: BackendPair, versions: (TLSVersion, TLSVersion)) throws {
            let (clientVersion, serverVersion) = versions
            try backends.require(versions: clientVersion, serverVersion)
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(versions: .exactly(clientVersion)),
                                             server: Fixtures.serverConfiguration(versions: .exactly(serverVersion)))
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            #expect(failure.server?.kind == "no-common-version")
            #expect(failure.client?.kind == "no-common-version")
            #expect(failure.client?.description.contains(clientVersion.displayName) == true)
            #expect(failure.server?.description.contains(serverVersion.displayName) == true)
        }

        @Test(arguments: BackendPair.all, [
            (TLSVersionPolicy.range(minimum: .tlsv1_0, maximum: .tlsv1_2), TLSVersionPolicy.range(minimum: .tlsv1_1, maximum: .tlsv1_3), TLSVersion.tlsv1_2),
            (.range(minimum: .tlsv1_2, maximum: .tlsv1_3), .exactly(.tlsv1_2), .tlsv1_2),
            (.secureDefault, .range(minimum: .tlsv1_0, maximum: .tlsv1_3), .tlsv1_3),
            (.range(minimum: .tlsv1_0, maximum: .tlsv1_1), .range(minimum: .tlsv1_0, maximum: .tlsv1_3), .tlsv1_1),
        ])
        func rangesNegotiateTheHighestCommonVersion(backends: BackendPair,
                                                    policies: (TLSVersionPolicy, TLSVersionPolicy, TLSVersion)) throws {
            let (clientPolicy, serverPolicy, agreed) = policies
            try backends.require(versions: (clientPolicy.versions ?? []) + (serverPolicy.versions ?? []))
            let contexts = try backends.contexts(client: Fixtures.clientConfiguration(versions: clientPolicy),
                                                 server: Fixtures.serverConfiguration(versions: serverPolicy))
            #expect(contexts.client.enabledVersions == clientPolicy.versions)
            #expect(contexts.server.enabledVersions == serverPolicy.versions)
            let pair = try TLSSessionPair(client: contexts.client, server: contexts.server)
            try pair.handshake()
            #expect(pair.client.info?.version == agreed)
            #expect(pair.server.info?.version == agreed)
        }

        @Test(arguments: BackendPair.all)
        func rangesThatDoNotMeetFailOnBothSides(backends: BackendPair) throws {
            try backends.require(versions: .tlsv1_0)
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(versions: .range(minimum: .tlsv1_0, maximum: .tlsv1_1)),
                                             server: Fixtures.serverConfiguration(versions: .secureDefault))
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            #expect(failure.server?.kind == "no-common-version")
            #expect(failure.client?.kind == "no-common-version")
        }

        /// A server refusing a client's versions says, in the same words on every backend, what the
        /// client offered and what it accepts.
        @Test(arguments: BackendPair.all)
        func theServerNamesBothSidesVersionsWhenTheyDoNotMeet(backends: BackendPair) throws {
            try backends.require(.encryption)
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(versions: .exactly(.tlsv1_3)),
                                             server: Fixtures.serverConfiguration(versions: .exactly(.tlsv1_2)))
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            #expect("\(failure.server.map { "\($0)" } ?? "")".contains("the client offered TLS1.3; this server accepts TLS1.2"),
                    "\(String(describing: failure.server))")
        }
    }
}
