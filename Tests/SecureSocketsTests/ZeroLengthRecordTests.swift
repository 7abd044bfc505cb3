import CGnuTLS
@testable import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// Zero-length records around and after the handshake, in both directions. RFC 5246 §6.2.1 and
/// RFC 8446 §5.1 forbid zero-length handshake (and alert, ChangeCipherSpec) fragments; GnuTLS
/// answers any zero-length record inside a handshake with unexpected_message, at once. Application
/// data records without data after the handshake are legal and are skipped.
@Suite struct ZeroLengthRecordTests {
    static let unexpectedMessage: UInt8 = 10

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3], [TLSRecords.handshake, TLSRecords.applicationData,
                                                       TLSRecords.alert, TLSRecords.changeCipherSpec])
    func zeroLengthRecordsInsideTheClientHelloAreRefusedAtOnce(version: TLSVersion, contentType: UInt8) throws {
        let (client, server) = try FragmentedHandshakeTests.sessions(version)
        _ = try client.handshake()
        let records = TLSRecords.reframe(client.takeNetworkOutput(), recordSize: 100, emptyRecords: contentType)
        let (output, error, time) = try FragmentedHandshakeTests.answer([records], server: server)
        let failure = try #require(error)
        #expect(failure.description.contains("GNUTLS_E_UNEXPECTED_PACKET"))
        // Not a version mismatch: the hello was cut short by the empty record, its versions unread.
        #expect(failure.kind == "handshake-failed")
        #expect(FragmentedHandshakeTests.alert(output) == Self.unexpectedMessage)
        #expect(time < FragmentedHandshakeTests.answerDeadline)
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3], [TLSRecords.handshake, TLSRecords.applicationData])
    func zeroLengthRecordsInsideTheServerFlightAreRefusedAtOnce(version: TLSVersion, contentType: UInt8) throws {
        let (client, server) = try FragmentedHandshakeTests.sessions(version)
        let failure = try #require(throws: TLSError.self) {
            try FragmentedHandshakeTests.handshake(client: client, server: server, toServer: { [$0] }, toClient: {
                [TLSRecords.reframe($0, recordSize: 100, emptyRecords: contentType)]
            })
        }
        #expect(failure.description.contains("GNUTLS_E_UNEXPECTED_PACKET"))
        #expect(FragmentedHandshakeTests.alert(client.takeNetworkOutput()) == Self.unexpectedMessage)
    }

    /// A peer may send application data records with no data (TLS 1.3 §5.4: with padding only, which
    /// hides the length of the traffic): they are skipped and the data around them arrives, fed
    /// one byte per read.
    @Test func emptyApplicationDataRecordsAreSkipped() throws {
        let (client, server) = try FragmentedHandshakeTests.sessions(.tlsv1_3)
        try FragmentedHandshakeTests.handshake(client: client, server: server, toServer: { [$0] }, toClient: { [$0] })
        let handle = try #require(client as? GnuTLSSession).session
        var byte: UInt8 = 0
        var stream: [UInt8] = []
        for _ in 0..<3 {
            #expect(gnutls_record_send2(handle, &byte, 0, 32, 0) == 0)
            stream += client.takeNetworkOutput()
        }
        let empty = TLSRecords.parse(stream)
        #expect(empty.count == 3)
        #expect(empty.allSatisfy { $0.contentType == TLSRecords.applicationData && $0.payload.count == 1 + 32 + 16 })
        try client.write("Hola")
        stream += client.takeNetworkOutput()
        var received: [UInt8] = []
        for byte in stream {
            server.receiveFromNetwork([byte])
            reading: while true {
                switch try server.read(maximum: 1024) {
                case let .data(bytes): received += bytes
                case .needsInput: break reading
                case .closed:
                    Issue.record("an empty record read as the peer's close")
                    break reading
                }
            }
        }
        #expect(received == Array("Hola".utf8))
    }
}
