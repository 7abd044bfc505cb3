import GnuTLSBackend
import SecureSockets
import Testing

/// ALPN (RFC 7301) between in-memory client and server sessions: preference order, no overlap
/// (lenient and strict), one side without ALPN, resumption, and the configuration's checks.
@Suite struct ApplicationProtocolTests {
    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

    private func context(_ role: TLSConfiguration.Role, _ protocols: [String], strict: Bool = false,
                         version: TLSVersion = .tlsv1_3) throws -> any TLSContext {
        var configuration = role == .server
            ? TLSConfiguration.makeServerConfiguration(
                certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
                privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
            : TLSConfiguration.makeClientConfiguration()
        if role == .client { configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem") }
        configuration.versions = .exactly(version)
        configuration.applicationProtocols = protocols
        configuration.requiresApplicationProtocol = strict
        return try GnuTLS().makeContext(configuration: configuration)
    }

    private func pair(client: [String], server: [String], clientStrict: Bool = false, serverStrict: Bool = false,
                      version: TLSVersion) throws -> TLSSessionPair {
        try TLSSessionPair(client: context(.client, client, strict: clientStrict, version: version),
                           server: context(.server, server, strict: serverStrict, version: version))
    }

    @Test(arguments: versions)
    func bothSidesReportTheAgreedProtocol(version: TLSVersion) throws {
        let pair = try pair(client: ["h2", "http/1.1"], server: ["h2", "http/1.1"], version: version)
        #expect(pair.client.applicationProtocol == nil)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "h2")
        #expect(pair.server.applicationProtocol == "h2")
        #expect(pair.client.info?.applicationProtocol == "h2")
        #expect(pair.server.info?.applicationProtocol == "h2")
        try pair.client.write("ping")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("ping".utf8))
    }

    @Test(arguments: versions)
    func theServerPicksByItsOwnOrder(version: TLSVersion) throws {
        let pair = try pair(client: ["http/1.1", "h2"], server: ["h2", "http/1.1"], version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "h2")
        #expect(pair.server.applicationProtocol == "h2")

        let other = try self.pair(client: ["h2", "spdy/3", "http/1.1"], server: ["http/1.1", "h2"], version: version)
        try other.handshake()
        #expect(other.client.applicationProtocol == "http/1.1")
    }

    @Test(arguments: versions)
    func theOnlyCommonProtocolIsChosen(version: TLSVersion) throws {
        let pair = try pair(client: ["spdy/3", "http/1.1"], server: ["h2", "http/1.1"], version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "http/1.1")
        #expect(pair.server.info?.applicationProtocol == "http/1.1")
    }

    @Test(arguments: versions)
    func noOverlapProceedsWithoutALPNByDefault(version: TLSVersion) throws {
        let pair = try pair(client: ["spdy/3"], server: ["h2", "http/1.1"], version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == nil)
        #expect(pair.server.applicationProtocol == nil)
        #expect(pair.client.info?.applicationProtocol == nil)
    }

    @Test(arguments: versions)
    func aStrictServerRefusesWithNoApplicationProtocol(version: TLSVersion) throws {
        let pair = try pair(client: ["spdy/3", "http/1.0"], server: ["h2", "http/1.1"], serverStrict: true, version: version)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        let server = try #require(failure.server)
        #expect(server.kind == "no-common-application-protocol")
        #expect(server.libraryError?.name == "GNUTLS_E_NO_APPLICATION_PROTOCOL")
        #expect(server.description == "no common application protocol (ALPN): the client offered spdy/3, http/1.0; "
            + "this server accepts h2, http/1.1 and requires one [GNUTLS_E_NO_APPLICATION_PROTOCOL]")
        guard case let .noCommonApplicationProtocol(_, _, sent) = server else { Issue.record("\(server)"); return }
        #expect(sent?.code == 120)
        // The client hears the alert RFC 7301 section 3.2 names.
        let client = try #require(failure.client)
        #expect(client.kind == "no-common-application-protocol")
        guard case let .noCommonApplicationProtocol(_, _, received) = client else { Issue.record("\(client)"); return }
        #expect(received?.code == 120)
        #expect(received?.name == "GNUTLS_A_NO_APPLICATION_PROTOCOL")
        #expect(client.description.hasPrefix("no common application protocol (ALPN): this side offered spdy/3, http/1.0; "
            + "the server accepts none of them and refused the handshake"))
        #expect(client.libraryError?.name == "GNUTLS_E_FATAL_ALERT_RECEIVED")
    }

    @Test(arguments: versions)
    func aStrictServerStillAgreesWhenThereIsOverlap(version: TLSVersion) throws {
        let pair = try pair(client: ["spdy/3", "http/1.1"], server: ["h2", "http/1.1"], serverStrict: true, version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "http/1.1")
    }

    @Test(arguments: versions)
    func aStrictServerServesAClientWithoutALPN(version: TLSVersion) throws {
        let pair = try pair(client: [], server: ["h2"], serverStrict: true, version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == nil)
        #expect(pair.server.applicationProtocol == nil)
    }

    @Test(arguments: versions)
    func aServerWithoutALPNIgnoresTheOffer(version: TLSVersion) throws {
        let pair = try pair(client: ["h2", "http/1.1"], server: [], version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == nil)
        #expect(pair.server.info?.applicationProtocol == nil)
    }

    @Test(arguments: versions)
    func aStrictClientRefusesAServerWithoutALPN(version: TLSVersion) throws {
        let pair = try pair(client: ["h2"], server: [], clientStrict: true, version: version)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        let client = try #require(failure.client)
        #expect(client.kind == "no-common-application-protocol")
        #expect(client.description == "no common application protocol (ALPN): this side offered h2 and requires one; "
            + "the server agreed to none (it answered without ALPN)")
        // Asking again does not start the handshake over.
        #expect(throws: client) { try pair.client.handshake() }
        #expect(!pair.client.isHandshakeComplete)
        // The server's handshake completed; the client's alert ends the connection there.
        pair.transfer()
        #expect(pair.server.isHandshakeComplete)
        let error = try #require(throws: TLSError.self) { _ = try pair.server.read(maximum: 100) }
        guard case let .alertReceived(alert, _) = error else { Issue.record("\(error)"); return }
        #expect(alert.code == 120)
    }

    @Test(arguments: versions)
    func aStrictClientAcceptsAnAgreedProtocol(version: TLSVersion) throws {
        let pair = try pair(client: ["h2", "http/1.1"], server: ["http/1.1"], clientStrict: true, version: version)
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "http/1.1")
    }

    @Test(arguments: versions)
    func aResumedSessionNegotiatesAgain(version: TLSVersion) throws {
        let client = try context(.client, ["h2", "http/1.1"], version: version)
        let server = try context(.server, ["h2", "http/1.1"], version: version)
        let first = try TLSSessionPair(client: client, server: server)
        try first.handshake()
        try first.server.write("x")
        _ = try first.deliver(from: first.server, to: first.client)
        let ticket = try #require(first.client.resumptionTicket)
        let second = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try second.handshake()
        #expect(second.client.isResumed)
        #expect(second.client.applicationProtocol == "h2")
        #expect(second.server.applicationProtocol == "h2")
    }

    @Test(arguments: versions)
    func theTraceShowsTheOfferAndTheChoice(version: TLSVersion) throws {
        let pair = try pair(client: ["h2", "http/1.1"], server: ["http/1.1", "h2"], version: version)
        var client: [TLSTraceEvent] = []
        var server: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        pair.server.traceHandler = { server.append($0) }
        try pair.handshake()
        for events in [client, server] {
            let hello = try #require(events.first { $0.message == "ClientHello" })
            #expect(hello.details.hasSuffix(", SNI localhost, ALPN h2 http/1.1"), "\(hello.details)")
            let choice = version == .tlsv1_3 ? "EncryptedExtensions" : "ServerHello"
            let answer = try #require(events.first { $0.message == choice })
            #expect(answer.details.hasSuffix("ALPN http/1.1"), "\(answer.details)")
        }
    }

    @Test(arguments: versions)
    func theTraceShowsNoChoiceWhenNoneWasMade(version: TLSVersion) throws {
        let pair = try pair(client: ["h2"], server: ["http/1.1"], version: version)
        var client: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        try pair.handshake()
        #expect(client.first?.details.hasSuffix("ALPN h2") == true)
        #expect(!client.dropFirst().contains { $0.details.contains("ALPN") })
    }

    @Test func namesAreCheckedWhenTheContextIsMade() throws {
        func refusal(_ names: [String]) -> String? {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.applicationProtocols = names
            do {
                _ = try GnuTLS().makeContext(configuration: configuration)
                return nil
            } catch {
                #expect(error.kind == "invalid-configuration")
                return error.description
            }
        }
        #expect(refusal(["h2", ""]) == "invalid configuration: application protocol 2 of 2 is empty; ALPN names are 1 to 255 bytes")
        #expect(refusal(["h2", "h2"]) == "invalid configuration: application protocol 'h2' is listed twice")
        #expect(refusal([String(repeating: "a", count: 256)])?.hasSuffix("is 256 bytes long; ALPN allows at most 255") == true)
        #expect(refusal(Array(repeating: "", count: 0)) == nil)
        // Within RFC 7301 but beyond what GnuTLS 3.7 keeps.
        #expect(refusal((1...9).map { "p\($0)" }) == "invalid configuration: 9 application protocols given; GnuTLS accepts at most 8")
        #expect(refusal([String(repeating: "b", count: 32)])
            == "invalid configuration: application protocol '\(String(repeating: "b", count: 32))' is 32 bytes long; GnuTLS accepts at most 31")
        #expect(refusal((1...8).map { "p\($0)" } ) == nil)
        #expect(refusal([String(repeating: "c", count: 31)]) == nil)
        // A name's control characters are escaped in the sentence.
        #expect(refusal(["a\u{1b}[2J", "a\u{1b}[2J"]) == "invalid configuration: application protocol 'a\\u{1b}[2J' is listed twice")
    }

    @Test func theWholeListMustFitTheExtension() {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = (0..<300).map { number in
            let digits = String(number)
            return String(repeating: "0", count: 3 - digits.count) + digits + String(repeating: "x", count: 252)
        }
        #expect(throws: TLSError.invalidConfiguration(
            "the application protocols take 76800 bytes encoded; the ALPN extension holds at most 65533")) {
            try configuration.validate()
        }
        configuration.applicationProtocols.removeLast(45)
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test func thePlaintextBackendAgreesOnNothing() throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["h2"]
        let session = try PlaintextBackend().makeContext(configuration: configuration).makeSession(peerName: nil)
        #expect(session.applicationProtocol == nil)
        #expect(session.info?.applicationProtocol == nil)
    }
}
