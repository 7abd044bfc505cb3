#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import TestSupport
import Testing

/// ALPN, client certificates, resumption, the key log and credentials on the OpenSSL backend,
/// against itself and against GnuTLS.
@Suite struct OpenSSLFeatureTests {
    static let pairs: [(Backend, Backend)] = [(.openssl, .openssl), (.gnutls, .openssl), (.openssl, .gnutls)]

    @Test(arguments: pairs)
    func applicationProtocolIsTheOneBothList(backends: (Backend, Backend)) throws {
        var client = Fixtures.clientConfiguration()
        client.applicationProtocols = ["h2", "http/1.1"]
        var server = Fixtures.serverConfiguration()
        server.applicationProtocols = ["http/1.1"]
        let pair = try TLSSessionPair(client: backends.0.backend.makeContext(configuration: client),
                                      server: backends.1.backend.makeContext(configuration: server))
        try pair.handshake()
        #expect(pair.client.applicationProtocol == "http/1.1")
        #expect(pair.server.applicationProtocol == "http/1.1")
        #expect(pair.client.info?.applicationProtocol == "http/1.1")
    }

    @Test(arguments: pairs)
    func noCommonProtocolIsServedWithoutALPNUnlessRequired(backends: (Backend, Backend)) throws {
        var client = Fixtures.clientConfiguration()
        client.applicationProtocols = ["h2"]
        var server = Fixtures.serverConfiguration()
        server.applicationProtocols = ["http/1.1"]
        let relaxed = try TLSSessionPair(client: backends.0.backend.makeContext(configuration: client),
                                         server: backends.1.backend.makeContext(configuration: server))
        try relaxed.handshake()
        #expect(relaxed.client.applicationProtocol == nil)
        #expect(relaxed.server.applicationProtocol == nil)

        server.requiresApplicationProtocol = true
        let strict = try TLSSessionPair(client: backends.0.backend.makeContext(configuration: client),
                                        server: backends.1.backend.makeContext(configuration: server))
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try strict.handshake() }
        #expect(failure.server?.kind == "no-common-application-protocol")
        #expect(failure.client?.kind == "no-common-application-protocol")
    }

    @Test(arguments: pairs)
    func requiredClientCertificateIsVerified(backends: (Backend, Backend)) throws {
        let clientIdentity = Fixtures.make(CertificateRequest(subject: "CN=client one", subjectAltNames: ["client.invalid"]))
        var client = Fixtures.clientConfiguration()
        client.certificateChain = .pem(clientIdentity.certificatePEM, label: "client.pem")
        client.privateKey = .pem(clientIdentity.privateKeyPEM, label: "client.key")
        var server = Fixtures.serverConfiguration()
        server.clientAuthentication = .require
        server.clientTrustRoots = .pem(clientIdentity.certificatePEM, label: "clients.pem")
        let pair = try TLSSessionPair(client: backends.0.backend.makeContext(configuration: client),
                                      server: backends.1.backend.makeContext(configuration: server))
        try pair.handshake()
        try pair.client.write("hello")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("hello".utf8))
        let info = try #require(pair.server.info)
        #expect(info.peerCertificates.first?.subject == "CN=client one")
        #expect(info.verification == "client certificate verified (chain and TLS client authentication)")
        #expect(pair.client.info?.clientCertificateRequested == true)
    }

    @Test(arguments: pairs)
    func missingClientCertificateFailsWhenRequired(backends: (Backend, Backend)) throws {
        let clientAuthority = Fixtures.make(CertificateRequest(subject: "CN=client authority", subjectAltNames: ["ca.invalid"]))
        var server = Fixtures.serverConfiguration()
        server.clientAuthentication = .require
        server.clientTrustRoots = .pem(clientAuthority.certificatePEM, label: "clients.pem")
        let pair = try TLSSessionPair(client: backends.0.backend.makeContext(configuration: Fixtures.clientConfiguration()),
                                      server: backends.1.backend.makeContext(configuration: server))
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(failure.server?.description.contains("the client sent no certificate, and this server requires one") == true)
        // In TLS 1.3 the client's handshake is over before the server's verdict: it hears the alert next.
        pair.transfer()
        let error = try #require(throws: TLSError.self) { _ = try pair.client.read(maximum: 100) }
        #expect(error.kind == "handshake-failed")
        #expect(error.description.contains("the server requires a client certificate and this side has none to send; it answered certificate_required"))
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3], [Backend.openssl])
    func ticketResumesTheSession(version: TLSVersion, server backend: Backend) throws {
        let client = try OpenSSL().makeContext(configuration: Fixtures.clientConfiguration(versions: .exactly(version)))
        let server = try backend.backend.makeContext(configuration: Fixtures.serverConfiguration(versions: .exactly(version)))
        let first = try TLSSessionPair(client: client, server: server)
        try first.handshake()
        // In TLS 1.3 the ticket follows the handshake: the client reads it with the first data.
        try first.server.write("ticket")
        #expect(try first.deliver(from: first.server, to: first.client) == Array("ticket".utf8))
        let ticket = try #require(first.client.resumptionTicket)
        #expect(first.client.isResumed == false)

        let second = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try second.handshake()
        #expect(second.client.isResumed)
        #expect(second.server.isResumed)
        #expect(second.client.info?.resumed == true)
    }

    @Test func keyLogHoldsTheSessionSecrets() throws {
        let directory = try TemporaryDirectory()
        var client = Fixtures.clientConfiguration()
        client.keyLog = try KeyLogFile(path: directory.file("keys.log"))
        let pair = try TLSSessionPair(client: OpenSSL().makeContext(configuration: client),
                                      server: OpenSSL().makeContext(configuration: Fixtures.serverConfiguration()))
        try pair.handshake()
        let bytes = try #require(try? FileContents.read(directory.file("keys.log")).get())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(KeyLogFile.looksLikeKeyLog(bytes))
        for label in ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                      "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"] {
            #expect(text.contains(label + " "))
        }
    }

    @Test func encryptedKeyLoadsWithItsPassphraseOnly() throws {
        let encrypted = try Fixtures.server.privateKeyPEM(encryptedWith: "s3cret")
        var configuration = Fixtures.serverConfiguration()
        configuration.privateKey = .pem(encrypted, label: "server.key", passphrase: "s3cret")
        let context = try OpenSSL().makeContext(configuration: configuration)
        #expect(context.localCertificate?.sha256Fingerprint == Fixtures.server.info.sha256Fingerprint)

        configuration.privateKey = .pem(encrypted, label: "server.key", passphrase: "wrong")
        let wrong = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(wrong.kind == "wrong-passphrase")
        configuration.privateKey = .pem(encrypted, label: "server.key")
        let missing = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(missing.kind == "wrong-passphrase")
    }

    @Test func keyOfAnotherCertificateIsAMismatch() throws {
        var configuration = Fixtures.serverConfiguration()
        configuration.privateKey = .pem(Fixtures.other.privateKeyPEM, label: "other.key")
        let error = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(error.kind == "key-mismatch")
    }

    @Test func missingCertificateFileIsNamed() throws {
        var configuration = Fixtures.serverConfiguration()
        configuration.certificateChain = .file("/nonexistent/server.pem")
        let error = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(error.kind == "certificate-file")
        #expect(error.description.contains("/nonexistent/server.pem"))
    }

    @Test func versionTableSetsSecurityLevelZeroOnlyForDeprecatedVersions() {
        #expect(OpenSSL().describe(.exactly(.tlsv1_0)).contains("@SECLEVEL=0"))
        #expect(OpenSSL().describe(.range(minimum: .tlsv1_1, maximum: .tlsv1_3)).contains("@SECLEVEL=0"))
        #expect(!OpenSSL().describe(.exactly(.tlsv1_2)).contains("SECLEVEL"))
        #expect(!OpenSSL().describe(.secureDefault).contains("SECLEVEL"))
    }
}
#endif
