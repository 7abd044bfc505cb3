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
}
