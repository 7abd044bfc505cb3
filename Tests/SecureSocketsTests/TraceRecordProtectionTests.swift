import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// Whether each traced message's record went in the clear or encrypted, on both sides.
@Suite struct TraceRecordProtectionTests {
    private func traced(_ version: TLSVersion) throws -> (client: [TLSTraceEvent], server: [TLSTraceEvent]) {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(version)),
                                      server: Fixtures.serverContext(versions: .exactly(version)))
        nonisolated(unsafe) var client: [TLSTraceEvent] = []
        nonisolated(unsafe) var server: [TLSTraceEvent] = []
        pair.client.traceHandler = { client.append($0) }
        pair.server.traceHandler = { server.append($0) }
        try pair.handshake()
        try pair.client.write("Hola soy tu cliente")
        _ = try pair.deliver(from: pair.client, to: pair.server)
        try pair.server.write("Hola soy tu servidor....")
        try pair.server.close()
        _ = try pair.deliver(from: pair.server, to: pair.client)
        _ = try pair.client.read(maximum: 100)
        return (client, server)
    }

    /// `name` when in the clear, `name*` when encrypted.
    private func marked(_ events: [TLSTraceEvent]) -> [String] {
        events.map { "\($0.direction.arrow) \($0.message)" + ($0.encrypted == true ? "*" : $0.encrypted == false ? "" : "?") }
    }

    @Test func tls13EncryptsEverythingAfterServerHello() throws {
        let (client, server) = try traced(.tlsv1_3)
        #expect(marked(client) == [
            "→ ClientHello", "← ServerHello", "← ChangeCipherSpec", "← EncryptedExtensions*", "← Certificate*",
            "← CertificateVerify*", "← Finished*", "→ ChangeCipherSpec", "→ Finished*", "→ application data*",
            "← NewSessionTicket*", "← NewSessionTicket*", "← application data*", "← Alert*",
        ])
        #expect(marked(server) == [
            "← ClientHello", "→ ServerHello", "→ ChangeCipherSpec", "→ EncryptedExtensions*", "→ Certificate*",
            "→ CertificateVerify*", "→ Finished*", "→ NewSessionTicket*", "→ NewSessionTicket*", "← ChangeCipherSpec",
            "← Finished*", "← application data*", "→ application data*", "→ Alert*",
        ])
    }

    @Test func tls12EncryptsEachDirectionAfterItsChangeCipherSpec() throws {
        let (client, server) = try traced(.tlsv1_2)
        #expect(marked(client) == [
            "→ ClientHello", "← ServerHello", "← Certificate", "← ServerKeyExchange", "← ServerHelloDone",
            "→ ClientKeyExchange", "→ ChangeCipherSpec", "→ Finished*", "← NewSessionTicket", "← ChangeCipherSpec",
            "← Finished*", "→ application data*", "← application data*", "← Alert*",
        ])
        #expect(marked(server) == [
            "← ClientHello", "→ ServerHello", "→ Certificate", "→ ServerKeyExchange", "→ ServerHelloDone",
            "← ClientKeyExchange", "← ChangeCipherSpec", "← Finished*", "→ NewSessionTicket", "→ ChangeCipherSpec",
            "→ Finished*", "← application data*", "→ application data*", "→ Alert*",
        ])
    }

    @Test func aRefusedClientHelloIsTracedBeforeTheAlert() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(.tlsv1_2)),
                                      server: Fixtures.serverContext(versions: .exactly(.tlsv1_3)))
        nonisolated(unsafe) var server: [TLSTraceEvent] = []
        pair.server.traceHandler = { server.append($0) }
        #expect(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
        #expect(marked(server) == ["← ClientHello", "→ Alert"])
        #expect(server.first?.details.hasSuffix("(refused)") == true)
        #expect(server.last?.details.hasPrefix("protocol_version") == true)
    }

    @Test func jsonWithoutTheNewFieldsStillDecodes() throws {
        let old = #"{"direction":"sent","message":"ClientHello","details":"versions 1.3 1.2","explanation":"x"}"#
        let event = try JSONDecoder().decode(TLSTraceEvent.self, from: Data(old.utf8))
        #expect(event.encrypted == nil && event.elapsed == nil)
        #expect(event.line == "→ ClientHello        versions 1.3 1.2")
        let stamped = TLSTraceEvent(direction: .received, message: "Finished", details: "", explanation: "", encrypted: true, elapsed: 0.0125)
        let encoded = String(decoding: try JSONEncoder().encode(stamped), as: UTF8.self)
        #expect(encoded.contains(#""encrypted":true"#) && encoded.contains(#""elapsed":0.0125"#))
        #expect(try JSONDecoder().decode(TLSTraceEvent.self, from: Data(encoded.utf8)) == stamped)
        #expect(!String(decoding: try JSONEncoder().encode(event), as: UTF8.self).contains("encrypted"))
    }
}
