/// A TLS alert, sent or received: its registry number, the library's symbolic name
/// (`GNUTLS_A_HANDSHAKE_FAILURE`) and a readable description (`Handshake failed`).
public struct TLSAlert: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The alert description number from the TLS registry (e.g. 40 for handshake_failure).
    public let code: UInt8
    /// The library's symbolic name of the alert, e.g. `GNUTLS_A_PROTOCOL_VERSION`.
    public let name: String
    /// The alert in words, e.g. `Protocol version`.
    public let text: String
    /// True when the alert was fatal (it ends the connection).
    public let isFatal: Bool

    /// Creates an alert description.
    public init(code: UInt8, name: String, text: String, isFatal: Bool) {
        self.code = code
        self.name = name
        self.text = text
        self.isFatal = isFatal
    }

    /// `text (NAME)`.
    public var description: String { "\(text.lowercased()) (\(name))" }
}
