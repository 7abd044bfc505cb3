import SecureSockets

/// Settings only GnuTLS has, beside the backend-neutral ``/SecureSockets/TLSConfiguration``: given to
/// ``GnuTLS/init(options:)`` and applied to every context that backend makes.
public struct GnuTLSOptions: Sendable, Equatable {
    /// A raw GnuTLS priority string used as given in place of the one the configuration's
    /// ``/SecureSockets/TLSConfiguration/versions`` maps to (for experts), e.g. `NORMAL:-VERS-ALL:+VERS-TLS1.2`.
    /// Default nil: the version table's string (see ``GnuTLSPriority/string(for:)``). A string
    /// GnuTLS refuses fails at context creation with
    /// ``/SecureSockets/TLSError/invalidPriority(priority:token:reason:library:)`` naming the token at fault.
    public var priority: String?

    /// Options with `priority` (nil: the version table's string).
    public init(priority: String? = nil) {
        self.priority = priority
    }

    /// The priority string a context made with these options for `policy` compiles.
    public func priorityString(for policy: TLSVersionPolicy) -> String {
        priority ?? GnuTLSPriority.string(for: policy)
    }
}
