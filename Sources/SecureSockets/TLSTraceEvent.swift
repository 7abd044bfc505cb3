/// One line of a handshake trace: a TLS message sent or received, with the facts that matter in
/// it and, for learners, a sentence on what it is for.
public struct TLSTraceEvent: Sendable, Equatable, Codable {
    /// Which way the message went, seen from this side.
    public enum Direction: String, Sendable, Codable {
        /// This side sent it.
        case sent
        /// The peer sent it.
        case received

        /// `→` for sent, `←` for received.
        public var arrow: String { self == .sent ? "→" : "←" }
    }

    /// Which way the message went.
    public var direction: Direction
    /// The message, e.g. `ClientHello`, `ChangeCipherSpec`, `Alert`, `application data`.
    public var message: String
    /// The facts, e.g. `versions 1.3 1.2, 17 cipher suites, groups x25519 secp256r1, SNI localhost`.
    public var details: String
    /// One sentence on the message's purpose.
    public var explanation: String
    /// Whether the record that carried the message was encrypted (`false`: sent in the clear); nil
    /// when the tracer did not say (traces recorded before this was known).
    public var encrypted: Bool?
    /// Seconds from the opening of the connection to this message; nil when not stamped (the
    /// session does not know when its connection opened: the code that owns the connection stamps it).
    public var elapsed: Double?

    /// Creates an event.
    public init(direction: Direction, message: String, details: String, explanation: String,
                encrypted: Bool? = nil, elapsed: Double? = nil) {
        self.direction = direction
        self.message = message
        self.details = details
        self.explanation = explanation
        self.encrypted = encrypted
        self.elapsed = elapsed
    }

    /// The trace line, e.g. `→ ClientHello        versions 1.2, 23 cipher suites`.
    public var line: String {
        let name = message.count >= 19 ? message + " " : message + String(repeating: " ", count: 19 - message.count)
        return (direction.arrow + " " + name + details).trimmingWhitespace()
    }
}
