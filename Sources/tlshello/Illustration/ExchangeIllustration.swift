import GnuTLSBackend
import SecureSockets

/// One recorded exchange read for the page: every record in wire order with its header, the
/// messages it carried (decrypted where they were encrypted) split into fields, and the key
/// schedule that opened them.
struct ExchangeIllustration {
    /// One handshake message found in a record.
    struct Message {
        var name: String
        var bytes: [UInt8]
        var fields: [Field]
        /// True when GnuTLS's handshake hook reported the very same bytes.
        var matchesHook: Bool
    }

    /// One record and what it carried.
    struct Record {
        var index: Int
        var sender: KeySchedule.Sender
        var time: Double
        var bytes: [UInt8]
        var headerFields: [Field]
        /// How it was decrypted, when it was encrypted and could be.
        var opening: RecordOpener.Opening?
        /// True when the record was encrypted (whether or not it could be opened).
        var encrypted: Bool
        /// The content type of what it carried (the inner type when encrypted).
        var contentType: UInt8
        var messages: [Message] = []
        /// Application data carried.
        var applicationData: [UInt8]?
        /// An alert carried: level and description.
        var alert: (level: UInt8, code: UInt8)?
        /// One line naming what the record carried, e.g. `ServerHello` or `application data (19 bytes)`.
        var summary: String
    }

    let role: TLSConfiguration.Role
    /// The version agreed, when a ServerHello was seen.
    private(set) var version: UInt16?
    private(set) var suite: CipherSuiteParameters?
    private(set) var clientRandom: [UInt8] = []
    private(set) var serverRandom: [UInt8] = []
    private(set) var records: [Record] = []
    private(set) var keySchedule: KeySchedule?
    /// Handshake messages the hook reported that no record showed (e.g. when a record could not be opened).
    private(set) var unmatchedHookMessages: [ExchangeRecorder.HandshakeMessage] = []
    /// True when the ServerHello agreed to encrypt-then-MAC (RFC 7366) for a CBC suite.
    private(set) var encryptThenMAC = false
    /// True when the exchange ended with a fatal alert.
    var failed: Bool { records.contains { $0.alert.map { $0.level == 2 } == true } }

    init(_ recording: ExchangeRecorder) {
        role = recording.role
        func sender(_ direction: ExchangeRecorder.Direction) -> KeySchedule.Sender {
            (direction == .sent) == (role == .client) ? .client : .server
        }
        // First the clear hellos: the version, the suite and the randoms decide everything else.
        for record in recording.records where record.bytes.first == 22 && record.bytes.count > 9 {
            let body = Array(record.bytes.dropFirst(5))
            if body[0] == 1, clientRandom.isEmpty, body.count >= 38 { clientRandom = Array(body[6..<38]) }
            if body[0] == 2, serverRandom.isEmpty, let hello = HandshakeFacts.serverHello(body: Array(body.dropFirst(4))), !hello.isHelloRetryRequest {
                serverRandom = Array(body[6..<38])
                version = hello.version
                suite = CipherSuiteParameters(id: hello.cipherSuite)
                encryptThenMAC = Self.hasExtension(22, serverHello: Array(body.dropFirst(4)))
            }
        }
        var openers: [KeySchedule.Sender: RecordOpener] = [:]
        if let version, let suite {
            let schedule = KeySchedule(version: version, suite: suite, secrets: recording.secrets, clientRandom: clientRandom,
                                       serverRandom: serverRandom, encryptThenMAC: encryptThenMAC)
            keySchedule = schedule
            for side in [KeySchedule.Sender.client, .server] {
                openers[side] = RecordOpener(version: version, suite: suite, keys: schedule.keys[side] ?? [], encryptThenMAC: encryptThenMAC)
            }
        }
        var hook = recording.messages
        var pending: [KeySchedule.Sender: [UInt8]] = [:]
        var changedCipher: Set<KeySchedule.Sender> = []
        var context = HandshakeDissector.Context()
        var seenServerHello = false
        for (index, captured) in recording.records.enumerated() {
            let side = sender(captured.direction)
            let bytes = captured.bytes
            let type = bytes[0]
            var encrypted = false
            if type == 23 && version == 0x0304 && seenServerHello { encrypted = true }
            if changedCipher.contains(side) && type != 20 { encrypted = true }
            var record = Record(index: index + 1, sender: side, time: captured.time, bytes: bytes,
                                headerFields: Self.headerFields(bytes), opening: nil, encrypted: encrypted, contentType: type, summary: "")
            var payload = Array(bytes.dropFirst(5))
            if encrypted {
                if let opening = openers[side]?.open(bytes) {
                    record.opening = opening
                    record.contentType = opening.contentType
                    payload = opening.plaintext
                } else {
                    record.summary = "encrypted record (\(payload.count) bytes) that the page could not open"
                    records.append(record)
                    continue
                }
            }
            switch record.contentType {
            case 20:
                record.summary = "ChangeCipherSpec"
                if version != 0x0304 { changedCipher.insert(side) }
            case 21 where payload.count >= 2:
                record.alert = (payload[0], payload[1])
                record.summary = "Alert: \(TLSWire.alertName(payload[1])) (\(payload[0] == 2 ? "fatal" : "warning"))"
            case 23:
                record.applicationData = payload
                record.summary = "application data (\(payload.count) bytes)"
            case 22:
                var buffer = pending[side, default: []] + payload
                var names: [String] = []
                while buffer.count >= 4 {
                    let length = Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
                    guard buffer.count >= 4 + length else { break }
                    let message = Array(buffer.prefix(4 + length))
                    buffer.removeFirst(4 + length)
                    let name = HandshakeDissector.name(message)
                    if message[0] == 2 && name != "HelloRetryRequest" {
                        seenServerHello = true
                        context.version = version
                    }
                    let direction: ExchangeRecorder.Direction = (side == .client) == (role == .client) ? .sent : .received
                    var matches = false
                    if let found = hook.firstIndex(where: { $0.direction == direction && $0.type == message[0]
                                                            && ($0.body == Array(message.dropFirst(4)) || $0.helloRetryRequest) }) {
                        matches = hook[found].body == Array(message.dropFirst(4))
                        hook.remove(at: found)
                    }
                    record.messages.append(Message(name: name, bytes: message, fields: HandshakeDissector.dissect(message, context: context),
                                                   matchesHook: matches))
                    names.append(name)
                    if message[0] == 20 { openers[side]?.finishedSent() }
                }
                pending[side] = buffer
                record.summary = names.isEmpty ? "part of a handshake message" : names.joined(separator: ", ")
            default:
                record.summary = "content type \(record.contentType)"
            }
            records.append(record)
        }
        unmatchedHookMessages = hook
    }

    private static func hasExtension(_ wanted: Int, serverHello body: [UInt8]) -> Bool {
        var reader = FieldReader(body)
        guard reader.take(34) != nil, reader.vector(1) != nil, reader.take(3) != nil, let list = reader.vector(2) else { return false }
        var inner = FieldReader(list.body.bytes)
        while let type = inner.number(2), inner.vector(2) != nil {
            if type.value == wanted { return true }
        }
        return false
    }

    private static func headerFields(_ bytes: [UInt8]) -> [Field] {
        let type = bytes[0]
        let typeName: String
        switch type {
        case 20: typeName = "change_cipher_spec"
        case 21: typeName = "alert"
        case 22: typeName = "handshake"
        case 23: typeName = "application_data"
        default: typeName = "unknown"
        }
        let version = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
        let length = Int(bytes[3]) << 8 | Int(bytes[4])
        return [
            Field(name: "content type", meaning: "what the record carries (encrypted TLS 1.3 records all say application_data)",
                  range: 0..<1, value: "\(type) (\(typeName))"),
            Field(name: "legacy version", meaning: "the record layer's version field, frozen at 1.2 (or 1.0 in a first ClientHello) since TLS 1.3",
                  range: 1..<3, value: "TLS " + TLSWire.versionName(version)),
            Field(name: "length", meaning: "the bytes of the record's body that follow", range: 3..<5, value: "\(length)"),
        ]
    }
}
