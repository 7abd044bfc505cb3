#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets
import Testing

/// A server with several certificate/key pairs: the client's server name picks the candidates
/// (exact names, then wildcards), its signature algorithms pick among them (ECDSA when it accepts
/// ECDSA), the first pair of a key type is the default; the session reports which certificate served.
@Suite struct ServerIdentityTests {
    static let rsa = Fixtures.make(CertificateRequest(subject: "CN=rsa.test", subjectAltNames: ["rsa.test", "localhost"]))
    static let ecdsa = Fixtures.make(CertificateRequest(subject: "CN=ec.test", subjectAltNames: ["ec.test", "localhost"],
                                                        keyType: .ecdsaP256))
    static let wildcard = Fixtures.make(CertificateRequest(subject: "CN=wild.test", subjectAltNames: ["*.wild.test"]))

    static func identity(_ certificate: GeneratedCertificate, _ name: String) -> TLSConfiguration.Identity {
        TLSConfiguration.Identity(certificateChain: .pem(certificate.certificatePEM, label: "\(name).pem"),
                                  privateKey: .pem(certificate.privateKeyPEM, label: "\(name).key"))
    }

    static func serverContext() throws -> any TLSContext {
        try GnuTLS().makeContext(configuration: .makeServerConfiguration(
            identities: [identity(rsa, "rsa"), identity(ecdsa, "ecdsa"), identity(wildcard, "wild")]))
    }

    /// What the client accepts: every signature algorithm, or ECDSA or RSA ones only.
    enum Accepts: String, CaseIterable, Sendable {
        case any, ecdsaOnly, rsaOnly

        func priority(_ version: TLSVersion) -> String {
            let base = "NORMAL:-VERS-ALL:+VERS-TLS\(version == .tlsv1_3 ? "1.3" : "1.2")"
            switch self {
            case .any: return base
            case .ecdsaOnly: return base + ":-SIGN-ALL:+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SECP256R1-SHA256"
            case .rsaOnly: return base + ":-SIGN-ALL:+SIGN-RSA-SHA256:+SIGN-RSA-PSS-RSAE-SHA256"
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let version: TLSVersion
        let serverName: String?
        let accepts: Accepts
        /// The subject of the certificate served, or nil when the handshake must fail.
        let served: String?
        var testDescription: String {
            "\(version.displayName) SNI \(serverName ?? "none") \(accepts.rawValue) → \(served ?? "refused")"
        }
    }

    static let cases: [Case] = [TLSVersion.tlsv1_2, .tlsv1_3].flatMap { version in [
        Case(version: version, serverName: "rsa.test", accepts: .any, served: "CN=rsa.test"),
        Case(version: version, serverName: "ec.test", accepts: .any, served: "CN=ec.test"),
        Case(version: version, serverName: "a.wild.test", accepts: .any, served: "CN=wild.test"),
        Case(version: version, serverName: "B.Wild.Test", accepts: .any, served: "CN=wild.test"),
        Case(version: version, serverName: "localhost", accepts: .ecdsaOnly, served: "CN=ec.test"),
        Case(version: version, serverName: "localhost", accepts: .rsaOnly, served: "CN=rsa.test"),
        Case(version: version, serverName: "unknown.test", accepts: .ecdsaOnly, served: "CN=ec.test"),
        Case(version: version, serverName: "unknown.test", accepts: .rsaOnly, served: "CN=rsa.test"),
        Case(version: version, serverName: nil, accepts: .rsaOnly, served: "CN=rsa.test"),
        // A wildcard covers one label only: a.b.wild.test is no name of the server's.
        Case(version: version, serverName: "a.b.wild.test", accepts: .rsaOnly, served: "CN=rsa.test"),
        // The name decides first: no certificate of that name the client can verify.
        Case(version: version, serverName: "ec.test", accepts: .rsaOnly, served: nil),
        Case(version: version, serverName: "a.wild.test", accepts: .ecdsaOnly, served: nil),
    ] } + [
        // TLS 1.3: a client that accepts ECDSA gets it, even though the RSA pair comes first.
        Case(version: .tlsv1_3, serverName: nil, accepts: .any, served: "CN=ec.test"),
        Case(version: .tlsv1_3, serverName: "localhost", accepts: .any, served: "CN=ec.test"),
        Case(version: .tlsv1_3, serverName: "unknown.test", accepts: .any, served: "CN=ec.test"),
    ]

    /// Between pairs of the same key type, the first is the default.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func theFirstPairOfAKeyTypeIsTheDefault(_ version: TLSVersion) throws {
        let other = Fixtures.make(CertificateRequest(subject: "CN=other.test", subjectAltNames: ["other.test"]))
        for (order, expected) in [([Self.rsa, other], "CN=rsa.test"), ([other, Self.rsa], "CN=other.test")] {
            let server = try GnuTLS().makeContext(configuration: .makeServerConfiguration(
                identities: order.enumerated().map { Self.identity($1, "pair\($0)") }))
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateVerification = .none
            let gnutls = GnuTLS(options: GnuTLSOptions(priority: Accepts.any.priority(version)))
            let pair = try TLSSessionPair(client: try gnutls.makeContext(configuration: client), server: server,
                                          serverName: "unknown.test")
            try pair.handshake()
            #expect(pair.server.info?.localCertificate?.subject == expected)
        }
    }

    @Test(arguments: cases)
    func theNameThenTheSignatureAlgorithmsPickTheCertificate(_ test: Case) throws {
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .none
        let gnutls = GnuTLS(options: GnuTLSOptions(priority: test.accepts.priority(test.version)))
        let pair = try TLSSessionPair(client: try gnutls.makeContext(configuration: client),
                                      server: try Self.serverContext(), serverName: test.serverName)
        guard let served = test.served else {
            let failure = #expect(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            let reason = failure?.server?.description ?? ""
            #expect(reason.contains("the client asked for \(test.serverName ?? ""), and none of the certificates for that name is one it can verify"),
                    "\(reason)")
            return
        }
        try pair.handshake()
        let server = try #require(pair.server.info)
        let seen = try #require(pair.client.info)
        #expect(server.localCertificate?.subject == served)
        #expect(seen.peerCertificates.first?.subject == served)
        #expect(seen.localCertificate == nil, "the client presented no certificate")
        #expect(server.version == test.version)
    }

    @Test func aVerifyingClientGetsTheCertificateOfItsName() throws {
        for (name, certificate) in [("ec.test", Self.ecdsa), ("rsa.test", Self.rsa), ("x.wild.test", Self.wildcard)] {
            var client = TLSConfiguration.makeClientConfiguration()
            client.trustRoots = .pem(certificate.certificatePEM, label: "trust.pem")
            let pair = try TLSSessionPair(client: try GnuTLS().makeContext(configuration: client),
                                          server: try Self.serverContext(), serverName: name)
            try pair.handshake()
            #expect(pair.client.info?.verification.hasPrefix("verified") == true)
        }
    }

    @Test func identitiesAreTheFirstPairThenTheAdditionalOnes() throws {
        let first = Self.identity(Self.rsa, "rsa")
        let second = Self.identity(Self.ecdsa, "ecdsa")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: first.certificateChain, privateKey: first.privateKey)
        #expect(configuration.identities == [first])
        configuration.additionalIdentities = [second]
        #expect(configuration.identities == [first, second])
        configuration.identities = [second]
        #expect(configuration.certificateChain == second.certificateChain)
        #expect(configuration.additionalIdentities.isEmpty)
        configuration.identities = []
        #expect(configuration.certificateChain == nil && configuration.privateKey == nil)
        #expect(throws: TLSError.self) { try configuration.validate() }

        let context = try Self.serverContext()
        #expect(context.localCertificates.map(\.subject) == ["CN=rsa.test", "CN=ec.test", "CN=wild.test"])
        #expect(context.localCertificate?.subject == "CN=rsa.test")
    }

    @Test func onlyAServerHoldsSeveralAndTheFirstPairIsNeeded() {
        var client = TLSConfiguration.makeClientConfiguration()
        client.additionalIdentities = [Self.identity(Self.ecdsa, "ecdsa")]
        #expect(throws: TLSError.invalidConfiguration("several certificate/key pairs are for a server: a client presents one")) {
            try client.validate()
        }
        var server = TLSConfiguration(role: .server)
        server.additionalIdentities = [Self.identity(Self.ecdsa, "ecdsa")]
        #expect(throws: TLSError.self) { try server.validate() }
    }

    @Test func aBrokenPairFailsTheContextNamingItsFiles() {
        let mismatched = TLSConfiguration.Identity(certificateChain: .pem(Self.ecdsa.certificatePEM, label: "second.pem"),
                                                   privateKey: .pem(Self.rsa.privateKeyPEM, label: "second.key"))
        let configuration = TLSConfiguration.makeServerConfiguration(identities: [Self.identity(Self.rsa, "rsa"), mismatched])
        let error = #expect(throws: TLSError.self) { try GnuTLS().makeContext(configuration: configuration) }
        guard case let .keyMismatch(certificatePath, keyPath, _) = error else {
            Issue.record("expected keyMismatch, got \(String(describing: error))")
            return
        }
        #expect(certificatePath == "second.pem" && keyPath == "second.key")
    }

    @Test func eachPairGetsItsOwnWarnings() throws {
        let expired = Self.identity(Fixtures.expired, "expired")
        let context = try GnuTLS().makeContext(configuration: .makeServerConfiguration(identities: [Self.identity(Self.rsa, "rsa"), expired]))
        #expect(context.warnings.count == 1)
        #expect(context.warnings.first?.hasPrefix("certificate expired.pem (CN=localhost,O=expired) expired on") == true,
                "\(context.warnings)")
    }
}
