#if OpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// An OpenSSL server with several certificate/key pairs chooses as a GnuTLS one does: the client's
/// server name picks the candidates (exact names, then wildcards), its signature algorithms pick
/// among them, the first pair of a key type is the default; the session reports which served.
@Suite struct OpenSSLServerIdentityTests {
    static let rsa = Fixtures.make(CertificateRequest(subject: "CN=rsa.test", subjectAltNames: ["rsa.test", "localhost"]))
    static let ecdsa = Fixtures.make(CertificateRequest(subject: "CN=ec.test", subjectAltNames: ["ec.test", "localhost"],
                                                        keyType: .ecdsaP256))
    static let wildcard = Fixtures.make(CertificateRequest(subject: "CN=wild.test", subjectAltNames: ["*.wild.test"]))

    static func identity(_ certificate: GeneratedCertificate, _ name: String) -> TLSConfiguration.Identity {
        TLSConfiguration.Identity(certificateChain: .pem(certificate.certificatePEM, label: "\(name).pem"),
                                  privateKey: .pem(certificate.privateKeyPEM, label: "\(name).key"))
    }

    static func serverContext() throws -> any TLSContext {
        try OpenSSL().makeContext(configuration: .makeServerConfiguration(
            identities: [identity(rsa, "rsa"), identity(ecdsa, "ecdsa"), identity(wildcard, "wild")]))
    }

    /// What the (GnuTLS) client accepts: every signature algorithm, or ECDSA or RSA ones only.
    enum Accepts: String, Sendable {
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
    ] }

    @Test(arguments: cases)
    func theNameThenTheSignatureAlgorithmsPickTheCertificate(_ test: Case) throws {
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .none
        let gnutls = GnuTLS(options: GnuTLSOptions(priority: test.accepts.priority(test.version)))
        let pair = try TLSSessionPair(client: try gnutls.makeContext(configuration: client),
                                      server: try Self.serverContext(), serverName: test.serverName)
        guard let served = test.served else {
            let failure = #expect(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            #expect(failure?.server != nil)
            return
        }
        try pair.handshake()
        let server = try #require(pair.server.info)
        let seen = try #require(pair.client.info)
        #expect(server.localCertificate?.subject == served)
        #expect(seen.peerCertificates.first?.subject == served)
        #expect(server.version == test.version)
    }

    /// An OpenSSL client lists ECDSA first: it gets the ECDSA pair wherever the name allows.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3], [("localhost", "CN=ec.test"), ("rsa.test", "CN=rsa.test"),
                                                       ("x.wild.test", "CN=wild.test"), ("unknown.test", "CN=ec.test")])
    func anOpenSSLClientGetsTheCertificateOfItsName(version: TLSVersion, expected: (String, String)) throws {
        let (name, subject) = expected
        let trust = [Self.rsa, Self.ecdsa, Self.wildcard].map(\.certificatePEM).joined()
        var client = Fixtures.clientConfiguration(trust: nil, versions: .exactly(version),
                                                  verification: name == "unknown.test" ? .none : .fullVerification)
        client.trustRoots = .pem(trust, label: "trust.pem")
        let pair = try TLSSessionPair(client: try OpenSSL().makeContext(configuration: client),
                                      server: try Self.serverContext(), serverName: name)
        try pair.handshake()
        #expect(pair.server.info?.localCertificate?.subject == subject)
        #expect(pair.client.info?.peerCertificates.first?.subject == subject)
    }

    /// Without a name to choose by, or with one every pair carries, an OpenSSL server serves
    /// the pair a GnuTLS server with the same pairs serves, to a GnuTLS client and an OpenSSL
    /// one alike, in either order of the pairs: at TLS 1.3, ECDSA to a client that accepts it.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3], [nil, "localhost"] as [String?])
    func withoutADecidingNameTheServerServesAsGnuTLSDoes(version: TLSVersion, serverName: String?) throws {
        for order in [[(Self.ecdsa, "ecdsa"), (Self.rsa, "rsa")], [(Self.rsa, "rsa"), (Self.ecdsa, "ecdsa")]] {
            let configuration = TLSConfiguration.makeServerConfiguration(identities: order.map { Self.identity($0.0, $0.1) })
            var client = Fixtures.clientConfiguration(trust: nil, versions: .exactly(version), verification: .none)
            client.certificateVerification = .none
            let clients: [any TLSBackend] = [GnuTLS(options: GnuTLSOptions(priority: Accepts.any.priority(version))), OpenSSL()]
            for clientBackend in clients {
                var served: [String?] = []
                for serverBackend in [GnuTLS() as any TLSBackend, OpenSSL()] {
                    let pair = try TLSSessionPair(client: try clientBackend.makeContext(configuration: client),
                                                  server: try serverBackend.makeContext(configuration: configuration), serverName: serverName)
                    try pair.handshake()
                    served.append(pair.server.info?.localCertificate?.subject)
                }
                #expect(served[1] == served[0], "\(clientBackend.name) client, pairs \(order.map(\.1)): GnuTLS served \(served[0] ?? "none"), OpenSSL \(served[1] ?? "none")")
                if version == .tlsv1_3 { #expect(served[1] == "CN=ec.test") }
            }
        }
    }

    /// Between pairs of the same key type, the first is the default.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func theFirstPairOfAKeyTypeIsTheDefault(_ version: TLSVersion) throws {
        let other = Fixtures.make(CertificateRequest(subject: "CN=other.test", subjectAltNames: ["other.test"]))
        for (order, expected) in [([Self.rsa, other], "CN=rsa.test"), ([other, Self.rsa], "CN=other.test")] {
            let server = try OpenSSL().makeContext(configuration: .makeServerConfiguration(
                identities: order.enumerated().map { Self.identity($1, "pair\($0)") }))
            #expect(server.localCertificate?.subject == expected)
            #expect(server.localCertificates.map(\.subject) == order.map(\.info.subject))
            let pair = try TLSSessionPair(
                client: try OpenSSL().makeContext(configuration: Fixtures.clientConfiguration(trust: nil, versions: .exactly(version), verification: .none)),
                server: server, serverName: "unknown.test")
            try pair.handshake()
            #expect(pair.server.info?.localCertificate?.subject == expected)
        }
    }

    @Test func eachPairGetsItsOwnWarningsAsOnGnuTLS() throws {
        let configuration = TLSConfiguration.makeServerConfiguration(
            identities: [Self.identity(Self.rsa, "rsa"), Self.identity(Fixtures.expired, "expired")])
        let openssl = try OpenSSL().makeContext(configuration: configuration).warnings
        #expect(openssl.count == 1 && openssl.first?.hasPrefix("certificate expired.pem (CN=localhost,O=expired) expired on") == true)
        #expect(try GnuTLS().makeContext(configuration: configuration).warnings == openssl)
    }

    @Test func aBrokenPairFailsTheContextNamingItsFiles() {
        let broken = TLSConfiguration.Identity(certificateChain: .pem(Self.ecdsa.certificatePEM, label: "ec.pem"),
                                               privateKey: .pem(Self.rsa.privateKeyPEM, label: "rsa.key"))
        #expect {
            _ = try OpenSSL().makeContext(configuration: .makeServerConfiguration(identities: [Self.identity(Self.rsa, "rsa"), broken]))
        } throws: { error in
            guard let error = error as? TLSError, case let .keyMismatch(certificate, key, _) = error else { return false }
            return certificate == "ec.pem" && key == "rsa.key"
        }
    }
}
#endif
