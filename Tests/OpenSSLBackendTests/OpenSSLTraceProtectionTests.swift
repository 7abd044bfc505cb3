#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// Whether each message of the OpenSSL backend's trace went in the clear or encrypted, as the
/// GnuTLS backend (which reads it from the records) says it.
@Suite struct OpenSSLTraceProtectionTests {
    /// `→ Finished*` for an encrypted record, `→ ClientHello` for a plaintext one.
    private static func marked(_ events: [TLSTraceEvent]) -> [String] {
        events.map { "\($0.direction.arrow) \($0.message)" + ($0.encrypted == true ? "*" : $0.encrypted == false ? "" : "?") }
    }

    /// What the protocol fixes: in TLS 1.3 all but the hellos and ChangeCipherSpec is encrypted; in
    /// TLS 1.2 a side encrypts from its ChangeCipherSpec on (here: Finished and the data).
    private static func expectedEncrypted(_ event: TLSTraceEvent, version: TLSVersion) -> Bool {
        if event.message == "ChangeCipherSpec" { return false }
        if version == .tlsv1_3 { return !["ClientHello", "ServerHello", "HelloRetryRequest"].contains(event.message) }
        return ["Finished", "application data"].contains(event.message)
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func everyMessageSaysHowItsRecordWent(version: TLSVersion) throws {
        let traces = try OpenSSLTraceTests.traces(client: .openssl, server: .openssl, version: version)
        for event in traces.client + traces.server {
            #expect(event.encrypted == Self.expectedEncrypted(event, version: version), "\(event.line)")
        }
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func bothBackendsMarkTheClientTraceAlike(version: TLSVersion) throws {
        let openssl = try OpenSSLTraceTests.traces(client: .openssl, server: .openssl, version: version)
        let gnutls = try OpenSSLTraceTests.traces(client: .gnutls, server: .openssl, version: version)
        let handshake = { (events: [TLSTraceEvent]) in Self.marked(events.filter { $0.message != "ChangeCipherSpec" }) }
        #expect(handshake(openssl.client) == handshake(gnutls.client))
    }
}
#endif
