import GnuTLSBackend
import SecureSockets
import Testing

/// A server name (configured, or the host connected to) is a host name of at most 255 bytes or an
/// IP address; anything else is refused with ``TLSError/invalidServerName(name:reason:)`` before
/// GnuTLS sees it.
@Suite struct ServerNameTests {
    static let tooLong = String(repeating: "a", count: 300)
    /// Four labels of 63 bytes: 255 bytes, the longest name allowed.
    static let longest = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")

    static let refused: [(name: String, reason: String)] = [
        (tooLong, "it is 300 bytes long; RFC 6066 allows at most 255"),
        (longest + ".", "it is 256 bytes long; RFC 6066 allows at most 255"),
        ("", "it is empty"),
        ("a b", "a space cannot be part of a host name"),
        ("_", "'_' cannot be part of a host name"),
        ("_.example", "'_' cannot be part of a host name"),
        ("foo_bar.example", "'_' cannot be part of a host name"),
        ("a..b", "it has an empty label"),
        (".example", "it has an empty label"),
        ("-a.example", "its label '-a' starts or ends with a hyphen"),
        ("a-.example", "its label 'a-' starts or ends with a hyphen"),
        (String(repeating: "b", count: 64) + ".example", "is 64 bytes long; DNS allows at most 63"),
        ("bücher.example", "'ü' (U+00FC) cannot be part of a host name"),
        ("a\nb", "the control character U+000A cannot be part of a host name"),
        ("[::1]", "'[' cannot be part of a host name"),
        ("localhost:443", "':' cannot be part of a host name"),
    ]

    static let accepted = [
        "localhost", "localhost.", "a-b.example", "xn--bcher-kva.example", "1.example", longest,
        "127.0.0.1", "::1", "2001:db8::1",
    ]

    @Test(arguments: refused.indices)
    func configurationRefusesTheName(index: Int) throws {
        let (name, reason) = Self.refused[index]
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.serverName = name
        let error = #expect(throws: TLSError.self) { try configuration.validate() }
        guard case let .invalidServerName(refusedName, sentence) = error else {
            Issue.record("expected invalidServerName, got \(String(describing: error))")
            return
        }
        #expect(refusedName == name)
        #expect(sentence.contains(reason), "\(sentence)")
        #expect(error?.kind == "invalid-server-name")
        // The context refuses it too, before loading anything.
        let contextError = #expect(throws: TLSError.self) { try GnuTLS().makeContext(configuration: configuration) }
        #expect(contextError == error)
    }

    @Test(arguments: accepted)
    func configurationAcceptsTheName(name: String) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.serverName = name
        try configuration.validate()
    }

    @Test func sentenceShowsTheStartOfALongNameAndItsLength() {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.serverName = Self.tooLong
        let error = #expect(throws: TLSError.self) { try configuration.validate() }
        #expect(error?.description == "invalid server name '\(String(repeating: "a", count: 32))…': it is 300 bytes long; RFC 6066 allows at most 255")
    }

    @Test func controlCharactersAreEscapedInTheSentence() {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.serverName = "a\u{1b}[2Jb"
        let error = #expect(throws: TLSError.self) { try configuration.validate() }
        #expect(error?.description.contains("'a\\u{1b}[2Jb'") == true)
        #expect(error?.description.contains("\u{1b}") == false)
    }

    @Test(arguments: refused.indices)
    func sessionRefusesThePeerName(index: Int) throws {
        let (name, reason) = Self.refused[index]
        let context = try Fixtures.clientContext()
        let error = #expect(throws: TLSError.self) { try context.makeSession(peerName: name) }
        guard case let .invalidServerName(_, sentence) = error else {
            Issue.record("expected invalidServerName, got \(String(describing: error))")
            return
        }
        #expect(sentence.contains(reason), "\(sentence)")
    }

    @Test func aConfiguredServerNameMakesThePeerNameIrrelevant() throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.serverName = "localhost"
        configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        let client = try GnuTLS().makeContext(configuration: configuration)
        let pair = try TLSSessionPair(client: client, server: Fixtures.serverContext(), serverName: "not_a_host_name")
        try pair.handshake()
        #expect(pair.server.info?.serverName == "localhost")
    }

    @Test func longestNameIsSentAsSNI() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(verification: .none), server: Fixtures.serverContext(),
                                      serverName: Self.longest)
        try pair.handshake()
        #expect(pair.server.info?.serverName == Self.longest)
    }

    @Test func anIPAddressIsCheckedButNotSentAsSNI() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext(), serverName: "127.0.0.1")
        try pair.handshake()
        #expect(pair.server.info?.serverName == nil)
        #expect(pair.client.info?.verification.contains("127.0.0.1") == true)
    }

    @Test func socketRefusesTheHostBeforeConnecting() throws {
        // A name that cannot resolve would otherwise fail as host-not-found, after a DNS query.
        let error = #expect(throws: TLSError.self) {
            try TLSSocket.connect(host: "no_such_host.invalid", port: 1, context: Fixtures.clientContext())
        }
        #expect(error?.kind == "invalid-server-name")
    }
}
