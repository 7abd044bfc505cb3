import GnuTLSBackend
import SecureSockets
import Testing

/// An SSL 2.0-format record too short to hold a ClientHello is refused at once with decode_error,
/// instead of being held until the handshake timeout (GnuTLS waits for input that cannot complete
/// it). tlsfuzzer's test-sslv2hello-protocol caught it.
@Suite struct TruncatedSSLv2HelloTests {
    @Test(arguments: [
        [0x80, 0x01, 0x00],                          // one byte, message type 0
        [0x80, 0x01, 0x01],                          // one byte, message type 1 (ClientHello)
        [0x80, 0x03, 0x01, 0x03, 0x03],              // a type and a version only
        [0x80, 0x08, 0x01, 0x03, 0x03, 0, 3, 0, 0],  // one byte short of the smallest hello
    ] as [[UInt8]])
    func tooShortForAHelloIsRefusedAtOnce(record: [UInt8]) throws {
        let server = try Fixtures.serverContext(versions: .exactly(.tlsv1_2)).makeSession(peerName: nil)
        server.receiveFromNetwork(record)
        let error = try #require(throws: TLSError.self) { try server.handshake() }
        #expect("\(error)".contains("SSL 2.0 record of \(Int(record[1])) bytes"), "\(error)")
        let output = server.takeNetworkOutput()
        // A plaintext alert record: fatal (2), decode_error (50).
        #expect(output.count == 7 && output[0] == 0x15 && Array(output[5..<7]) == [2, 50], "\(output)")
    }

    @Test func aSplitTLSHelloIsNotMistakenForOne() throws {
        // The first two bytes of a TLS record never have the top bit set: a hello fed one byte at
        // a time is still answered.
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext())
        _ = try pair.client.handshake()
        var answer: [UInt8] = []
        for byte in pair.client.takeNetworkOutput() {
            pair.server.receiveFromNetwork([byte])
            _ = try pair.server.handshake()
            answer += pair.server.takeNetworkOutput()
        }
        #expect(answer.first == 0x16, "the server answered the hello with a handshake record: \(answer.prefix(5))")
    }
}
