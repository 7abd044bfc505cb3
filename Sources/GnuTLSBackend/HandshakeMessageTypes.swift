/// The handshake messages in a stream of plaintext handshake record bodies, in order (a message
/// may span records, and a record may hold several messages), kept until the hook reports them.
struct HandshakeMessageTypes {
    private var header: [UInt8] = []
    private var remaining = 0
    private var messages: [(type: UInt8, body: [UInt8])] = []

    /// Reads one record's body.
    mutating func append(_ body: some Collection<UInt8>) {
        var index = body.startIndex
        while index != body.endIndex {
            if remaining > 0 {
                let step = min(remaining, body.distance(from: index, to: body.endIndex))
                let end = body.index(index, offsetBy: step)
                // The message may have been taken already (reported before its last bytes came):
                // its rest is skipped.
                if !messages.isEmpty { messages[messages.count - 1].body.append(contentsOf: body[index..<end]) }
                remaining -= step
                index = end
                continue
            }
            header.append(body[index])
            index = body.index(after: index)
            if header.count == 4 {
                messages.append((header[0], []))
                remaining = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                header = []
            }
        }
    }

    /// True, and forgets it, when the next message read was of `type`.
    mutating func take(_ type: UInt8) -> Bool {
        guard messages.first?.type == type else { return false }
        messages.removeFirst()
        return true
    }

    /// The whole messages read but never reported (the handshake failed on them), forgotten.
    mutating func takeUnreported() -> [(type: UInt8, body: [UInt8])] {
        let complete = remaining > 0 ? messages.dropLast() : messages[...]
        messages = remaining > 0 ? Array(messages.suffix(1)) : []
        return Array(complete)
    }
}
