import GnuTLSBackend
import SecureSockets
import Testing

/// A client that verifies says why a certificate is refused, in words, and the server hears it.
@Suite struct VerificationTests {
    private func failure(serving certificate: GeneratedCertificate, trusting trust: GeneratedCertificate,
                         name: String = "localhost") throws -> (client: TLSError, server: TLSError?) {
        var client = TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .pem(trust.certificatePEM, label: "trust.pem")
        let pair = try TLSSessionPair(client: GnuTLS().makeContext(configuration: client),
                                      server: Fixtures.serverContext(certificate), serverName: name)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        return (try #require(failure.client), failure.server)
    }

    @Test func expiredCertificateNamesTheDate() throws {
        let (client, server) = try failure(serving: Fixtures.expired, trusting: Fixtures.expired)
        guard case let .verificationFailed(details) = client else { Issue.record("\(client)"); return }
        #expect(details.problems.contains(.expired(Fixtures.expired.info.notAfter)))
        #expect(client.description.contains("certificate expired on 2020-09-13 12:26:40 UTC"))
        #expect(server?.description.contains("GNUTLS_A_CERTIFICATE_EXPIRED") == true
                || server?.description.contains("GNUTLS_A_BAD_CERTIFICATE") == true)
    }

    @Test func unknownIssuerGivesTheFingerprint() throws {
        let (client, _) = try failure(serving: Fixtures.server, trusting: Fixtures.other)
        #expect(client.kind == "verification-failed")
        #expect(client.description.contains("unknown issuer CN=localhost,O=tlshello tests"))
        #expect(client.description.contains(Fixtures.server.info.sha256Fingerprint))
        // The library names protocol facts; the command line adds its own flags.
        #expect(!client.description.contains("--"), "\(client.description)")
    }

    @Test func nameMismatchListsTheCertificateNames() throws {
        let (client, _) = try failure(serving: Fixtures.wrongName, trusting: Fixtures.wrongName, name: "localhost")
        #expect(client.description.contains("name mismatch: asked for localhost, the certificate names www.example.invalid"))
    }

    @Test func ipAddressesMatchIPSubjectAltNames() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext(), serverName: "127.0.0.1")
        try pair.handshake()
        #expect(pair.client.info?.verification == "verified (chain and name 127.0.0.1)")
        #expect(pair.client.info?.serverName == nil)
        #expect(pair.server.info?.serverName == nil)
    }

    @Test func insecureAcceptsAnyCertificateAndSaysSo() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: nil, verification: .none),
                                      server: Fixtures.serverContext(Fixtures.expired))
        try pair.handshake()
        #expect(pair.client.info?.verification == "not verified (insecure)")
    }

    @Test func noHostnameVerificationStillChecksTheChain() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: Fixtures.wrongName, verification: .noHostnameVerification),
                                      server: Fixtures.serverContext(Fixtures.wrongName))
        try pair.handshake()
        let refused = try TLSSessionPair(client: Fixtures.clientContext(trust: Fixtures.other, verification: .noHostnameVerification),
                                         server: Fixtures.serverContext(Fixtures.wrongName))
        #expect(throws: TLSSessionPair.Failure.self) { try refused.handshake() }
    }

    // MARK: Purpose (extended key usage)

    private static let serverPurpose = "TLS server authentication"

    /// A client at `versions` trusting `trust` connects to a server presenting `chain`.
    private func connect(serving chain: GeneratedCertificate, presenting extra: [GeneratedCertificate] = [],
                         trusting trust: GeneratedCertificate, versions: TLSVersionPolicy = .secureDefault) throws -> TLSSessionPair {
        var client = TLSConfiguration.makeClientConfiguration()
        client.versions = versions
        client.trustRoots = .pem(trust.certificatePEM, label: "trust.pem")
        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(([chain] + extra).map(\.certificatePEM).joined(), label: "server.pem"),
            privateKey: .pem(chain.privateKeyPEM, label: "server.key"))
        server.versions = versions
        return try TLSSessionPair(client: GnuTLS().makeContext(configuration: client),
                                  server: GnuTLS().makeContext(configuration: server))
    }

    private func refusal(_ pair: TLSSessionPair) throws -> CertificateVerificationFailure {
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        guard case let .verificationFailed(details) = try #require(failure.client) else {
            Issue.record("not a verification failure: \(String(describing: failure.client))")
            throw failure
        }
        return details
    }

    @Test(arguments: [TLSVersionPolicy.secureDefault, .exactly(.tlsv1_2), .exactly(.tlsv1_3)])
    func clientAuthenticationOnlyCertificateIsRefusedAtEveryRow(versions: TLSVersionPolicy) throws {
        let details = try refusal(connect(serving: Made.clientOnly, trusting: Made.clientOnly, versions: versions))
        #expect(details.problems.contains(.wrongPurpose(required: Self.serverPurpose, allowed: ["TLS client authentication"])))
        #expect(details.description.contains("the certificate is for TLS client authentication only, not for TLS server authentication"))
    }

    @Test func issuedClientAuthenticationOnlyCertificateIsRefused() throws {
        let details = try refusal(connect(serving: Made.issuedClientOnly, trusting: Made.authority))
        #expect(details.problems == [.wrongPurpose(required: Self.serverPurpose, allowed: ["TLS client authentication"])])
    }

    @Test func intermediateRestrictedToClientAuthenticationIsNamed() throws {
        let details = try refusal(connect(serving: Made.leafOfClientAuthority, presenting: [Made.clientAuthority],
                                          trusting: Made.authority))
        #expect(details.problems == [.wrongPurpose(required: Self.serverPurpose, allowed: ["TLS client authentication"])])
    }

    @Test func otherPurposesAreNamedInWords() throws {
        let details = try refusal(connect(serving: Made.mailAndCode, trusting: Made.mailAndCode))
        #expect(details.description.contains("the certificate is for e-mail protection and code signing only, not for TLS server authentication"))
    }

    @Test func serverAuthenticationCertificateIsAccepted() throws {
        let pair = try connect(serving: Made.serverOnly, trusting: Made.serverOnly)
        try pair.handshake()
        #expect(pair.client.info?.verification == "verified (chain and name localhost)")
        #expect(pair.client.info?.warnings == [])
    }

    @Test func certificateWithoutExtendedKeyUsageServesAnyPurpose() throws {
        let pair = try connect(serving: Made.anyPurpose, trusting: Made.anyPurpose)
        try pair.handshake()
        #expect(pair.client.info?.warnings == [])
    }

    // MARK: Weak keys and signatures

    @Test func strongIssuedChainIsAcceptedAtTheSecureDefault() throws {
        let pair = try connect(serving: Made.issuedStrong, presenting: [Made.authority], trusting: Made.authority)
        try pair.handshake()
        #expect(pair.client.info?.warnings == [])
    }

    @Test func weakKeyIsRefusedAtTheSecureDefaultWithItsSize() throws {
        let details = try refusal(connect(serving: Made.issuedWeak, presenting: [Made.authority], trusting: Made.authority))
        #expect(details.problems == [.weakKey(subject: "CN=localhost,O=weak key", algorithm: "RSA", bits: 1024, minimum: 2048)])
        #expect(details.description == "certificate verification failed: the RSA key of CN=localhost,O=weak key has 1024 bits; at least 2048 are required at the secure default")
    }

    @Test func selfSignedWeakKeyIsRefusedAtTheSecureDefault() throws {
        let details = try refusal(connect(serving: Made.selfSignedWeak, trusting: Made.selfSignedWeak))
        #expect(details.problems.contains(.weakKey(subject: "CN=localhost,O=weak self-signed", algorithm: "RSA", bits: 1024, minimum: 2048)))
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func weakKeyIsAcceptedWithAWarningAtAPinnedRow(version: TLSVersion) throws {
        let pair = try connect(serving: Made.issuedWeak, trusting: Made.authority, versions: .exactly(version))
        try pair.handshake()
        #expect(pair.client.info?.warnings == [
            "the RSA key of CN=localhost,O=weak key has 1024 bits; at least 2048 are required at the secure default",
        ])
    }

    @Test func weakKeyWithoutVerificationStillWarns() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: nil, verification: .none),
                                      server: Fixtures.serverContext(Made.selfSignedWeak))
        try pair.handshake()
        #expect(pair.client.info?.warnings.first?.contains("has 1024 bits") == true)
    }

    @Test func sha1SignatureIsRefusedAtTheSecureDefault() throws {
        let details = try refusal(connect(serving: Made.issuedSHA1, presenting: [Made.authority], trusting: Made.authority))
        #expect(details.problems == [.weakSignature(subject: "CN=localhost,O=sha1", algorithm: "RSA-SHA1")])
        #expect(details.description.contains("CN=localhost,O=sha1 is signed with RSA-SHA1, which is no longer secure"))
    }

    @Test func bytesThatAreNoCertificateHaveNoPurposeAndNoWeakness() {
        let garbage: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        #expect(garbage.withUnsafeBytes { KeyPurpose.purposes(ofDER: $0) } == nil)
        #expect(ChainStrength.weaknesses(of: [garbage, []]) == [])
        #expect(ChainStrength.certificates(fromPEM: Array("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n".utf8)) == [])
        let weak = ChainStrength.certificates(fromPEM: Array(("junk\n" + Made.selfSignedWeak.certificatePEM + Made.authority.certificatePEM).utf8))
        #expect(weak.count == 2)
        #expect(ChainStrength.weaknesses(of: weak).count == 1)
    }

    @Test func serverWarnsAboutItsOwnWeakKey() throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Made.selfSignedWeak.certificatePEM, label: "weak.pem"),
            privateKey: .pem(Made.selfSignedWeak.privateKeyPEM, label: "weak.key"))
        configuration.versions = .secureDefault
        let context = try GnuTLS().makeContext(configuration: configuration)
        #expect(context.warnings.contains { $0.hasPrefix("certificate weak.pem: the RSA key of CN=localhost,O=weak self-signed has 1024 bits") }, "\(context.warnings)")
        let strong = try Fixtures.serverContext(Fixtures.server)
        #expect(strong.warnings == [])
    }
}

/// Certificates for the purpose and strength checks, made once per test process.
private enum Made {
    static let authority = Fixtures.make(CertificateRequest(subject: "CN=tlshello test CA", subjectAltNames: [], isCA: true))

    static func purposes(_ list: [KeyPurpose], _ subject: String) -> GeneratedCertificate {
        var request = CertificateRequest(subject: subject, subjectAltNames: ["localhost"])
        request.extendedKeyUsage = list
        return Fixtures.make(request)
    }

    static let clientOnly = purposes([.tlsClient], "CN=localhost,O=client only")
    static let serverOnly = purposes([.tlsServer], "CN=localhost,O=server only")
    static let anyPurpose = purposes([], "CN=localhost,O=any purpose")
    static let mailAndCode = purposes([.other("1.3.6.1.5.5.7.3.4"), .other("1.3.6.1.5.5.7.3.3")],
                                      "CN=localhost,O=mail and code")

    static func issued(_ request: CertificateRequest) -> GeneratedCertificate {
        do {
            return try CertificateGenerator.generate(request, signedBy: authority)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }

    static let issuedClientOnly: GeneratedCertificate = {
        var request = CertificateRequest(subject: "CN=localhost,O=issued client only", subjectAltNames: ["localhost"])
        request.extendedKeyUsage = [.tlsClient]
        return issued(request)
    }()
    static let clientAuthority: GeneratedCertificate = {
        var request = CertificateRequest(subject: "CN=tlshello client intermediate CA", subjectAltNames: [], isCA: true)
        request.extendedKeyUsage = [.tlsClient]
        return issued(request)
    }()
    static let leafOfClientAuthority: GeneratedCertificate = {
        do {
            return try CertificateGenerator.generate(
                CertificateRequest(subject: "CN=localhost,O=client CA leaf", subjectAltNames: ["localhost"]), signedBy: clientAuthority)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }()
    static let issuedStrong = issued(CertificateRequest(subject: "CN=localhost,O=strong", subjectAltNames: ["localhost"]))
    static let issuedWeak = issued(CertificateRequest(subject: "CN=localhost,O=weak key", subjectAltNames: ["localhost"],
                                                      keyType: .rsa(bits: 1024)))
    static let selfSignedWeak = Fixtures.make(CertificateRequest(subject: "CN=localhost,O=weak self-signed",
                                                                 subjectAltNames: ["localhost", "127.0.0.1"],
                                                                 keyType: .rsa(bits: 1024)))
    static let issuedSHA1: GeneratedCertificate = {
        var request = CertificateRequest(subject: "CN=localhost,O=sha1", subjectAltNames: ["localhost"])
        request.signsWithSHA1 = true
        return issued(request)
    }()
}

