#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// A client refuses a server it cannot verify with the same ``CertificateVerificationFailure``
    /// and the same sentence on every backend; a pinned client refuses a server without the pinned key.
    @Suite struct Verification {
        /// The client's failure against a server presenting `certificate`, the client trusting `trust`.
        static func refusal(_ backends: BackendPair, serving certificate: GeneratedCertificate,
                            trusting trust: GeneratedCertificate, version: TLSVersion) throws -> TLSSessionPair.Failure {
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(trust: trust, versions: .exactly(version)),
                                             server: Fixtures.serverConfiguration(certificate, versions: .exactly(version)))
            return try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        }

        static func problems(_ error: TLSError?) -> [CertificateVerificationFailure.Problem] {
            guard case let .verificationFailed(details)? = error else { return [] }
            return details.problems
        }

        static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

        @Test(arguments: BackendPair.all, versions)
        func expiredCertificateIsRefusedWithItsDate(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .certificateVerification)
            let failure = try Self.refusal(backends, serving: Fixtures.expired, trusting: Fixtures.expired, version: version)
            #expect(failure.client?.kind == "verification-failed")
            #expect(Self.problems(failure.client) == [.expired(Date(timeIntervalSince1970: 1_600_000_000))])
            #expect(failure.client?.description == "certificate verification failed: certificate expired on 2020-09-13 12:26:40 UTC")
            #expect(failure.server != nil)
        }

        @Test(arguments: BackendPair.all, versions)
        func unknownIssuerNamesTheFingerprint(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .certificateVerification)
            let failure = try Self.refusal(backends, serving: Fixtures.server, trusting: Fixtures.other, version: version)
            #expect(Self.problems(failure.client) == [.unknownIssuer(issuer: "CN=localhost,O=tlshello tests",
                                                                     sha256Fingerprint: Fixtures.server.info.sha256Fingerprint)])
            #expect(failure.client?.description.hasPrefix("certificate verification failed: unknown issuer CN=localhost,O=tlshello tests") == true)
        }

        @Test(arguments: BackendPair.all, versions)
        func nameMismatchListsTheCertificateNames(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .certificateVerification)
            let failure = try Self.refusal(backends, serving: Fixtures.wrongName, trusting: Fixtures.wrongName, version: version)
            #expect(Self.problems(failure.client) == [.nameMismatch(expected: "localhost", names: ["www.example.invalid"])])
            #expect(failure.client?.description == "certificate verification failed: name mismatch: asked for localhost, the certificate names www.example.invalid")
        }

        @Test(arguments: BackendPair.all)
        func noVerificationAcceptsAnyCertificateAndSaysSo(backends: BackendPair) throws {
            try backends.require(.encryption, .certificateVerification)
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(trust: Fixtures.other, verification: .none),
                                             server: Fixtures.serverConfiguration(Fixtures.expired))
            try pair.handshake()
            #expect(pair.client.info?.verification == "not verified (insecure)")
        }

        /// A client pinning `pins`, trusting the test server certificate.
        static func pinnedClient(_ pins: [PublicKeyPin], version: TLSVersion) -> TLSConfiguration {
            var configuration = Fixtures.clientConfiguration(versions: .exactly(version))
            configuration.publicKeyPins = pins
            return configuration
        }

        @Test(arguments: BackendPair.all, versions)
        func pinnedKeyIsAcceptedAndAnotherIsRefused(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .certificateVerification, .publicKeyPins)
            let serverPin = try #require(Fixtures.server.info.publicKeyPin)
            let otherPin = try #require(Fixtures.other.info.publicKeyPin)
            let server = Fixtures.serverConfiguration(versions: .exactly(version))

            let accepted = try backends.sessions(client: Self.pinnedClient([otherPin, serverPin], version: version), server: server)
            try accepted.handshake()
            #expect(accepted.client.info?.verification.hasSuffix(", public key pin matched") == true)

            let refused = try backends.sessions(client: Self.pinnedClient([otherPin], version: version), server: server)
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try refused.handshake() }
            guard case let .publicKeyPinMismatch(expected, presented)? = failure.client else {
                Issue.record("not a pin mismatch: \(String(describing: failure.client))")
                return
            }
            #expect(expected == [otherPin])
            #expect(presented.map(\.sha256Fingerprint) == [Fixtures.server.info.sha256Fingerprint])
            #expect(failure.server != nil)
        }
    }
}
