import GreetingFraming
import SecureSockets

/// The greeting's message assembly (``MessageAssembler``) driven by a script: a 2-byte limit
/// (taken modulo 4096), then chunks, each a header byte (bit 7: more input is coming; bits 0–6:
/// the chunk's length) and its bytes. After every chunk the assembler's state is checked
/// against what was appended.
package enum GreetingFuzzer {
    /// Runs one input; returns the assembled message.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array(data)[...]
        guard bytes.count >= 2 else { return [] }
        let limit = (Int(bytes.removeFirst()) << 8 | Int(bytes.removeFirst())) % 4096
        var message = MessageAssembler(limit: limit)
        let effectiveLimit = max(1, limit)
        var appended: [UInt8] = []
        while let header = bytes.popFirst() {
            let chunk = bytes.prefix(Int(header & 0x7f))
            bytes = bytes.dropFirst(chunk.count)
            message.append(chunk)
            appended += chunk
            precondition(message.bytes[...] == appended.prefix(effectiveLimit), "the message is not the first bytes received")
            precondition(message.bytes.count + message.discarded == appended.count, "bytes lost or counted twice")
            precondition(message.isFull == (appended.count >= effectiveLimit), "isFull disagrees with the count")
            let moreIsComing = header & 0x80 != 0
            let decision = message.decide(moreIsComing: moreIsComing)
            if message.isFull {
                precondition(decision == .complete, "a full message waits")
            } else if appended.isEmpty || moreIsComing {
                precondition(decision == .needMore, "an empty or growing message is answered")
            }
            _ = message.text
        }
        return message.bytes
    }
}
