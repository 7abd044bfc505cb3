import NIOCore

/// The writes a ``TLSHandler`` holds as plaintext until they are flushed (and, before the
/// handshake completes, until it does), with the flushes and an output close issued meanwhile,
/// in order.
struct BufferedWrites {
    /// One write: its plaintext and its promise.
    struct Write {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    /// The writes, oldest first.
    private(set) var writes: [Write] = []
    /// How many of ``writes`` a flush covered.
    private(set) var flushed = 0
    /// True once `close(mode: .output)` was issued during the handshake: it runs after the
    /// writes, and no write may follow.
    private(set) var closeOutputRequested = false
    /// The promise of that close, if it had one.
    private(set) var closeOutputPromise: EventLoopPromise<Void>?

    /// True when no write is held.
    var isEmpty: Bool { writes.isEmpty }

    /// Keeps a write.
    mutating func append(_ data: ByteBuffer, promise: EventLoopPromise<Void>?) {
        writes.append(Write(data: data, promise: promise))
    }

    /// Marks every write kept so far as flushed.
    mutating func flush() {
        flushed = writes.count
    }

    /// Removes and returns the writes a flush covered, oldest first.
    mutating func takeFlushed() -> ArraySlice<Write> {
        guard flushed > 0 else { return [] }
        if flushed == writes.count {
            defer {
                writes.removeAll(keepingCapacity: true)
                flushed = 0
            }
            return writes[...]
        }
        defer {
            writes.removeFirst(flushed)
            flushed = 0
        }
        return writes[..<flushed]
    }

    /// Records `close(mode: .output)`; false if one was already recorded.
    mutating func requestCloseOutput(promise: EventLoopPromise<Void>?) -> Bool {
        guard !closeOutputRequested else { return false }
        closeOutputRequested = true
        closeOutputPromise = promise
        return true
    }

    /// Removes and returns the recorded output close: whether there was one, and its promise.
    mutating func takeCloseOutput() -> (requested: Bool, promise: EventLoopPromise<Void>?) {
        defer {
            closeOutputRequested = false
            closeOutputPromise = nil
        }
        return (closeOutputRequested, closeOutputPromise)
    }

    /// Fails every promise kept with `error` and empties the buffer.
    mutating func failAll(_ error: any Error) {
        let taken = self
        self = BufferedWrites()
        for write in taken.writes { write.promise?.fail(error) }
        taken.closeOutputPromise?.fail(error)
    }
}
