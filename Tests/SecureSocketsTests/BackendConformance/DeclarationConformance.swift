import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

extension BackendConformance {
    /// What a backend declares it cannot do: each reason one sentence, and a context asked for
    /// such a feature refuses it with that very sentence (and makes a context for the others).
    @Suite struct Declarations {
        @Test(arguments: ConformanceBackend.allCases)
        func eachDeclaredReasonIsOneSentence(backend: ConformanceBackend) {
            for (feature, reason) in backend.backend.unsupportedFeatures {
                #expect(!reason.isEmpty && !reason.contains("\n") && !reason.hasSuffix("."), "\(feature): \(reason)")
            }
        }

        /// The features a configuration asks for (the others are in every TLS handshake).
        static let configurable: [TLSBackendFeature] = [
            .clientCertificates, .applicationProtocols, .publicKeyPins, .ocspStapling, .severalIdentities, .sharedTicketKeys, .keyLog,
        ]

        /// A configuration that asks for `feature` (one of ``configurable``) and for nothing else
        /// beyond a plain handshake.
        static func configuration(using feature: TLSBackendFeature, in directory: TemporaryDirectory) throws -> TLSConfiguration {
            var client = Fixtures.clientConfiguration()
            var server = Fixtures.serverConfiguration()
            switch feature {
            case .encryption, .legacyVersions, .certificateVerification, .resumption, .closeNotify, .trace:
                return client
            case .clientCertificates:
                server.clientAuthentication = .require
                server.clientTrustRoots = .pem(ClientAuthenticationTests.Clients.authority.certificatePEM, label: "client-ca.pem")
                return server
            case .applicationProtocols:
                client.applicationProtocols = ["h2"]
                return client
            case .publicKeyPins:
                client.publicKeyPins = [try #require(Fixtures.server.info.publicKeyPin)]
                return client
            case .ocspStapling:
                client.requiresOCSPStatus = true
                return client
            case .severalIdentities:
                server.additionalIdentities = [ServerIdentityTests.identity(ServerIdentityTests.ecdsa, "ecdsa")]
                return server
            case .sharedTicketKeys:
                server.ticketKey = TLSTicketKey.generate()
                return server
            case .keyLog:
                client.keyLog = try KeyLogFile(path: directory.file("keys.log"))
                return client
            }
        }

        @Test(arguments: ConformanceBackend.allCases, configurable)
        func aContextRefusesADeclaredFeatureWithItsReasonOnly(backend: ConformanceBackend, feature: TLSBackendFeature) throws {
            try BackendPair(client: backend, server: backend).require(.encryption)
            let directory = try TemporaryDirectory()
            let configuration = try Self.configuration(using: feature, in: directory)
            #expect(TLSBackendFeature.used(by: configuration) == [feature])
            if let reason = backend.backend.unsupportedFeatures[feature] {
                #expect(throws: TLSError.invalidConfiguration(reason)) { _ = try backend.backend.makeContext(configuration: configuration) }
            } else {
                _ = try backend.backend.makeContext(configuration: configuration)
            }
        }
    }
}
