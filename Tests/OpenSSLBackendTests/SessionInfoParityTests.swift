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

/// The same exchange reads the same on both backends: the signature scheme in GnuTLS's names,
/// the key exchange and summary, the certificates' descriptions, the warnings about a weak peer
/// chain and about this side's own certificate.
@Suite struct SessionInfoParityTests {
    static let ecdsa: GeneratedCertificate = Fixtures.make(CertificateRequest(keyType: .ecdsaP256))
    static let ed25519: GeneratedCertificate = Fixtures.make(CertificateRequest(keyType: .ed25519))
    static let weak: GeneratedCertificate = {
        var request = CertificateRequest(subject: "CN=weak.invalid", keyType: .rsa(bits: 1024))
        request.signsWithSHA1 = true
        return Fixtures.make(request)
    }()
    static let notYetValid: GeneratedCertificate = Fixtures.make(CertificateRequest(
        notBefore: Date().addingTimeInterval(86400 * 30), notAfter: Date().addingTimeInterval(86400 * 60)))

    static let pairs: [(Backend, Backend)] = Backend.allCases.flatMap { client in Backend.allCases.map { (client, $0) } }

    /// The signature each key type makes at each version, in GnuTLS's names.
    static let signatures: [(String, TLSVersion, String)] = [
        ("ecdsa", .tlsv1_3, "ECDSA-SECP256R1-SHA256"), ("ecdsa", .tlsv1_2, "ECDSA-SHA256"),
        ("rsa", .tlsv1_3, "RSA-PSS-RSAE-SHA256"), ("ed25519", .tlsv1_3, "EdDSA-Ed25519"), ("ed25519", .tlsv1_2, "EdDSA-Ed25519"),
    ]

    static func certificate(_ name: String) -> GeneratedCertificate {
        switch name {
        case "ecdsa": return ecdsa
        case "ed25519": return ed25519
        default: return Fixtures.server
        }
    }

    @Test(arguments: signatures, pairs)
    func bothSidesNameTheSignatureAsGnuTLSDoes(signature: (String, TLSVersion, String), backends: (Backend, Backend)) throws {
        let (key, version, expected) = signature
        let certificate = Self.certificate(key)
        let pair = try TLSSessionPair(
            client: backends.0.backend.makeContext(configuration: Fixtures.clientConfiguration(trust: certificate, versions: .exactly(version))),
            server: backends.1.backend.makeContext(configuration: Fixtures.serverConfiguration(certificate, versions: .exactly(version))))
        try pair.handshake()
        let client = try #require(pair.client.info)
        let server = try #require(pair.server.info)
        #expect(client.signatureAlgorithm == expected)
        #expect(server.signatureAlgorithm == expected)
        // The certificate reads as the generator (GnuTLS) describes it, on either side.
        #expect(client.peerCertificates == [certificate.info])
        #expect(server.localCertificate == certificate.info)
        let group = try #require(client.group)
        let kind = group.hasPrefix("FFDHE") ? "DHE" : "ECDHE"
        #expect(client.summary == "(\(version.displayName))-(\(kind)-\(group))-(\(expected))-(\(client.cipher))")
        #expect(server.summary == client.summary)
        if version == .tlsv1_3 {
            // GnuTLS's convention for TLS 1.3, whose suites name no key exchange.
            #expect(client.keyExchange == "\(kind)-RSA")
            #expect(server.keyExchange == client.keyExchange)
        }
    }

    /// At its default security level OpenSSL refuses to load a 1024-bit key; TLS 1.0 runs at
    /// level 0, where both libraries take it.
    @Test(arguments: pairs)
    func aWeakPeerChainIsReportedInTheSameWords(backends: (Backend, Backend)) throws {
        let pair = try TLSSessionPair(
            client: backends.0.backend.makeContext(configuration: Fixtures.clientConfiguration(trust: nil, versions: .exactly(.tlsv1_0), verification: .none)),
            server: backends.1.backend.makeContext(configuration: Fixtures.serverConfiguration(Self.weak, versions: .exactly(.tlsv1_0))))
        try pair.handshake()
        #expect(pair.client.info?.warnings == [
            "the RSA key of CN=weak.invalid has 1024 bits; at least 2048 are required at the secure default",
            "CN=weak.invalid is signed with RSA-SHA1, which is no longer secure",
        ])
    }

    @Test(arguments: [Self.weak, Fixtures.expired, Self.notYetValid])
    func ownCertificateWarningsReadAlike(certificate: GeneratedCertificate) throws {
        let configuration = Fixtures.serverConfiguration(certificate, versions: certificate == Self.weak ? .exactly(.tlsv1_0) : .secureDefault)
        let gnutls = try GnuTLS().makeContext(configuration: configuration).warnings
        let openssl = try OpenSSL().makeContext(configuration: configuration).warnings
        #expect(!openssl.isEmpty)
        #expect(openssl == gnutls)
    }

    @Test func aClientCertificateThatMayNotSignIsWarnedOf() throws {
        var request = CertificateRequest(subject: "CN=client")
        request.withoutDigitalSignature = true
        let certificate = Fixtures.make(request)
        var configuration = Fixtures.clientConfiguration()
        configuration.certificateChain = .pem(certificate.certificatePEM, label: "client.pem")
        configuration.privateKey = .pem(certificate.privateKeyPEM, label: "client.key")
        let gnutls = try GnuTLS().makeContext(configuration: configuration).warnings
        let openssl = try OpenSSL().makeContext(configuration: configuration).warnings
        #expect(openssl == ["certificate client.pem may not sign (its key usage lacks digitalSignature), so it cannot authenticate a TLS client"])
        #expect(openssl == gnutls)
    }
}
#endif
