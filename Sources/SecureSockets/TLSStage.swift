/// The phase of a connection an error or timeout happened in.
public enum TLSStage: String, Sendable, Codable, CustomStringConvertible {
    /// Opening the TCP connection.
    case connect
    /// The TLS handshake.
    case handshake
    /// Reading application data.
    case read
    /// Writing application data.
    case write
    /// Sending or awaiting close_notify.
    case close

    /// The stage's name.
    public var description: String { rawValue }
}
