/// The greeting exchange's framing: collects one message (the demo's greeting) from decrypted
/// chunks, up to a limit, and decides when it is whole.
///
/// Some TLS 1.0 clients split every write into a 1-byte record and the rest (1/n−1 record
/// splitting against BEAST), so the first read may return only `H`. The message is whole when the
/// limit is reached, or when something arrived and nothing more is buffered or arriving — except
/// that a lone first byte waits a short grace period for the rest.
package struct MessageAssembler: Sendable {
    /// The most bytes kept (the demo reads 1024).
    package let limit: Int
    /// The bytes collected so far (at most ``limit``).
    package private(set) var bytes: [UInt8] = []
    /// Bytes received beyond the limit and dropped.
    package private(set) var discarded = 0
    /// How long a lone first byte waits for the rest of a split write, in seconds.
    package static let splitRecordGrace = 0.25

    /// An empty message with the given limit.
    package init(limit: Int = 1024) {
        self.limit = max(1, limit)
    }

    /// What to do next.
    package enum Decision: Sendable, Equatable {
        /// The message is whole: answer it.
        case complete
        /// Wait for more input (nothing yet, or a record is half received).
        case needMore
        /// Only one byte came: wait ``MessageAssembler/splitRecordGrace`` for the rest, then answer.
        case waitForSplitRecord
    }

    /// Adds decrypted bytes, keeping at most ``limit`` in total.
    package mutating func append(_ chunk: some Collection<UInt8>) {
        let room = limit - bytes.count
        bytes.append(contentsOf: chunk.prefix(max(0, room)))
        discarded += max(0, chunk.count - max(0, room))
    }

    /// True once ``limit`` bytes are collected.
    package var isFull: Bool { bytes.count >= limit }

    /// Decides whether the message is whole.
    ///
    /// - Parameter moreIsComing: decrypted bytes are pending, part of a record is buffered, or the
    ///   transport has bytes ready right now.
    package func decide(moreIsComing: Bool) -> Decision {
        if isFull { return .complete }
        if bytes.isEmpty || moreIsComing { return .needMore }
        return bytes.count == 1 ? .waitForSplitRecord : .complete
    }

    /// The message as text (invalid UTF-8 is replaced, never trusted).
    package var text: String { String(decoding: bytes, as: UTF8.self) }
}
