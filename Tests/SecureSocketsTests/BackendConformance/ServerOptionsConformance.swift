import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// What a server may hold beyond one certificate: several certificate/key pairs chosen by the
    /// client's server name, and OCSP stapling (a client that requires a status refuses a server
    /// that staples none).
    @Suite struct ServerOptions {
        @Test(arguments: BackendPair.all, [("rsa.test", "CN=rsa.test"), ("ec.test", "CN=ec.test"), ("x.wild.test", "CN=wild.test")])
        func theServerNamePicksTheCertificate(backends: BackendPair, expected: (String, String)) throws {
            try backends.require(.encryption, .severalIdentities)
            let (name, subject) = expected
            let server = TLSConfiguration.makeServerConfiguration(identities: [
                ServerIdentityTests.identity(ServerIdentityTests.rsa, "rsa"),
                ServerIdentityTests.identity(ServerIdentityTests.ecdsa, "ecdsa"),
                ServerIdentityTests.identity(ServerIdentityTests.wildcard, "wild"),
            ])
            var client = Fixtures.clientConfiguration(trust: nil)
            client.trustRoots = .pem([ServerIdentityTests.rsa, ServerIdentityTests.ecdsa, ServerIdentityTests.wildcard]
                .map(\.certificatePEM).joined(), label: "trust.pem")
            let pair = try backends.sessions(client: client, server: server, serverName: name)
            try pair.handshake()
            #expect(pair.client.info?.peerCertificates.first?.subject == subject)
            #expect(pair.client.info?.verification == "verified (chain and name \(name))")
            #expect(pair.server.info?.serverName == name)
        }

        @Test(arguments: BackendPair.all, [TLSVersion.tlsv1_2, .tlsv1_3])
        func aClientRequiringAnOCSPStatusRefusesAServerWithout(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .ocspStapling)
            var client = Fixtures.clientConfiguration(versions: .exactly(version))
            client.requiresOCSPStatus = true
            let pair = try backends.sessions(client: client, server: Fixtures.serverConfiguration(versions: .exactly(version)))
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            guard case let .ocspStatusRequired(reason, alert)? = failure.client else {
                Issue.record("not an OCSP refusal: \(String(describing: failure.client))")
                return
            }
            #expect(reason == "the server stapled no OCSP response")
            #expect(alert?.code == 113)
            #if OpenSSL
            if backends.client == .openssl && backends.server == .gnutls && version == .tlsv1_3 {
                // A declared difference: an OpenSSL client sends its alert before it turns on its
                // TLS 1.3 handshake keys, in plaintext; a GnuTLS server, already reading with
                // those keys, cannot decrypt it.
                #expect(failure.server?.libraryError?.name == "GNUTLS_E_DECRYPTION_FAILED")
                return
            }
            #endif
            // Each library names the alert in its own words; its number is the same.
            #expect(Self.receivedAlert(failure.server)?.code == 113)
        }

        /// The alert a side that failed had received, as its error carries it.
        static func receivedAlert(_ error: TLSError?) -> TLSAlert? {
            switch error {
            case let .alertReceived(alert, _)?, let .handshakeFailed(_, _, alert?)?: return alert
            default: return nil
            }
        }
    }
}
