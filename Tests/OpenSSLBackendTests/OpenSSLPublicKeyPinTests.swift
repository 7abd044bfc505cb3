#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// Public key pins on an OpenSSL client: the verified chain (or, without verification, the leaf)
/// must carry a pinned key, and a refusal reads as it does on a GnuTLS client, whichever backend
/// the server runs on.
@Suite struct OpenSSLPublicKeyPinTests {
    static let authority: GeneratedCertificate = Fixtures.make(CertificateRequest(
        subject: "CN=Pin Test CA", subjectAltNames: [], keyType: .ecdsaP256, isCA: true))
    static let leaf: GeneratedCertificate = {
        do {
            return try CertificateGenerator.generate(
                CertificateRequest(subject: "CN=localhost", subjectAltNames: ["localhost"], keyType: .ecdsaP256),
                signedBy: authority)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }()
    static let otherAuthority: GeneratedCertificate = Fixtures.make(CertificateRequest(
        subject: "CN=Other CA", subjectAltNames: [], keyType: .ecdsaP256, isCA: true))

    static let cases: [(TLSVersion, Backend)] = [TLSVersion.tlsv1_2, .tlsv1_3].flatMap { version in
        Backend.allCases.map { (version, $0) }
    }

    private func server(_ backend: Backend, chain: String, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(chain, label: "chain.pem"), privateKey: .pem(Self.leaf.privateKeyPEM, label: "key.pem"))
        configuration.versions = .exactly(version)
        return try backend.backend.makeContext(configuration: configuration)
    }

    private func client(_ backend: Backend = .openssl, pins: [PublicKeyPin], version: TLSVersion,
                        verification: TLSConfiguration.CertificateVerification = .fullVerification) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = .exactly(version)
        configuration.trustRoots = .pem(Self.authority.certificatePEM, label: "ca.pem")
        configuration.certificateVerification = verification
        configuration.publicKeyPins = pins
        return try backend.backend.makeContext(configuration: configuration)
    }

    private func pin(_ certificate: GeneratedCertificate) throws -> PublicKeyPin {
        try #require(certificate.info.publicKeyPin)
    }

    @Test func theBackendComputesTheGeneratorsPin() throws {
        let pair = try TLSSessionPair(client: try client(pins: [try pin(Self.leaf)], version: .tlsv1_3),
                                      server: try server(.openssl, chain: Self.leaf.certificatePEM, version: .tlsv1_3))
        try pair.handshake()
        #expect(pair.client.info?.peerCertificates.first?.publicKeyPin == Self.leaf.info.publicKeyPin)
        #expect(pair.server.info?.localCertificate?.publicKeyPin == Self.leaf.info.publicKeyPin)
    }

    @Test(arguments: cases)
    func thePinOfTheLeafOrOfTheTrustAnchorIsAccepted(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM, version: version)
        for pins in [[try pin(Self.leaf)], [try pin(Self.authority)], [try pin(Self.otherAuthority), try pin(Self.authority)]] {
            let pair = try TLSSessionPair(client: try client(pins: pins, version: version), server: server)
            try pair.handshake()
            #expect(pair.client.info?.verification == "verified (chain and name localhost), public key pin matched")
        }
    }

    @Test(arguments: cases)
    func aServerWithoutAPinnedKeyIsRefusedWithThePinsItPresented(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM, version: version)
        let expected = try pin(Self.otherAuthority)
        let pair = try TLSSessionPair(client: try client(pins: [expected], version: version), server: server)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        guard case let .publicKeyPinMismatch(pins, presented)? = failure.client else {
            Issue.record("not a pin mismatch: \(String(describing: failure.client))")
            return
        }
        // The chain as verified: the leaf, then the trust anchor the server did not send.
        #expect(pins == [expected])
        #expect(presented.map(\.subject) == ["CN=localhost", "CN=Pin Test CA"])
        let text = failure.client?.description ?? ""
        #expect(text.contains("the server presented \(try pin(Self.leaf)) (CN=localhost), \(try pin(Self.authority)) (CN=Pin Test CA)"))
        #expect(text.contains("expected \(expected)"))
        #expect(failure.client?.kind == "pin-mismatch")
        if backend == .openssl || version == .tlsv1_2 {
            // The server hears bad_certificate (a GnuTLS server cannot read the TLS 1.3 alert an
            // OpenSSL client sends before it turns on its handshake keys).
            #expect(failure.server?.description.contains("BAD_CERTIFICATE") == true, "\(String(describing: failure.server))")
        }
    }

    @Test(arguments: cases)
    func gnuTLSAndOpenSSLClientsRefuseInTheSameWords(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM, version: version)
        var texts: [String] = []
        for clientBackend in Backend.allCases {
            let pair = try TLSSessionPair(client: try client(clientBackend, pins: [try pin(Self.otherAuthority)], version: version),
                                          server: server)
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            texts.append(failure.client?.description ?? "")
        }
        #expect(texts[0] == texts[1])
    }

    /// Anyone can append a well-known CA certificate to a chain: a certificate the server sends
    /// that is not on the verified path does not satisfy a pin.
    @Test(arguments: cases)
    func aPinnedCertificateAppendedOutsideTheVerifiedPathDoesNotCount(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM + Self.otherAuthority.certificatePEM, version: version)
        let pair = try TLSSessionPair(client: try client(pins: [try pin(Self.otherAuthority)], version: version), server: server)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        guard case let .publicKeyPinMismatch(_, presented)? = failure.client else {
            Issue.record("not a pin mismatch: \(String(describing: failure.client))")
            return
        }
        #expect(!presented.contains { $0.subject == "CN=Other CA" })
    }

    @Test(arguments: cases)
    func withoutVerificationOnlyTheLeafIsCompared(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM + Self.authority.certificatePEM, version: version)
        let accepted = try TLSSessionPair(client: try client(pins: [try pin(Self.leaf)], version: version, verification: .none),
                                          server: server)
        try accepted.handshake()
        #expect(accepted.client.info?.verification == "not verified (insecure), public key pin matched")
        let refused = try TLSSessionPair(client: try client(pins: [try pin(Self.authority)], version: version, verification: .none),
                                         server: server)
        let failure = try #require(throws: TLSSessionPair.Failure.self) { try refused.handshake() }
        guard case let .publicKeyPinMismatch(_, presented)? = failure.client else {
            Issue.record("not a pin mismatch: \(String(describing: failure.client))")
            return
        }
        #expect(presented.map(\.subject) == ["CN=localhost"])
    }

    @Test(arguments: cases)
    func aPinnedSessionResumes(version: TLSVersion, server backend: Backend) throws {
        let server = try server(backend, chain: Self.leaf.certificatePEM, version: version)
        let client = try client(pins: [try pin(Self.leaf)], version: version)
        let first = try TLSSessionPair(client: client, server: server)
        try first.handshake()
        try first.server.write("ticket")
        _ = try first.deliver(from: first.server, to: first.client)
        let ticket = try #require(first.client.resumptionTicket)
        let second = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try second.handshake()
        #expect(second.client.info?.resumed == true)
        #expect(second.client.info?.verification == "verified (chain and name localhost)")
    }
}
#endif
