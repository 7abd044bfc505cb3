import SecureSockets

/// Feeds a session the peer's bytes read by read, the way ``TLSSocket`` and the NIO handler do:
/// after each read, the handshake (or, once it completed, reads of application data) runs as
/// far as the input allows and the output is taken. Stops at the first error, as a front end does.
package enum SessionDriver {
    /// What happened, for tests and seed recording.
    package struct Outcome: Sendable, Equatable {
        /// True if the handshake completed.
        package var handshakeCompleted = false
        /// True if the session threw (handshake or read).
        package var failed = false
        /// Application data decrypted.
        package var plaintext: [UInt8] = []
        /// Everything the session queued for the peer.
        package var output: [UInt8] = []
    }

    /// Runs `session` over `chunks`, then signals the end of input.
    @discardableResult
    package static func run(_ session: any TLSSession, chunks: [ArraySlice<UInt8>]) -> Outcome {
        var outcome = Outcome()
        defer { outcome.output += session.takeNetworkOutput() }
        for chunk in chunks {
            chunk.withUnsafeBytes { session.receiveFromNetwork($0) }
            guard step(session, &outcome) else { return outcome }
        }
        session.receiveEndOfInput()
        guard step(session, &outcome) else { return outcome }
        if outcome.handshakeCompleted { _ = try? session.close() }
        return outcome
    }

    /// One round after new input; false once the session failed or the peer closed.
    private static func step(_ session: any TLSSession, _ outcome: inout Outcome) -> Bool {
        defer { outcome.output += session.takeNetworkOutput() }
        do {
            if !session.isHandshakeComplete {
                guard try session.handshake() == .complete else { return true }
                outcome.handshakeCompleted = true
                _ = session.info
            }
            while true {
                switch try session.read(maximum: 16 * 1024) {
                case let .data(bytes): outcome.plaintext += bytes
                case .needsInput: return true
                case .closed: return false
                }
            }
        } catch {
            _ = error.description
            outcome.failed = true
            return false
        }
    }
}
