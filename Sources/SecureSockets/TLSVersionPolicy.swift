/// Which TLS versions a configuration enables: the secure default, or a contiguous range of rows
/// of the version table (a pin is a range of one). A backend's own settings (GnuTLS's priority
/// strings, OpenSSL's cipher lists) are in that backend's options type.
public enum TLSVersionPolicy: Sendable, Equatable {
    /// TLS 1.2 and 1.3 with forward-secret AEAD cipher suites only: what a scanner finds no
    /// fault with.
    case secureDefault
    /// Every version from `minimum` to `maximum`, both included, with the backend's normal
    /// cipher suites for them (the version table's rows).
    case range(minimum: TLSVersion, maximum: TLSVersion)

    /// The policy for one pinned version.
    public static func exactly(_ version: TLSVersion) -> TLSVersionPolicy {
        .range(minimum: version, maximum: version)
    }

    /// The versions this policy enables, newest first.
    public var versions: [TLSVersion] {
        switch self {
        case .secureDefault:
            return [.tlsv1_3, .tlsv1_2]
        case let .range(minimum, maximum):
            return TLSVersion.allCases.filter { $0 >= minimum && $0 <= maximum }.reversed()
        }
    }

    /// The deprecated versions (TLS 1.0, 1.1) this policy enables, oldest first.
    public var deprecatedVersions: [TLSVersion] {
        versions.filter(\.isDeprecated).sorted()
    }

    /// A short human description, e.g. `TLS1.2 only`, `TLS1.0–TLS1.3`, `TLS1.2–TLS1.3 (secure default)`.
    public var summary: String {
        switch self {
        case .secureDefault:
            return "TLS1.2–TLS1.3 (secure default)"
        case let .range(minimum, maximum) where minimum == maximum:
            return "\(minimum.displayName) only"
        case let .range(minimum, maximum):
            return "\(minimum.displayName)–\(maximum.displayName)"
        }
    }
}
