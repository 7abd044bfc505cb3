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

/// What the server side of an OpenSSL client's refusal hears, and the server certificate
/// described as GnuTLS describes it (the client's refusals, in the same words on every backend,
/// are in the backend conformance suite, BackendConformance).
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

    @Test func serverCertificateDescriptionMatchesGnuTLS() throws {
        let openssl = try OpenSSL().makeContext(configuration: Fixtures.serverConfiguration())
        let gnutls = try GnuTLS().makeContext(configuration: Fixtures.serverConfiguration())
        #expect(openssl.localCertificate == gnutls.localCertificate)
    }
}
#endif
