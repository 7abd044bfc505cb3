import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// OCSP stapling on a server with several identities: the response (made by `openssl ocsp` from a
/// throw-away CA) is about one of them, is stapled only on connections that certificate serves,
/// and both sides' ``SessionInfo/ocspStatus`` say so; a response about none of them is refused.
@Suite(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
struct OCSPStaplingIdentitiesTests {
    /// An ECDSA certificate for other.test (first, so the default, and installed before the CA's
    /// leaf: the leaf's index in GnuTLS's list is not its place in the configuration).
    static let other = make(CertificateRequest(subject: "CN=other.test", subjectAltNames: ["other.test"], keyType: .ecdsaP256))
    /// An RSA certificate for rsa.test.
    static let rsa = make(CertificateRequest(subject: "CN=rsa.test", subjectAltNames: ["rsa.test"]))

    static func make(_ request: CertificateRequest) -> GeneratedCertificate {
        do { return try CertificateGenerator.generate(request) } catch { fatalError("fixture generation failed: \(error)") }
    }

    static func identity(_ certificate: GeneratedCertificate, _ name: String) -> TLSConfiguration.Identity {
        TLSConfiguration.Identity(certificateChain: .pem(certificate.certificatePEM, label: "\(name).pem"),
                                  privateKey: .pem(certificate.privateKeyPEM, label: "\(name).key"))
    }

    /// other.test, rsa.test, then the CA's leaf (localhost), stapling `response`.
    private func server(_ ca: ThrowawayCA, response: String, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(identities: [
            Self.identity(Self.other, "other"), Self.identity(Self.rsa, "rsa"),
            TLSConfiguration.Identity(certificateChain: .file(ca.leaf), privateKey: .file(ca.leafKey)),
        ])
        configuration.versions = .exactly(version)
        configuration.ocspResponse = .file(response)
        return try GnuTLS().makeContext(configuration: configuration)
    }

    private func client(_ ca: ThrowawayCA, requiring: Bool = false) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        let trust = try String(contentsOfFile: ca.ca, encoding: .utf8) + Self.other.certificatePEM + Self.rsa.certificatePEM
        configuration.trustRoots = .pem(trust, label: "trust.pem")
        configuration.requiresOCSPStatus = requiring
        return try GnuTLS().makeContext(configuration: configuration)
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func theResponseIsStapledOnlyWhenItsCertificateServes(version: TLSVersion) throws {
        let ca = try ThrowawayCA()
        let response = try ca.response(.good)
        let context = try server(ca, response: response, version: version)
        #expect(context.ocspStatus?.certificateStatus == .good)
        for (name, subject) in [("localhost", "CN=localhost"), ("rsa.test", "CN=rsa.test"), ("other.test", "CN=other.test")] {
            let pair = try TLSSessionPair(client: client(ca), server: context, serverName: name)
            try pair.handshake()
            let server = try #require(pair.server.info)
            let client = try #require(pair.client.info)
            #expect(server.localCertificate?.subject == subject, "\(name)")
            if subject == "CN=localhost" {
                let status = try #require(client.ocspStatus, "\(name): nothing stapled")
                #expect(status.certificateStatus == .good && status.verified)
                #expect(server.ocspStatus?.certificateStatus == .good)
                #expect(server.ocspStatus?.thisUpdate == status.thisUpdate)
            } else {
                #expect(client.ocspStatus == nil, "\(name): the client received a response about another certificate")
                #expect(server.ocspStatus == nil, "\(name): the server reports a response it did not staple")
            }
        }
        // A client that requires a good status is served by the certificate the response is about only.
        let good = try TLSSessionPair(client: client(ca, requiring: true), server: context, serverName: "localhost")
        try good.handshake()
        let refused = try TLSSessionPair(client: client(ca, requiring: true), server: context, serverName: "rsa.test")
        #expect {
            try refused.handshake()
        } throws: { error in
            guard let failure = error as? TLSSessionPair.Failure, case let .ocspStatusRequired(reason, _)? = failure.client else {
                return false
            }
            return reason == "the server stapled no OCSP response"
        }
    }

    @Test func aResponseAboutNoneOfTheIdentitiesIsRefusedNamingThemAll() throws {
        let ca = try ThrowawayCA()
        let response = try ca.response(.good)
        var configuration = TLSConfiguration.makeServerConfiguration(identities: [Self.identity(Self.other, "other"), Self.identity(Self.rsa, "rsa")])
        configuration.ocspResponse = .file(response)
        let error = #expect(throws: TLSError.self) { try GnuTLS().makeContext(configuration: configuration) }
        guard case let .ocspResponseFile(path, reason, _) = error else {
            Issue.record("expected ocspResponseFile, got \(String(describing: error))")
            return
        }
        #expect(path == response)
        #expect(reason.hasPrefix("the response is about serial 1001, not about CN=other.test, serial "), "\(reason)")
        #expect(reason.contains(" nor CN=rsa.test, serial "), "\(reason)")
    }
}
