/// The first handshake message of a connection (a client's ClientHello, a server's ServerHello),
/// put back together from the handshake records it arrived in: a peer may split one message over
/// many records (down to one byte each), and the reader may hold only part of the last one.
/// Bounded: at most `limit` bytes of the body are kept, whatever the message declares.
package struct FirstHandshakeMessage: Sendable, Equatable {
    /// The handshake message type (1: ClientHello, 2: ServerHello).
    package var type: UInt8
    /// The body length the 4-byte message header declares.
    package var declaredLength: Int
    /// The body received so far, at most the `limit` given to ``read(_:limit:)``.
    package var body: [UInt8]
    /// True when ``body`` holds the whole message.
    package var isComplete: Bool { body.count == declaredLength }

    /// A message of `type` whose header declares `declaredLength` bytes, of which `body` arrived.
    package init(type: UInt8, declaredLength: Int, body: [UInt8]) {
        self.type = type
        self.declaredLength = declaredLength
        self.body = body
    }

    /// What the start of a connection holds.
    package enum Outcome: Sendable, Equatable {
        /// Too few bytes to read the message header yet.
        case incomplete
        /// A record that is not a handshake record came before the message header was whole.
        case notHandshake
        /// The message header and as much of the body as arrived.
        case message(FirstHandshakeMessage)
    }

    /// The TLS content type of handshake records.
    static let handshakeContentType: UInt8 = 0x16

    /// Reads consecutive handshake records from the start of `bytes` (record headers included)
    /// and joins their payloads into the first message, keeping at most `limit` bytes of its body.
    /// Stops at the first record of another content type, at a record cut short, or when the
    /// message is whole.
    package static func read(_ bytes: some Collection<UInt8>, limit: Int) -> Outcome {
        var header: [UInt8] = []
        var message: FirstHandshakeMessage?
        var index = bytes.startIndex
        while index != bytes.endIndex {
            guard bytes.distance(from: index, to: bytes.endIndex) >= 5 else { break }
            let recordHeader = Array(bytes[index..<bytes.index(index, offsetBy: 5)])
            guard recordHeader[0] == handshakeContentType else {
                return message.map { .message($0) } ?? .notHandshake
            }
            let length = Int(recordHeader[3]) << 8 | Int(recordHeader[4])
            let payloadStart = bytes.index(index, offsetBy: 5)
            let available = min(length, bytes.distance(from: payloadStart, to: bytes.endIndex))
            let payloadEnd = bytes.index(payloadStart, offsetBy: available)
            for byte in bytes[payloadStart..<payloadEnd] {
                if var current = message {
                    guard current.body.count < min(current.declaredLength, limit) else { return .message(current) }
                    current.body.append(byte)
                    message = current
                } else {
                    header.append(byte)
                    if header.count == 4 {
                        let declared = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                        message = FirstHandshakeMessage(type: header[0], declaredLength: declared, body: [])
                    }
                }
            }
            if let message, message.body.count >= min(message.declaredLength, limit) { return .message(message) }
            guard available == length else { break }
            index = payloadEnd
        }
        return message.map { .message($0) } ?? .incomplete
    }
}
