import NIOCore

/// The writes, flushes and output close a ``TLSHandler`` is given before its handshake
/// completes, kept in order until they can be sent.
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
    /// True once `close(mode: .output)` was issued: it runs after the writes, and no write may follow.
    private(set) var closeOutputRequested = false
    /// The promise of that close, if it had one.
    private(set) var closeOutputPromise: EventLoopPromise<Void>?

    /// Keeps a write.
    mutating func append(_ data: ByteBuffer, promise: EventLoopPromise<Void>?) {
        writes.append(Write(data: data, promise: promise))
    }

    /// Marks every write kept so far as flushed.
    mutating func flush() {
        flushed = writes.count
    }

    /// Records `close(mode: .output)`; false if one was already recorded.
    mutating func requestCloseOutput(promise: EventLoopPromise<Void>?) -> Bool {
        guard !closeOutputRequested else { return false }
        closeOutputRequested = true
        closeOutputPromise = promise
        return true
    }

    /// Empties the buffer, handing back what it held.
    mutating func takeAll() -> BufferedWrites {
        defer { self = BufferedWrites() }
        return self
    }

    /// Fails every promise kept with `error` and empties the buffer.
    mutating func failAll(_ error: any Error) {
        let taken = takeAll()
        for write in taken.writes { write.promise?.fail(error) }
        taken.closeOutputPromise?.fail(error)
    }
}
