/// An error code reported by the TLS library behind a backend, with the library's own symbolic
/// name (e.g. `GNUTLS_E_DECRYPTION_FAILED`) and sentence.
public struct BackendError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The library's numeric code (negative for GnuTLS).
    public let code: Int32
    /// The library's symbolic name for the code, e.g. `GNUTLS_E_FATAL_ALERT_RECEIVED`.
    public let name: String
    /// The library's own sentence for the code, e.g. `A TLS fatal alert has been received.`
    public let message: String

    /// Creates a library error from its three parts.
    public init(code: Int32, name: String, message: String) {
        self.code = code
        self.name = name
        self.message = message
    }

    /// `NAME: message`.
    public var description: String { "\(name): \(message)" }
}
