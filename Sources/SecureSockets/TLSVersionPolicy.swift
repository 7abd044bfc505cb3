/// Which TLS versions a configuration enables: the secure default, a contiguous range of rows
/// of the version table (a pin is a range of one), or a raw priority string for experts.
public enum TLSVersionPolicy: Sendable, Equatable {
    /// TLS 1.2 and 1.3 with forward-secret AEAD cipher suites only: what a scanner finds no
    /// fault with.
    case secureDefault
    /// Every version from `minimum` to `maximum`, both included, with the backend's normal
    /// cipher suites for them (the version table's rows).
    case range(minimum: TLSVersion, maximum: TLSVersion)
    /// A backend-specific priority string used as given (for GnuTLS, e.g. `NORMAL:-VERS-ALL:+VERS-TLS1.2`).
    case priorityString(String)

    /// The policy for one pinned version.
    public static func exactly(_ version: TLSVersion) -> TLSVersionPolicy {
        .range(minimum: version, maximum: version)
    }

    /// Builds a policy from the command-line style options `--tls-version`, `--min-version`,
    /// `--max-version` and `--priority`, validating them before any socket opens.
    ///
    /// - Parameters:
    ///   - pin: one version name (`tlsv1.2`); excludes `minimum`/`maximum`.
    ///   - minimum: the lowest version name of a range; the range ends at TLS 1.3 if `maximum` is nil.
    ///   - maximum: the highest version name of a range; the range starts at TLS 1.2 if `minimum` is nil,
    ///     or at `maximum` itself if that is lower.
    ///   - priority: a raw priority string; excludes the three version options.
    /// - Throws: ``TLSError/unknownVersion(_:)``, ``TLSError/invalidVersionRange(minimum:maximum:)``
    ///   or ``TLSError/conflictingOptions(_:)``.
    public static func from(
        pin: String? = nil, minimum: String? = nil, maximum: String? = nil, priority: String? = nil
    ) throws(TLSError) -> TLSVersionPolicy {
        if let priority {
            if pin != nil || minimum != nil || maximum != nil {
                throw .conflictingOptions("a priority string sets the versions itself: drop --tls-version, --min-version and --max-version, or --priority")
            }
            if priority.trimmingWhitespace().isEmpty {
                throw .invalidPriority(priority: priority, token: "", reason: "the priority string is empty", library: nil)
            }
            return .priorityString(priority)
        }
        if let pin {
            if minimum != nil || maximum != nil {
                throw .conflictingOptions("--tls-version pins one version: use it alone, or --min-version/--max-version for a range")
            }
            return .exactly(try TLSVersion.parse(pin))
        }
        switch (minimum, maximum) {
        case (nil, nil):
            return .secureDefault
        case let (min?, nil):
            return .range(minimum: try TLSVersion.parse(min), maximum: .tlsv1_3)
        case let (nil, max?):
            let high = try TLSVersion.parse(max)
            return .range(minimum: Swift.min(.tlsv1_2, high), maximum: high)
        case let (min?, max?):
            let low = try TLSVersion.parse(min)
            let high = try TLSVersion.parse(max)
            guard low <= high else { throw .invalidVersionRange(minimum: low, maximum: high) }
            return .range(minimum: low, maximum: high)
        }
    }

    /// The versions this policy enables, newest first; nil for a raw priority string, whose
    /// versions only the backend knows.
    public var versions: [TLSVersion]? {
        switch self {
        case .secureDefault:
            return [.tlsv1_3, .tlsv1_2]
        case let .range(minimum, maximum):
            return TLSVersion.allCases.filter { $0 >= minimum && $0 <= maximum }.reversed()
        case .priorityString:
            return nil
        }
    }

    /// The deprecated versions (TLS 1.0, 1.1) this policy enables, oldest first.
    public var deprecatedVersions: [TLSVersion] {
        (versions ?? []).filter(\.isDeprecated).sorted()
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
        case let .priorityString(text):
            return "priority \(text)"
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation needed).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
