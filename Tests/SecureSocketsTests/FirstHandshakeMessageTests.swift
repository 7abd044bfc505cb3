import SecureSockets
import TestSupport
import Testing

/// Reassembling the first handshake message from the records it was split into.
@Suite struct FirstHandshakeMessageTests {
    static let message: [UInt8] = [1, 0, 0, 10] + Array(1...10)

    @Test(arguments: [1, 2, 3, 4, 5, 14])
    func joinsTheRecordsOfAMessage(recordSize: Int) {
        let records = TLSRecords.frame(Self.message, recordSize: recordSize)
        #expect(FirstHandshakeMessage.read(records, limit: 100)
                == .message(FirstHandshakeMessage(type: 1, declaredLength: 10, body: Array(1...10))))
    }

    @Test func waitsForTheHeaderAndReportsAPartialBody() {
        let records = TLSRecords.frame(Self.message, recordSize: 3)
        #expect(FirstHandshakeMessage.read(records.prefix(7), limit: 100) == .incomplete)
        // Two whole 3-byte records and one byte of the third: the header and three body bytes.
        guard case let .message(partial) = FirstHandshakeMessage.read(records.prefix(8 + 8 + 6), limit: 100) else {
            Issue.record("the header was whole")
            return
        }
        #expect(partial.declaredLength == 10)
        #expect(partial.body == [1, 2, 3])
        #expect(!partial.isComplete)
    }

    @Test func keepsAtMostTheLimit() {
        let records = TLSRecords.frame(Self.message, recordSize: 2)
        guard case let .message(message) = FirstHandshakeMessage.read(records, limit: 4) else {
            Issue.record("no message")
            return
        }
        #expect(message.body == [1, 2, 3, 4])
        #expect(!message.isComplete)
    }

    @Test func stopsAtAnotherContentType() {
        let alert = TLSRecords.Record(contentType: TLSRecords.alert, payload: [2, 40]).bytes
        #expect(FirstHandshakeMessage.read(alert + TLSRecords.frame(Self.message, recordSize: 5), limit: 100) == .notHandshake)
        let split = TLSRecords.frame(Self.message, recordSize: 6)
        // Header and 2 body bytes, then an alert: the message so far, no more.
        guard case let .message(message) = FirstHandshakeMessage.read(Array(split.prefix(11)) + alert + split.dropFirst(11), limit: 100) else {
            Issue.record("no message")
            return
        }
        #expect(message.body == [1, 2])
    }

    /// A record that claims more than the message does not make the reader take the bytes after it.
    @Test func readsNoFurtherThanTheDeclaredLength() {
        let record = TLSRecords.Record(contentType: TLSRecords.handshake, payload: [1, 0, 0, 2, 7, 7, 9, 9, 9]).bytes
        #expect(FirstHandshakeMessage.read(record, limit: 100) == .message(FirstHandshakeMessage(type: 1, declaredLength: 2, body: [7, 7])))
    }
}
