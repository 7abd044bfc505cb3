import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// A server that requires client certificates verifies and reports the one sent, and refuses
    /// a client without one or with one of an unknown issuer, each side saying why alike.
    @Suite struct ClientCertificates {
        typealias Clients = ClientAuthenticationTests.Clients
        static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

        static func server(version: TLSVersion) -> TLSConfiguration {
            var configuration = Fixtures.serverConfiguration(versions: .exactly(version))
            configuration.clientAuthentication = .require
            configuration.clientTrustRoots = .pem(Clients.authority.certificatePEM, label: "client-ca.pem")
            return configuration
        }

        static func client(_ certificate: GeneratedCertificate?, version: TLSVersion) -> TLSConfiguration {
            var configuration = Fixtures.clientConfiguration(versions: .exactly(version))
            if let certificate {
                configuration.certificateChain = .pem(certificate.certificatePEM, label: "client.pem")
                configuration.privateKey = .pem(certificate.privateKeyPEM, label: "client.key")
            }
            return configuration
        }

        @Test(arguments: BackendPair.all, versions)
        func requiredCertificateIsVerifiedAndReported(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .clientCertificates)
            let pair = try backends.sessions(client: Self.client(Clients.rsa, version: version), server: Self.server(version: version))
            try pair.handshake()
            try pair.client.write("Hola soy tu cliente")
            #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
            let server = try #require(pair.server.info)
            #expect(server.verification == "client certificate verified (chain and TLS client authentication)")
            #expect(server.peerCertificates.map(\.subject) == ["CN=alice,O=tlshello tests"])
            #expect(server.peerCertificates.first?.sha256Fingerprint == Clients.rsa.info.sha256Fingerprint)
            #expect(pair.client.info?.clientCertificateRequested == true)
            #expect(pair.client.info?.verification == "verified (chain and name localhost)")
        }

        @Test(arguments: BackendPair.all, versions)
        func missingCertificateIsRefusedOnBothSides(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .clientCertificates)
            let pair = try backends.sessions(client: Self.client(nil, version: version), server: Self.server(version: version))
            let (client, server) = try ClientAuthenticationTests.refusal(pair)
            let alert = version == .tlsv1_3 ? "certificate_required" : "handshake_failure"
            #expect(server.description.hasPrefix("handshake failed: the client sent no certificate, and this server requires one"))
            #expect(client.kind == "handshake-failed")
            #expect(client.description.hasPrefix("handshake failed: the server requires a client certificate and this side has none to send; it answered \(alert)"))
        }

        @Test(arguments: BackendPair.all, versions)
        func unknownIssuerIsRefusedOnBothSides(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .clientCertificates)
            let pair = try backends.sessions(client: Self.client(Clients.stranger, version: version), server: Self.server(version: version))
            let (client, server) = try ClientAuthenticationTests.refusal(pair)
            guard case let .verificationFailed(details) = server else {
                Issue.record("not a verification failure: \(server)")
                return
            }
            #expect(details.peer == .client)
            #expect(details.certificate?.subject == "CN=mallory")
            #expect(server.description == "client certificate verification failed: unknown issuer CN=another client CA (certificate SHA-256 \(Clients.stranger.info.sha256Fingerprint)): no trusted client certificate authority issued it")
            #expect(client.description.hasPrefix("handshake failed: the server refused this side's certificate CN=mallory: it does not trust the certificate's issuer (unknown_ca)"))
        }
    }
}
