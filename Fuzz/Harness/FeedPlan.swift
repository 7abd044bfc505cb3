/// How a session fuzz input is cut into network reads: the first byte's low three bits give a
/// count `n` of chunk lengths, its high bits are flags for the target, the next `n` bytes are
/// the chunk lengths (cycled; 0 means "all the rest at once") and everything after them is the
/// peer's bytes. So one input explores both what arrives and how it is split into reads: one
/// record over many reads, several records in one read, a split at every byte boundary.
package struct FeedPlan: Sendable, Equatable {
    /// The flag bits of the first byte (bits 3–7), for the target to interpret.
    package var flags: UInt8
    /// The chunk lengths, cycled over the payload; empty: one read.
    package var lengths: [Int]
    /// The peer's bytes.
    package var payload: [UInt8]

    /// The most reads one input is cut into; what is left after them arrives in one last read
    /// (keeps a 64 KiB input split into 1-byte reads from taking seconds).
    package static let maximumReads = 2048

    /// Reads a plan from fuzz input; an empty input is an empty payload read at once.
    package init(_ data: some Collection<UInt8>) {
        var bytes = Array(data)[...]
        guard let first = bytes.popFirst() else {
            self.init(flags: 0, lengths: [], payload: [])
            return
        }
        let count = min(Int(first & 0x07), bytes.count)
        let lengths = bytes.prefix(count).map(Int.init)
        self.init(flags: first & 0xf8, lengths: lengths, payload: Array(bytes.dropFirst(count)))
    }

    /// A plan from its parts.
    package init(flags: UInt8, lengths: [Int], payload: [UInt8]) {
        self.flags = flags & 0xf8
        self.lengths = Array(lengths.prefix(7).map { min(max($0, 0), 255) })
        self.payload = payload
    }

    /// The bytes that encode this plan (the inverse of ``init(_:)``).
    package var encoded: [UInt8] {
        [flags | UInt8(lengths.count)] + lengths.map { UInt8($0) } + payload
    }

    /// The payload cut into reads, in order.
    package var chunks: [ArraySlice<UInt8>] {
        let all = payload[...]
        guard !lengths.isEmpty else { return [all] }
        var chunks: [ArraySlice<UInt8>] = []
        var offset = all.startIndex
        var index = 0
        while offset < all.endIndex {
            let length = lengths[index % lengths.count]
            index += 1
            let end = length == 0 || chunks.count + 1 >= Self.maximumReads
                ? all.endIndex : min(all.endIndex, offset + length)
            chunks.append(all[offset..<end])
            offset = end
        }
        return chunks
    }
}
