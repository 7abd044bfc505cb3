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

/// An OpenSSL client refuses what a GnuTLS client refuses, in the same words, whichever backend
/// the server runs on.
@Suite struct OpenSSLVerificationTests {
    static func failure(server certificate: GeneratedCertificate, trust: GeneratedCertificate?,
                        serverBackend: Backend) throws -> TLSSessionPair.Failure {
        let pair = try TLSSessionPair(
            client: OpenSSL().makeContext(configuration: Fixtures.clientConfiguration(trust: trust)),
            server: serverBackend.backend.makeContext(configuration: Fixtures.serverConfiguration(certificate)))
        return try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
    }

    static func problems(_ failure: TLSSessionPair.Failure) -> [CertificateVerificationFailure.Problem] {
        guard case let .verificationFailed(details)? = failure.client else { return [] }
        return details.problems
    }

    @Test(arguments: Backend.allCases)
    func expiredCertificateIsRefusedWithItsDate(server: Backend) throws {
        let failure = try Self.failure(server: Fixtures.expired, trust: Fixtures.expired, serverBackend: server)
        #expect(failure.client?.kind == "verification-failed")
        #expect(Self.problems(failure) == [.expired(Date(timeIntervalSince1970: 1_600_000_000))])
        #expect(failure.client?.description == "certificate verification failed: certificate expired on 2020-09-13 12:26:40 UTC")
        switch server {
        case .openssl:
            // The server hears why: OpenSSL sends certificate_expired.
            #expect(failure.server?.description.contains("certificate expired (SSL_AD_CERTIFICATE_EXPIRED)") == true)
        case .gnutls:
            // An OpenSSL client sends the alert before it turns on its TLS 1.3 handshake keys, in
            // plaintext; a GnuTLS server, reading with those keys already, cannot decrypt it.
            #expect(failure.server?.libraryError?.name == "GNUTLS_E_DECRYPTION_FAILED")
        }
    }

    @Test(arguments: Backend.allCases)
    func unknownIssuerNamesTheFingerprint(server: Backend) throws {
        let failure = try Self.failure(server: Fixtures.server, trust: Fixtures.other, serverBackend: server)
        #expect(Self.problems(failure) == [.unknownIssuer(issuer: "CN=localhost,O=tlshello tests",
                                                           sha256Fingerprint: Fixtures.server.info.sha256Fingerprint)])
    }

    @Test(arguments: Backend.allCases)
    func nameMismatchListsTheCertificateNames(server: Backend) throws {
        let failure = try Self.failure(server: Fixtures.wrongName, trust: Fixtures.wrongName, serverBackend: server)
        #expect(Self.problems(failure) == [.nameMismatch(expected: "localhost", names: ["www.example.invalid"])])
        #expect(failure.client?.description == "certificate verification failed: name mismatch: asked for localhost, the certificate names www.example.invalid")
    }

    @Test func gnuTLSAndOpenSSLClientsDescribeTheSameFailureAlike() throws {
        for (certificate, trust) in [(Fixtures.expired, Fixtures.expired), (Fixtures.wrongName, Fixtures.wrongName),
                                     (Fixtures.server, Fixtures.other)] {
            var results: [String] = []
            for client in Backend.allCases {
                let pair = try TLSSessionPair(
                    client: client.backend.makeContext(configuration: Fixtures.clientConfiguration(trust: trust)),
                    server: OpenSSL().makeContext(configuration: Fixtures.serverConfiguration(certificate)))
                let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
                results.append(failure.client?.description ?? "")
            }
            #expect(results[0] == results[1])
        }
    }

    @Test func noVerificationAcceptsAnyCertificate() throws {
        let pair = try TLSSessionPair(
            client: OpenSSL().makeContext(configuration: Fixtures.clientConfiguration(trust: Fixtures.other, verification: .none)),
            server: OpenSSL().makeContext(configuration: Fixtures.serverConfiguration(Fixtures.expired)))
        try pair.handshake()
        #expect(pair.client.info?.verification == "not verified (insecure)")
    }

    @Test func serverCertificateDescriptionMatchesGnuTLS() throws {
        let openssl = try OpenSSL().makeContext(configuration: Fixtures.serverConfiguration())
        let gnutls = try GnuTLS().makeContext(configuration: Fixtures.serverConfiguration())
        #expect(openssl.localCertificate == gnutls.localCertificate)
    }
}
#endif
