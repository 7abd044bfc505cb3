import SecureSockets

extension TLSSocket {
    /// Reads one greeting message up to `limit` bytes, waiting up to the read timeout for its
    /// start, and collects the records that are already buffered or arriving (1/n−1 splitting,
    /// see ``MessageAssembler``), so the message is whole.
    ///
    /// - Returns: the message; empty only if the peer closed without sending anything.
    package func readMessage(limit: Int = 1024) throws(TLSError) -> [UInt8] {
        var message = MessageAssembler(limit: limit)
        var graceUsed = false
        while !peerClosed {
            var arriving = session.bufferedNetworkInput > 0 || session.pendingPlaintext > 0
            if !arriving && !message.bytes.isEmpty { arriving = try transport.waitReadable(seconds: 0) }
            switch message.decide(moreIsComing: arriving) {
            case .complete:
                return message.bytes
            case .needMore:
                break
            case .waitForSplitRecord:
                if graceUsed { return message.bytes }
                if !(try transport.waitReadable(seconds: MessageAssembler.splitRecordGrace)) { return message.bytes }
                graceUsed = true
            }
            // Waits up to the read timeout for the next decrypted bytes; nil once the peer closed.
            guard let chunk = try read(maximum: max(1, limit - message.bytes.count)) else { break }
            message.append(chunk)
        }
        return message.bytes
    }
}
