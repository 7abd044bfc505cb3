#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets
import Testing

/// Client certificates (mutual TLS) between two in-memory sessions: a server that requests or
/// requires one verifies it against its client trust roots and reports it; each refusal is said
/// in words on the side that refuses and reaches the other side as the alert that names it.
@Suite struct ClientAuthenticationTests {
    /// Certificates made once: a client CA, the clients it issued, and some it did not.
    enum Clients {
        static let authority = make(CertificateRequest(subject: "CN=tlshello client CA,O=tlshello tests", subjectAltNames: [], isCA: true))
        static let otherAuthority = make(CertificateRequest(subject: "CN=another client CA", subjectAltNames: [], isCA: true))
        static let rsa = make(CertificateRequest(subject: "CN=alice,O=tlshello tests", subjectAltNames: []), by: authority)
        static let ecdsa = make(CertificateRequest(subject: "CN=bob,O=tlshello tests", subjectAltNames: [], keyType: .ecdsaP256), by: authority)
        static let ed25519 = make(CertificateRequest(subject: "CN=carol,O=tlshello tests", subjectAltNames: [], keyType: .ed25519), by: authority)
        static let stranger = make(CertificateRequest(subject: "CN=mallory", subjectAltNames: []), by: otherAuthority)
        static let expired = make(CertificateRequest(
            subject: "CN=dave,O=expired", subjectAltNames: [],
            notBefore: Date(timeIntervalSince1970: 1_500_000_000), notAfter: Date(timeIntervalSince1970: 1_600_000_000)), by: authority)
        static let noSignature: GeneratedCertificate = {
            var request = CertificateRequest(subject: "CN=frank,O=no signature", subjectAltNames: [])
            request.withoutDigitalSignature = true
            return make(request, by: authority)
        }()
        static let serverOnly: GeneratedCertificate = {
            var request = CertificateRequest(subject: "CN=erin,O=server only", subjectAltNames: [])
            request.extendedKeyUsage = [.tlsServer]
            return make(request, by: authority)
        }()

        static func make(_ request: CertificateRequest, by issuer: GeneratedCertificate? = nil) -> GeneratedCertificate {
            do {
                return try issuer.map { try CertificateGenerator.generate(request, signedBy: $0) } ?? CertificateGenerator.generate(request)
            } catch {
                fatalError("fixture generation failed: \(error)")
            }
        }
    }

    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

    /// A server context that asks for client certificates issued by `authority`.
    static func server(_ mode: TLSConfiguration.ClientAuthentication, trusting authority: GeneratedCertificate = Clients.authority,
                       version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.versions = .exactly(version)
        configuration.clientAuthentication = mode
        configuration.clientTrustRoots = .pem(authority.certificatePEM, label: "client-ca.pem")
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A client context presenting `certificate` (none for nil), its chain ending with `chainExtra`.
    static func client(_ certificate: GeneratedCertificate?, chainExtra: [GeneratedCertificate] = [], keyPEM: String? = nil,
                       passphrase: String? = nil, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = .exactly(version)
        configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        if let certificate {
            configuration.certificateChain = .pem(([certificate] + chainExtra).map(\.certificatePEM).joined(), label: "client.pem")
            configuration.privateKey = .pem(keyPEM ?? certificate.privateKeyPEM, label: "client.key", passphrase: passphrase)
        }
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// Runs the handshake and the client's first read, the way a client meets a refusal that
    /// comes after its own handshake ended (TLS 1.3); returns both sides' errors.
    static func refusal(_ pair: TLSSessionPair) throws -> (client: TLSError, server: TLSError) {
        var client: TLSError?
        var server: TLSError?
        do { try pair.handshake() } catch {
            client = error.client
            server = error.server
        }
        if client == nil {
            pair.transfer()
            do { _ = try pair.client.read(maximum: 1024) } catch { client = error }
        }
        return (try #require(client, "the client did not fail"), try #require(server, "the server did not fail"))
    }

    @Test(arguments: versions)
    func requiredCertificateIsVerifiedAndReported(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.rsa, version: version),
                                      server: Self.server(.require, version: version))
        try pair.handshake()
        let server = try #require(pair.server.info)
        #expect(server.verification == "client certificate verified (chain and TLS client authentication)")
        #expect(server.peerCertificates.map(\.subject) == ["CN=alice,O=tlshello tests"])
        #expect(server.peerCertificates.first?.sha256Fingerprint == Clients.rsa.info.sha256Fingerprint)
        #expect(pair.client.info?.verification == "verified (chain and name localhost)")
        try pair.client.write("Hola soy tu cliente")
        #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
    }

    @Test(arguments: versions)
    func everyKeyTypeAndAnEncryptedKeyWithItsChainIsPresented(version: TLSVersion) throws {
        let encrypted = try Clients.ecdsa.privateKeyPEM(encryptedWith: "s3cret")
        let cases: [(GeneratedCertificate, [GeneratedCertificate], String?, String?)] = [
            (Clients.rsa, [Clients.authority], nil, nil),
            (Clients.ecdsa, [], encrypted, "s3cret"),
            (Clients.ed25519, [], nil, nil),
        ]
        for (certificate, extra, key, passphrase) in cases {
            let pair = try TLSSessionPair(client: Self.client(certificate, chainExtra: extra, keyPEM: key, passphrase: passphrase, version: version),
                                          server: Self.server(.require, version: version))
            try pair.handshake()
            let chain = try #require(pair.server.info?.peerCertificates)
            #expect(chain.map(\.subject) == ([certificate] + extra).map(\.info.subject))
            #expect(chain.first?.publicKey == certificate.info.publicKey)
        }
    }

    @Test(arguments: versions)
    func requestServesAClientWithoutACertificate(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(nil, version: version), server: Self.server(.request, version: version))
        try pair.handshake()
        #expect(pair.server.info?.verification == "client certificate requested, none sent")
        #expect(pair.server.info?.peerCertificates == [])
        let presenting = try TLSSessionPair(client: Self.client(Clients.ecdsa, version: version), server: Self.server(.request, version: version))
        try presenting.handshake()
        #expect(presenting.server.info?.verification == "client certificate verified (chain and TLS client authentication)")
        #expect(presenting.server.info?.peerCertificates.first?.subject == "CN=bob,O=tlshello tests")
    }

    @Test(arguments: versions)
    func requestStillRefusesACertificateThatFails(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.stranger, version: version), server: Self.server(.request, version: version))
        let (client, server) = try Self.refusal(pair)
        #expect(server.kind == "verification-failed")
        #expect(client.description.contains("(unknown_ca)"))
    }

    @Test(arguments: versions)
    func requireRefusesAClientWithoutACertificate(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(nil, version: version), server: Self.server(.require, version: version))
        let (client, server) = try Self.refusal(pair)
        let alert = version == .tlsv1_3 ? "certificate_required" : "handshake_failure"
        #expect(server.description.hasPrefix("handshake failed: the client sent no certificate, and this server requires one ["))
        guard case let .handshakeFailed(_, _, sent) = server else { Issue.record("\(server)"); return }
        #expect(sent.map { TLSWire.alertName($0.code) } == alert)
        #expect(client.description.hasPrefix("handshake failed: the server requires a client certificate and this side has none to send; it answered \(alert) ["))
    }

    @Test(arguments: versions)
    func unknownIssuerIsRefusedWithUnknownCA(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.stranger, version: version), server: Self.server(.require, version: version))
        let (client, server) = try Self.refusal(pair)
        guard case let .verificationFailed(details) = server else { Issue.record("\(server)"); return }
        #expect(details.peer == .client)
        #expect(details.certificate?.subject == "CN=mallory")
        #expect(server.description == "client certificate verification failed: unknown issuer CN=another client CA (certificate SHA-256 \(Clients.stranger.info.sha256Fingerprint)): no trusted client certificate authority issued it")
        #expect(client.description.hasPrefix("handshake failed: the server refused this side's certificate CN=mallory: it does not trust the certificate's issuer (unknown_ca) ["))
    }

    @Test(arguments: versions)
    func expiredCertificateIsRefusedWithCertificateExpired(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.expired, version: version), server: Self.server(.require, version: version))
        let (client, server) = try Self.refusal(pair)
        #expect(server.description == "client certificate verification failed: certificate expired on 2020-09-13 12:26:40 UTC")
        #expect(client.description.hasPrefix("handshake failed: the server refused this side's certificate CN=dave: it finds the certificate expired or not yet valid (certificate_expired) ["))
    }

    @Test(arguments: versions)
    func serverOnlyCertificateIsRefusedWithUnsupportedCertificate(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.serverOnly, version: version), server: Self.server(.require, version: version))
        let (client, server) = try Self.refusal(pair)
        #expect(server.description == "client certificate verification failed: the certificate is for TLS server authentication only, not for TLS client authentication")
        #expect(client.description.hasPrefix("handshake failed: the server refused this side's certificate CN=erin: the certificate is not for TLS client authentication, or of a kind it does not take (unsupported_certificate) ["))
    }

    /// A resumed session carries the client's identity from its first handshake, which verified it.
    @Test(arguments: versions)
    func resumedSessionKeepsTheVerifiedClient(version: TLSVersion) throws {
        let server = try Self.server(.require, version: version)
        let client = try Self.client(Clients.ecdsa, version: version)
        let first = try TLSSessionPair(client: client, server: server)
        try first.handshake()
        try first.server.write("Hola soy tu servidor....")
        _ = try first.deliver(from: first.server, to: first.client)
        let ticket = try #require(first.client.resumptionTicket)

        let second = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try second.handshake()
        let info = try #require(second.server.info)
        #expect(info.resumed)
        #expect(info.peerCertificates.map(\.subject) == ["CN=bob,O=tlshello tests"])
        #expect(info.verification == "client certificate verified (chain and TLS client authentication)")
        #expect(info.clientCertificateRequested == false)
        #expect(second.client.info?.localCertificate == nil)
    }

    @Test func certificateThatMayNotSignIsNamedWhenTheContextIsMadeAndWhenItFails() throws {
        let problem = "certificate client.pem may not sign (its key usage lacks digitalSignature), so it cannot authenticate a TLS client"
        let client = try Self.client(Clients.noSignature, version: .tlsv1_2)
        #expect(client.warnings == [problem])
        #expect(try Self.client(Clients.rsa, version: .tlsv1_2).warnings.isEmpty)
        let pair = try TLSSessionPair(client: client, server: Self.server(.require, version: .tlsv1_2))
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(failure.client?.description == "handshake failed: \(problem) [GNUTLS_E_KEY_USAGE_VIOLATION]")
    }

    @Test func configurationRulesAreChecked() throws {
        var server = TLSConfiguration.makeServerConfiguration(certificateChain: .file("c.pem"), privateKey: .file("k.pem"))
        server.clientAuthentication = .require
        #expect(throws: TLSError.invalidConfiguration("a server that asks for client certificates needs clientTrustRoots to verify them")) {
            try server.validate()
        }
        server.clientAuthentication = .none
        server.clientTrustRoots = .file("ca.pem")
        #expect(throws: TLSError.invalidConfiguration("clientTrustRoots has no use while clientAuthentication is none")) {
            try server.validate()
        }
        var client = TLSConfiguration.makeClientConfiguration()
        client.clientAuthentication = .request
        #expect(throws: TLSError.invalidConfiguration("clientAuthentication and clientTrustRoots are for servers; a client presents certificateChain and privateKey")) {
            try client.validate()
        }
    }

    @Test func clientTrustRootsThatHoldNoCertificateFailWhenTheContextIsMade() throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.clientAuthentication = .require
        configuration.clientTrustRoots = .pem("not a certificate", label: "client-ca.pem")
        #expect(throws: TLSError.trustStore(source: "client-ca.pem", reason: "no PEM certificate found in the file", library: nil)) {
            try GnuTLS().makeContext(configuration: configuration)
        }
    }

    // MARK: Trace

    @Test(arguments: versions)
    func traceShowsTheRequestAndTheClientsCertificateAndSignature(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.ecdsa, version: version), server: Self.server(.require, version: version))
        var client: [TLSTraceEvent] = []
        var server: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        pair.server.traceHandler = { server.append($0) }
        try pair.handshake()
        let request = try #require(client.first { $0.message == "CertificateRequest" })
        #expect(request.direction == .received)
        #expect(request.details.hasPrefix("signatures "))
        #expect(request.details.hasSuffix(", CA CN=tlshello client CA,O=tlshello tests"))
        #expect(server.first { $0.message == "CertificateRequest" }?.details == request.details)
        let names = client.map { "\($0.direction.arrow) \($0.message)" }
        let serverFinished = try #require(names.firstIndex(of: "← Finished"))
        let certificate = try #require(names.lastIndex(of: "→ Certificate"))
        let verify = try #require(names.lastIndex(of: "→ CertificateVerify"))
        // TLS 1.3: the client's flight follows the server's Finished; TLS 1.2: it precedes the client's key exchange... and Finished.
        if version == .tlsv1_3 {
            #expect(serverFinished < certificate && certificate < verify)
        } else {
            let keyExchange = try #require(names.firstIndex(of: "→ ClientKeyExchange"))
            #expect(certificate < keyExchange && keyExchange < verify)
        }
        #expect(client[certificate].details.hasPrefix("CN=bob (ECDSA SECP256R1"))
        #expect(client[verify].details == "signed ecdsa_secp256r1_sha256")
        #expect(server.contains { $0.direction == .received && $0.message == "Certificate" && $0.details.hasPrefix("CN=bob (ECDSA SECP256R1") })
        #expect(server.contains { $0.direction == .received && $0.message == "CertificateVerify" && $0.details == "signed ecdsa_secp256r1_sha256" })
    }

    /// TLS 1.0 and 1.1: the CertificateRequest lists no signature schemes, only the CA names.
    @Test(arguments: [TLSVersion.tlsv1_0, .tlsv1_1])
    func olderVersionsRequestAndVerifyToo(version: TLSVersion) throws {
        let pair = try TLSSessionPair(client: Self.client(Clients.rsa, version: version), server: Self.server(.require, version: version))
        var client: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        try pair.handshake()
        #expect(pair.server.info?.peerCertificates.first?.subject == "CN=alice,O=tlshello tests")
        let request = try #require(client.first { $0.message == "CertificateRequest" })
        #expect(request.details == "CA CN=tlshello client CA,O=tlshello tests")
        #expect(client.contains { $0.direction == .sent && $0.message == "CertificateVerify" })
    }

    @Test func traceShowsAnEmptyCertificateWhenTheClientHasNone() throws {
        let pair = try TLSSessionPair(client: Self.client(nil, version: .tlsv1_3), server: Self.server(.request, version: .tlsv1_3))
        var client: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        try pair.handshake()
        #expect(client.contains { $0.direction == .sent && $0.message == "Certificate" && $0.details == "empty (no certificate)" })
        #expect(!client.contains { $0.message == "CertificateVerify" && $0.direction == .sent })
    }
}
