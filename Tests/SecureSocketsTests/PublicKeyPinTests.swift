import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// Public key pins (RFC 7469): parsing, the pin of a certificate, and a client that accepts a
/// server only when its verified chain carries a pinned key, checked in memory for TLS 1.2 and 1.3.
@Suite struct PublicKeyPinTests {
    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

    /// A throw-away CA, a server certificate it issued, and an unrelated CA.
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

    private func server(chain: String, key: String = leaf.privateKeyPEM, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(chain, label: "chain.pem"), privateKey: .pem(key, label: "key.pem"))
        configuration.versions = .exactly(version)
        return try GnuTLS().makeContext(configuration: configuration)
    }

    private func client(pins: [PublicKeyPin], trust: String = authority.certificatePEM, version: TLSVersion,
                        verification: TLSConfiguration.CertificateVerification = .fullVerification) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = .exactly(version)
        configuration.trustRoots = .pem(trust, label: "ca.pem")
        configuration.certificateVerification = verification
        configuration.publicKeyPins = pins
        return try GnuTLS().makeContext(configuration: configuration)
    }

    private func pin(_ certificate: GeneratedCertificate) throws -> PublicKeyPin {
        try #require(certificate.info.publicKeyPin)
    }

    // MARK: Parsing

    @Test func aPinReadsBackAsWritten() throws {
        let pin = try pin(Self.leaf)
        #expect(pin.description.hasPrefix("sha256/"))
        #expect(pin.description.count == 51)
        #expect(try PublicKeyPin(pin.description) == pin)
        // curl's and certtool's spellings of the same pin.
        #expect(try PublicKeyPin("sha256//" + pin.description.dropFirst(7)) == pin)
        #expect(try PublicKeyPin("pin-sha256:" + pin.description.dropFirst(7)) == pin)
        let json = try JSONEncoder().encode([pin])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(pin.description.replacingOccurrences(of: "/", with: "\\/"))\"]")
        #expect(try JSONDecoder().decode([PublicKeyPin].self, from: json) == [pin])
    }

    @Test(arguments: [
        ("md5/AAAA", "a pin is sha256/ followed by the base64 of a SHA-256 digest"),
        ("sha256/not base64!", "is not base64"),
        ("sha256/AAAA", "it decodes to 3 bytes; a SHA-256 digest has 32"),
        ("", "a pin is sha256/"),
    ])
    func aBadPinIsRefusedWithItsReason(text: String, reason: String) {
        #expect {
            _ = try PublicKeyPin(text)
        } throws: { error in
            guard let error = error as? TLSError, case let .invalidPin(pin, why) = error else { return false }
            return pin == text && why.contains(reason) && error.kind == "invalid-pin"
        }
    }

    @Test func theGeneratorsAndThePeersCertificatesCarryTheirPins() throws {
        #expect(Self.leaf.info.publicKeyPin != nil)
        #expect(Self.leaf.info.publicKeyPin != Self.authority.info.publicKeyPin)
        // The same key, in two certificates: the same pin.
        let parsed = try PEMCertificates.parse(pem: Self.leaf.certificatePEM, label: "leaf")
        #expect(parsed.first?.publicKeyPin == Self.leaf.info.publicKeyPin)
    }

    // MARK: Handshakes

    @Test(arguments: versions)
    func thePinOfTheLeafOrOfTheTrustAnchorIsAccepted(version: TLSVersion) throws {
        let server = try server(chain: Self.leaf.certificatePEM, version: version)
        for pins in [[try pin(Self.leaf)], [try pin(Self.authority)], [try pin(Self.otherAuthority), try pin(Self.authority)]] {
            let pair = try TLSSessionPair(client: try client(pins: pins, version: version), server: server)
            try pair.handshake()
            #expect(pair.client.info?.verification.hasSuffix(", public key pin matched") == true)
        }
    }

    @Test(arguments: versions)
    func aServerWithoutAPinnedKeyIsRefusedWithThePinsItPresented(version: TLSVersion) throws {
        let server = try server(chain: Self.leaf.certificatePEM, version: version)
        let expected = try pin(Self.otherAuthority)
        let pair = try TLSSessionPair(client: try client(pins: [expected], version: version), server: server)
        #expect {
            try pair.handshake()
        } throws: { error in
            guard let failure = error as? TLSSessionPair.Failure,
                  case let .publicKeyPinMismatch(pins, presented)? = failure.client else { return false }
            // The chain as verified: the leaf, then the trust anchor the server did not send.
            let text = failure.client?.description ?? ""
            return pins == [expected] && presented.map(\.subject) == ["CN=localhost", "CN=Pin Test CA"]
                && text.contains("the server presented \(Self.leaf.info.publicKeyPin!) (CN=localhost), \(Self.authority.info.publicKeyPin!) (CN=Pin Test CA)")
                && text.contains("expected \(expected)")
                && failure.server?.description.contains("(GNUTLS_A_BAD_CERTIFICATE)") == true
        }
    }

    /// A certificate the server sends that is not on the verified path does not satisfy a pin:
    /// anyone can append a well-known CA certificate to a chain.
    @Test(arguments: versions)
    func aPinnedCertificateAppendedOutsideTheVerifiedPathDoesNotCount(version: TLSVersion) throws {
        let server = try server(chain: Self.leaf.certificatePEM + Self.otherAuthority.certificatePEM, version: version)
        let pair = try TLSSessionPair(client: try client(pins: [try pin(Self.otherAuthority)], version: version), server: server)
        #expect {
            try pair.handshake()
        } throws: { error in
            guard let failure = error as? TLSSessionPair.Failure,
                  case let .publicKeyPinMismatch(_, presented)? = failure.client else { return false }
            return !presented.contains { $0.subject == "CN=Other CA" }
        }
    }

    @Test(arguments: versions)
    func withoutVerificationOnlyTheLeafIsCompared(version: TLSVersion) throws {
        let server = try server(chain: Self.leaf.certificatePEM + Self.authority.certificatePEM, version: version)
        let accepted = try TLSSessionPair(client: try client(pins: [try pin(Self.leaf)], version: version, verification: .none),
                                          server: server)
        try accepted.handshake()
        let refused = try TLSSessionPair(client: try client(pins: [try pin(Self.authority)], version: version, verification: .none),
                                         server: server)
        #expect(throws: TLSSessionPair.Failure.self) { try refused.handshake() }
    }

    @Test(arguments: versions)
    func aPinnedSessionResumes(version: TLSVersion) throws {
        let server = try server(chain: Self.leaf.certificatePEM, version: version)
        let client = try client(pins: [try pin(Self.leaf)], version: version)
        let first = try TLSSessionPair(client: client, server: server)
        try first.handshake()
        try first.server.write("ticket")
        _ = try first.deliver(from: first.server, to: first.client)
        let ticket = try #require(first.client.resumptionTicket)
        let second = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try second.handshake()
        #expect(second.client.info?.resumed == true)
    }
}
