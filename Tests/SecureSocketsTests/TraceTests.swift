import GnuTLSBackend
import SecureSockets
import Testing

/// The live handshake trace, checked against the messages each version really sends.
@Suite struct TraceTests {
    final class Recorder {
        var events: [TLSTraceEvent] = []
        var lines: [String] { events.map(\.line) }
        var names: [String] { events.map { "\($0.direction.arrow) \($0.message)" } }
    }

    private func tracedExchange(_ version: TLSVersion) throws -> (client: Recorder, server: Recorder) {
        let events = try BackendConformance.Trace.traces(BackendPair(client: .gnutls, server: .gnutls), version: version)
        let client = Recorder()
        let server = Recorder()
        client.events = events.client
        server.events = events.server
        return (client, server)
    }

    @Test(arguments: [TLSVersion.tlsv1_0, .tlsv1_1, .tlsv1_2])
    func tls12AndOlderClientTrace(version: TLSVersion) throws {
        let (client, server) = try tracedExchange(version)
        #expect(client.names == [
            "→ ClientHello", "← ServerHello", "← Certificate", "← ServerKeyExchange", "← ServerHelloDone",
            "→ ClientKeyExchange", "→ ChangeCipherSpec", "→ Finished", "← NewSessionTicket", "← ChangeCipherSpec",
            "← Finished", "→ application data", "← application data", "← Alert",
        ])
        #expect(server.names == [
            "← ClientHello", "→ ServerHello", "→ Certificate", "→ ServerKeyExchange", "→ ServerHelloDone",
            "← ClientKeyExchange", "← ChangeCipherSpec", "← Finished", "→ NewSessionTicket", "→ ChangeCipherSpec",
            "→ Finished", "← application data", "→ application data", "→ Alert",
        ])
        #expect(client.lines[1].hasPrefix("← ServerHello        \(version.displayName), TLS_ECDHE_RSA_WITH_AES_256_"))
        #expect(client.lines[1].hasSuffix(", secure renegotiation"))
        #expect(client.lines[3].hasPrefix("← ServerKeyExchange  ECDHE secp256r1, signed "))
        let cipher = version == .tlsv1_2 ? "AES-256-GCM" : "AES-256-CBC"
        #expect(client.lines[8].hasPrefix("← NewSessionTicket   "))
        #expect(client.lines[11].hasPrefix("→ application data   19 bytes (encrypted as "))
        #expect(client.lines[11].hasSuffix(" bytes: \(cipher))"))
        #expect(server.lines[11] == "← application data   19 bytes" + client.lines[11].dropFirst("→ application data   19 bytes".count))
        #expect(client.lines.last == "← Alert              close_notify (warning, encrypted)")
    }

    @Test func tls13Trace() throws {
        let (client, server) = try tracedExchange(.tlsv1_3)
        #expect(client.names == [
            "→ ClientHello", "← ServerHello", "← ChangeCipherSpec", "← EncryptedExtensions", "← Certificate",
            "← CertificateVerify", "← Finished", "→ ChangeCipherSpec", "→ Finished", "→ application data",
            "← NewSessionTicket", "← NewSessionTicket", "← application data", "← Alert",
        ])
        #expect(server.names == [
            "← ClientHello", "→ ServerHello", "→ ChangeCipherSpec", "→ EncryptedExtensions", "→ Certificate",
            "→ CertificateVerify", "→ Finished", "→ NewSessionTicket", "→ NewSessionTicket", "← ChangeCipherSpec",
            "← Finished", "← application data", "→ application data", "→ Alert",
        ])
        #expect(client.lines[0] == "→ ClientHello        versions 1.3, 4 cipher suites, groups secp256r1 secp384r1 secp521r1 x25519 …, SNI localhost")
        #expect(client.lines[1].hasPrefix("← ServerHello        TLS1.3, TLS_AES_256_GCM_SHA384, key share "))
        #expect(client.lines[4].hasPrefix("← Certificate        CN=localhost (RSA 2048, RSA-SHA256), valid until "))
        #expect(client.lines[5] == "← CertificateVerify  signed rsa_pss_rsae_sha256")
        #expect(client.lines[9] == "→ application data   19 bytes (encrypted as 36 bytes: AES-256-GCM)")
        #expect(server.lines.last == "→ Alert              close_notify (warning, encrypted)")
        #expect(client.events.allSatisfy { !$0.explanation.isEmpty && $0.explanation != "A TLS message." })
    }

    @Test func failedHandshakeShowsTheAlertOnBothSides() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(.tlsv1_2)),
                                      server: Fixtures.serverContext(versions: .exactly(.tlsv1_3)))
        let client = Recorder()
        let server = Recorder()
        pair.client.traceHandler = { client.events.append($0) }
        pair.server.traceHandler = { server.events.append($0) }
        #expect(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(client.lines == ["→ ClientHello        versions up to 1.2, 25 cipher suites, groups secp256r1 secp384r1 secp521r1 x25519 …, SNI localhost",
                                 "← Alert              protocol_version (fatal)"])
        #expect(server.lines.last == "→ Alert              protocol_version (fatal)")
    }

    @Test func verificationFailureShowsTheAlertSent() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: Fixtures.other),
                                      server: Fixtures.serverContext())
        let client = Recorder()
        pair.client.traceHandler = { client.events.append($0) }
        #expect(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(client.names.suffix(2) == ["← Certificate", "→ Alert"] || client.names.last == "→ Alert")
        #expect(client.lines.last?.contains("(fatal") == true)
    }

    @Test func helloRetryRequestIsShownWhenTheServerWantsAnotherGroup() throws {
        let server = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        let gnutls = GnuTLS(options: GnuTLSOptions(priority: "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1"))
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(.tlsv1_3)),
                                      server: gnutls.makeContext(configuration: server))
        let client = Recorder()
        pair.client.traceHandler = { client.events.append($0) }
        try pair.handshake()
        #expect(Array(client.names.prefix(4)) == ["→ ClientHello", "← HelloRetryRequest", "→ ClientHello", "← ServerHello"]
                || Array(client.names.prefix(5)) == ["→ ClientHello", "← HelloRetryRequest", "← ChangeCipherSpec", "→ ClientHello", "← ServerHello"]
                || Array(client.names.prefix(5)) == ["→ ClientHello", "← HelloRetryRequest", "→ ChangeCipherSpec", "→ ClientHello", "← ServerHello"],
                "\(client.names)")
        #expect(client.lines[1] == "← HelloRetryRequest  asks for a key share in secp384r1")
        #expect(pair.client.info?.group == "SECP384R1")
    }
}
