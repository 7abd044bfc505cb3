#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// The OpenSSL backend's trace: the same events, in the same form, as the GnuTLS backend's.
@Suite struct OpenSSLTraceTests {
    /// The client's and the server's events of one exchange: a handshake, one message each way.
    static func traces(client: Backend, server: Backend, version: TLSVersion) throws -> (client: [TLSTraceEvent], server: [TLSTraceEvent]) {
        let pair = try TLSSessionPair(
            client: client.backend.makeContext(configuration: Fixtures.clientConfiguration(versions: .exactly(version))),
            server: server.backend.makeContext(configuration: Fixtures.serverConfiguration(versions: .exactly(version))))
        var clientEvents: [TLSTraceEvent] = []
        var serverEvents: [TLSTraceEvent] = []
        pair.client.traceHandler = { clientEvents.append($0) }
        pair.server.traceHandler = { serverEvents.append($0) }
        try pair.handshake()
        try pair.client.write("ping")
        _ = try pair.deliver(from: pair.client, to: pair.server)
        return (clientEvents, serverEvents)
    }

    static func outline(_ events: [TLSTraceEvent]) -> [String] {
        events.filter { $0.message != "ChangeCipherSpec" }.map { "\($0.direction.arrow) \($0.message)" }
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func clientTraceHasEveryHandshakeMessageInOrder(version: TLSVersion) throws {
        let traces = try Self.traces(client: .openssl, server: .openssl, version: version)
        let expected = version == .tlsv1_3
            ? ["→ ClientHello", "← ServerHello", "← EncryptedExtensions", "← Certificate", "← CertificateVerify",
               "← Finished", "→ Finished", "→ application data"]
            : ["→ ClientHello", "← ServerHello", "← Certificate", "← ServerKeyExchange", "← ServerHelloDone",
               "→ ClientKeyExchange", "→ Finished", "← NewSessionTicket", "← Finished", "→ application data"]
        #expect(Self.outline(traces.client) == expected)
        let hello = try #require(traces.client.first { $0.message == "ServerHello" })
        #expect(hello.details.hasPrefix("TLS\(version == .tlsv1_3 ? "1.3" : "1.2"), TLS_"))
        let certificate = try #require(traces.client.first { $0.message == "Certificate" })
        #expect(certificate.details.hasPrefix("CN=localhost (RSA"))
        #expect(traces.client.allSatisfy { !$0.explanation.isEmpty || $0.message == "application data" })
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func bothBackendsTraceTheSameClientHandshake(version: TLSVersion) throws {
        let openssl = try Self.traces(client: .openssl, server: .openssl, version: version)
        let gnutls = try Self.traces(client: .gnutls, server: .openssl, version: version)
        #expect(Self.outline(openssl.client) == Self.outline(gnutls.client))
        #expect(Self.outline(openssl.server) == Self.outline(gnutls.server))
    }
}
#endif
