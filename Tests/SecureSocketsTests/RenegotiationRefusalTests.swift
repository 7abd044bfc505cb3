import CGnuTLS
@testable import GnuTLSBackend
import SecureSockets
import Testing

/// A TLS 1.2 client that asks to renegotiate gets a no_renegotiation warning, and the session
/// goes on with its current keys: data the client sends afterwards is read, not refused.
/// (GnuTLS keeps the refused ClientHello in its record buffer and reports it once more as an
/// unexpected packet on the next receive; tlsfuzzer's test-renegotiation-disabled caught that.)
@Suite struct RenegotiationRefusalTests {
    @Test func dataAfterARefusedRenegotiationIsRead() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(versions: .exactly(.tlsv1_2)),
                                      server: Fixtures.serverContext(versions: .exactly(.tlsv1_2)))
        try pair.handshake()
        let client = try #require(pair.client as? GnuTLSSession)

        // The client starts a second handshake: its ClientHello goes out encrypted.
        #expect(gnutls_handshake(client.session) == GNUTLS_E_AGAIN)
        pair.transfer()
        #expect(try pair.server.read(maximum: 4096) == .needsInput, "the server refuses and waits for data")

        // The refusal reaches the client, which stays with the current session.
        pair.transfer()
        let answer = gnutls_handshake(client.session)
        #expect(answer == GNUTLS_E_WARNING_ALERT_RECEIVED, "\(String(cString: gnutls_strerror_name(answer)))")
        #expect(gnutls_alert_get(client.session) == GNUTLS_A_NO_RENEGOTIATION)

        let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        try request.withUnsafeBytes { try pair.client.write($0) }
        #expect(try pair.deliver(from: pair.client, to: pair.server) == request)

        let reply = Array("HTTP/1.0 200 OK\r\n\r\n".utf8)
        try reply.withUnsafeBytes { try pair.server.write($0) }
        #expect(try pair.deliver(from: pair.server, to: pair.client) == reply)
    }
}
