import NIOCore
import SecureSockets

// The outbound side of ``TLSHandler``: plaintext from above is held until it is flushed (and
// until the handshake completed), then encrypted, small writes together in one record, and
// handed to the channel as one buffer per flush with the writes' promises.
extension TLSHandler {
    /// The most plaintext gathered from small writes into one record.
    static let recordPlaintext = 16 * 1024

    /// Holds plaintext from above until the next flush (and until the handshake completed).
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .handshaking:
            if bufferedWrites.closeOutputRequested {
                promise?.fail(ChannelError.outputClosed)
            } else {
                bufferedWrites.append(unwrapOutboundIn(data), promise: promise)
            }
        case .active, .inputClosed:
            bufferedWrites.append(unwrapOutboundIn(data), promise: promise)
        case .outputClosed, .closing:
            promise?.fail(ChannelError.outputClosed)
        case .draining, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// Encrypts the writes held so far and flushes them to the channel (during the handshake,
    /// remembers the flush for when it completes).
    public func flush(context: ChannelHandlerContext) {
        switch state {
        case .handshaking:
            bufferedWrites.flush()
        case .active, .inputClosed:
            bufferedWrites.flush()
            sendFlushedWrites(context: context)
            context.flush()
        case .outputClosed, .closing, .draining, .closed:
            context.flush()
        }
    }

    /// Encrypts the flushed writes in order and hands the records to the channel as one buffer
    /// whose promise completes theirs (not flushed here).
    func sendFlushedWrites(context: ChannelHandlerContext) {
        let writes = bufferedWrites.takeFlushed()
        guard !writes.isEmpty else { return }
        var promises: [EventLoopPromise<Void>] = []
        var gathered: ByteBuffer?
        var gatheredPromises: [EventLoopPromise<Void>] = []

        func encryptGathered() {
            guard let batch = gathered else { return }
            gathered = nil
            if encrypt(batch) { promises += gatheredPromises } else { fail(gatheredPromises, with: encryptionFailure) }
            gatheredPromises.removeAll()
        }

        for write in writes {
            if write.data.readableBytes >= Self.recordPlaintext {
                encryptGathered()
                if encrypt(write.data) {
                    if let promise = write.promise { promises.append(promise) }
                } else {
                    write.promise?.fail(encryptionFailure)
                }
                continue
            }
            if let batch = gathered, batch.readableBytes + write.data.readableBytes > Self.recordPlaintext { encryptGathered() }
            if gathered == nil {
                gathered = context.channel.allocator.buffer(capacity: Self.recordPlaintext)
            }
            var data = write.data
            gathered?.writeBuffer(&data)
            if let promise = write.promise { gatheredPromises.append(promise) }
        }
        encryptGathered()
        sendOutput(context: context, promise: combine(promises, context: context))
    }

    /// Encrypts `buffer` into the session's output; false if the session refused it (the reason
    /// is kept in ``encryptionFailure``).
    private func encrypt(_ buffer: ByteBuffer) -> Bool {
        do {
            try buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) throws(TLSError) in try session.write(bytes) }
            return true
        } catch {
            encryptionFailure = error
            return false
        }
    }

    private func fail(_ promises: [EventLoopPromise<Void>], with error: any Error) {
        for promise in promises { promise.fail(error) }
    }

    /// One promise that completes all of `promises` (nil for none).
    private func combine(_ promises: [EventLoopPromise<Void>], context: ChannelHandlerContext) -> EventLoopPromise<Void>? {
        guard promises.count > 1 else { return promises.first }
        let combined = context.eventLoop.makePromise(of: Void.self)
        combined.futureResult.whenComplete { result in
            switch result {
            case .success: for promise in promises { promise.succeed(()) }
            case let .failure(error): for promise in promises { promise.fail(error) }
            }
        }
        return combined
    }

    /// After the handshake: sends what was written and flushed before it, then runs a
    /// `close(mode: .output)` issued meanwhile; writes not flushed stay held for the next flush.
    func sendBufferedWrites(context: ChannelHandlerContext) {
        if bufferedWrites.flushed > 0 {
            sendFlushedWrites(context: context)
            context.flush()
        }
        let closeOutput = bufferedWrites.takeCloseOutput()
        if closeOutput.requested {
            close(context: context, mode: .output, promise: closeOutput.promise)
        }
    }
}
