import GnuTLSBackend
import SecureSockets
import Testing

/// Client certificates on a server with several identities: whichever pair serves (chosen by the
/// client's server name, each name with credentials of its own), the server asks for the client's
/// certificate and verifies it against the same client trust roots, and refuses a stranger with
/// the same alert.
@Suite struct ServerIdentityClientAuthenticationTests {
    typealias Clients = ClientAuthenticationTests.Clients

    /// RSA for rsa.test, ECDSA for ec.test (both carry localhost), requiring a client certificate.
    static func server(version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(identities: [
            ServerIdentityTests.identity(ServerIdentityTests.rsa, "rsa"),
            ServerIdentityTests.identity(ServerIdentityTests.ecdsa, "ecdsa"),
        ])
        configuration.versions = .exactly(version)
        configuration.clientAuthentication = .require
        configuration.clientTrustRoots = .pem(Clients.authority.certificatePEM, label: "client-ca.pem")
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A client that trusts both server certificates and presents `certificate`.
    static func client(_ certificate: GeneratedCertificate, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = .exactly(version)
        configuration.trustRoots = .pem(ServerIdentityTests.rsa.certificatePEM + ServerIdentityTests.ecdsa.certificatePEM,
                                        label: "trust.pem")
        configuration.certificateChain = .pem(certificate.certificatePEM, label: "client.pem")
        configuration.privateKey = .pem(certificate.privateKeyPEM, label: "client.key")
        return try GnuTLS().makeContext(configuration: configuration)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let version: TLSVersion
        let serverName: String
        /// The subject of the certificate that must serve; nil when either may (both carry the name).
        let served: String?
        var testDescription: String { "\(version.displayName) SNI \(serverName) → \(served ?? "either")" }
    }

    static let cases: [Case] = [TLSVersion.tlsv1_2, .tlsv1_3].flatMap { version in [
        Case(version: version, serverName: "rsa.test", served: "CN=rsa.test"),
        Case(version: version, serverName: "ec.test", served: "CN=ec.test"),
        Case(version: version, serverName: "localhost", served: nil),
    ] }

    @Test(arguments: cases)
    func theClientIsVerifiedWhicheverIdentityServes(_ test: Case) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.rsa, version: test.version),
                                      server: Self.server(version: test.version), serverName: test.serverName)
        try pair.handshake()
        let server = try #require(pair.server.info)
        let client = try #require(pair.client.info)
        let served = try #require(server.localCertificate)
        if let expected = test.served { #expect(served.subject == expected) }
        #expect(client.peerCertificates.first?.sha256Fingerprint == served.sha256Fingerprint)
        #expect(server.verification == "client certificate verified (chain and TLS client authentication)")
        #expect(server.peerCertificates.map(\.subject) == ["CN=alice,O=tlshello tests"])
        #expect(server.clientCertificateRequested && client.clientCertificateRequested)
        #expect(client.localCertificate?.sha256Fingerprint == Clients.rsa.info.sha256Fingerprint)
        try pair.client.write("Hola soy tu cliente")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
    }

    @Test(arguments: cases)
    func aStrangerIsRefusedWhicheverIdentityServes(_ test: Case) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.stranger, version: test.version),
                                      server: Self.server(version: test.version), serverName: test.serverName)
        var client: TLSError?
        var server: TLSError?
        do { try pair.handshake() } catch {
            client = error.client
            server = error.server
        }
        if client == nil {
            // TLS 1.3: the refusal reaches the client after its own handshake ended.
            pair.transfer()
            do { _ = try pair.client.read(maximum: 1024) } catch { client = error }
        }
        #expect(server?.kind == "verification-failed", "\(String(describing: server))")
        #expect(client?.description.contains("(unknown_ca)") == true, "\(String(describing: client))")
    }
}
