#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets
import Testing

/// Every GnuTLS call of context, session and certificate creation that can fail is made to fail in
/// turn (call 1, 2, … until creation succeeds): each failure throws a ``TLSError`` that names the
/// step and carries GnuTLS's error, and nothing is released twice or leaked (under
/// AddressSanitizer, `make sanitize SANITIZERS=address`, a double free aborts the run and a leak
/// fails it).
@Suite struct FaultInjectionTests {
    /// The result of walking one creation through its faults.
    struct Walk {
        /// The calls a successful creation makes (`File.swift:line` each).
        var calls: [String] = []
        /// The error each failing call caused, in call order.
        var errors: [TLSError] = []
    }

    /// Runs `make` once to count its calls, then once per call with that call failing, then once
    /// more with no call failing.
    func walk(_ make: () throws(TLSError) -> Void) throws -> Walk {
        var result = Walk()
        let counting = GnuTLSFaultPlan(failingCall: nil)
        try counting.run { () throws(TLSError) in try make() }
        result.calls = counting.calls
        for number in result.calls.indices.map({ $0 + 1 }) {
            let plan = GnuTLSFaultPlan(failingCall: number)
            do {
                try plan.run { () throws(TLSError) in try make() }
                Issue.record("call \(number) of \(result.calls.count) (\(result.calls[number - 1])) failed and creation succeeded")
            } catch {
                result.errors.append(error)
                #expect(error.libraryError?.name == "GNUTLS_E_MEMORY_ERROR",
                        "call \(number) (\(result.calls[number - 1])): \(error)")
            }
            #expect(plan.calls.count == number, "creation went on after call \(number) failed")
        }
        let again = GnuTLSFaultPlan(failingCall: result.calls.count + 1)
        try again.run { () throws(TLSError) in try make() }
        #expect(again.calls == result.calls)
        return result
    }

    static func serverConfiguration(_ certificate: GeneratedCertificate) -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM + Fixtures.server.certificatePEM, label: "chain.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "server.key"))
    }

    @Test func everyFailureOfServerContextCreationThrows() throws {
        let configuration = Self.serverConfiguration(Fixtures.server)
        let walk = try walk { () throws(TLSError) in _ = try GnuTLSContext(configuration: configuration) }
        // Priorities, ticket key, credentials, the chain's import and the reading of both of its
        // certificates (a dozen calls each), the key pair.
        #expect(walk.calls.count >= 20, "\(walk.calls)")
        let sentences = walk.errors.map(\.description)
        for step in ["cannot compile the priority string", "cannot make a session ticket key",
                     "cannot allocate certificate credentials", "certificate chain.pem: the PEM certificate is malformed",
                     "certificate chain.pem: cannot read the certificate's subject",
                     "certificate chain.pem: cannot read the certificate's SHA-256 fingerprint",
                     "private key server.key: GnuTLS cannot use the key"] {
            #expect(sentences.contains { $0.hasPrefix(step) }, "no failure says '\(step)': \(sentences)")
        }
    }

    @Test func everyFailureOfClientContextCreationThrows() throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        let walk = try walk { () throws(TLSError) in _ = try GnuTLSContext(configuration: configuration) }
        #expect(walk.calls.count == 3, "\(walk.calls)")
        #expect(walk.errors.map(\.kind) == ["setup-failed", "setup-failed", "trust-store"])
    }

    @Test func everyFailureOfClientSessionCreationThrows() throws {
        let context = try Fixtures.clientContext()
        let ticket = TLSResumptionTicket(bytes: [1, 2, 3])
        let walk = try walk { () throws(TLSError) in _ = try context.makeSession(peerName: "localhost", resuming: ticket) }
        #expect(walk.errors.map(\.description) == [
            "cannot create a GnuTLS session: Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]",
            "cannot apply the priorities to the session: Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]",
            "cannot attach the certificate credentials to the session: Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]",
            "cannot set the server name (SNI) 'localhost': Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]",
            "cannot ask for the server's OCSP status (status_request): Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]",
        ])
        // The context is untouched by the failures.
        let pair = try TLSSessionPair(client: context, server: Fixtures.serverContext())
        try pair.handshake()
    }

    @Test func everyFailureOfServerSessionCreationThrows() throws {
        let context = try Fixtures.serverContext()
        let walk = try walk { () throws(TLSError) in _ = try context.makeSession(peerName: nil) }
        #expect(walk.errors.map(\.kind) == ["setup-failed", "setup-failed", "setup-failed", "setup-failed"])
        #expect(walk.errors.last?.description.hasPrefix("cannot enable session tickets") == true)
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: context)
        try pair.handshake()
    }

    @Test func aFailureToSetTheApplicationProtocolsThrows() throws {
        var configuration = Self.serverConfiguration(Fixtures.server)
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.sessionTickets = false
        let context = try GnuTLS().makeContext(configuration: configuration)
        let walk = try walk { () throws(TLSError) in _ = try context.makeSession(peerName: nil) }
        #expect(walk.errors.map(\.kind) == ["setup-failed", "setup-failed", "setup-failed", "setup-failed"])
        #expect(walk.errors.last?.description
            == "cannot set the application protocols (ALPN) h2, http/1.1: Internal error in memory allocation. [GNUTLS_E_MEMORY_ERROR]")
    }

    @Test func everyFailureOfCertificateGenerationThrows() throws {
        let issuer = Fixtures.make(CertificateRequest(subject: "CN=fault CA", keyType: .ecdsaP256, isCA: true))
        let request = CertificateRequest(subject: "CN=localhost", subjectAltNames: ["localhost", "127.0.0.1"], keyType: .ecdsaP256)
        let walk = try walk { () throws(TLSError) in _ = try CertificateGenerator.generate(request, signedBy: issuer) }
        #expect(walk.calls.count >= 30, "\(walk.calls)")
        #expect(Set(walk.errors.map(\.kind)) == ["certificate-generation"])
    }

    @Test func exportsOfAGeneratedKeyFailCleanly() throws {
        let certificate = Fixtures.make(CertificateRequest(keyType: .rsa(bits: 2048)))
        let encrypted = try walk { () throws(TLSError) in _ = try certificate.privateKeyPEM(encryptedWith: "secret") }
        #expect(encrypted.calls.count == 3)
        let pkcs1 = try walk { () throws(TLSError) in _ = try certificate.privateKeyPKCS1PEM() }
        #expect(pkcs1.calls.count == 3)
    }

    @Test func aPlanAppliesOnlyToItsOwnTask() async throws {
        // A plan failing the first call in one task while other tasks make contexts and sessions.
        _ = Fixtures.server  // generated here, outside any plan
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<20 {
                        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext())
                        try pair.handshake()
                    }
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    let plan = GnuTLSFaultPlan(failingCall: 1)
                    #expect(throws: TLSError.self) { try plan.run { try Fixtures.clientContext() } }
                }
            }
            try await group.waitForAll()
        }
    }
}
