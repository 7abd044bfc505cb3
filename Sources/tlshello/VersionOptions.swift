import ArgumentParser
import SecureSockets

/// The version options shared by `server`, `client` and `bench`.
struct VersionOptions: ParsableArguments {
    @Option(name: .customLong("tls-version"), help: ArgumentHelp(
        "Pin one TLS version: tlsv1.0, tlsv1.1, tlsv1.2 or tlsv1.3.", valueName: "version"))
    var pin: String?

    @Option(name: .customLong("min-version"), help: ArgumentHelp(
        "Lowest TLS version of a range (the range ends at tlsv1.3 unless --max-version is given).", valueName: "version"))
    var minimum: String?

    @Option(name: .customLong("max-version"), help: ArgumentHelp(
        "Highest TLS version of a range.", valueName: "version"))
    var maximum: String?

    @Option(help: ArgumentHelp(
        "A raw GnuTLS priority string (experts), e.g. 'NORMAL:-VERS-ALL:+VERS-TLS1.2'. Excludes the version options.",
        valueName: "string"))
    var priority: String?

    /// Refuses options that contradict each other, as usage errors (exit status 64).
    func validate() throws {
        if priority != nil && (pin != nil || minimum != nil || maximum != nil) {
            throw ValidationError(Self.priorityConflict)
        }
        if pin != nil && (minimum != nil || maximum != nil) {
            throw ValidationError(Self.pinConflict)
        }
    }

    static let priorityConflict = "a priority string sets the versions itself: drop --tls-version, --min-version and --max-version, or --priority"
    static let pinConflict = "--tls-version pins one version: use it alone, or --min-version/--max-version for a range"

    /// The policy these options describe, validated before any socket opens. With `--priority`
    /// the versions are the priority string's (a GnuTLS option, see ``BackendOption``), and the
    /// policy is the secure default it replaces.
    ///
    /// A range's minimum alone ends at TLS 1.3; its maximum alone starts at TLS 1.2, or at the
    /// maximum itself if that is lower.
    ///
    /// - Throws: ``TLSError/unknownVersion(_:)``, ``TLSError/invalidVersionRange(minimum:maximum:)``,
    ///   ``TLSError/conflictingOptions(_:)`` or, for an empty `--priority`,
    ///   ``TLSError/invalidPriority(priority:token:reason:library:)``.
    func policy() throws(TLSError) -> TLSVersionPolicy {
        if let priority {
            if pin != nil || minimum != nil || maximum != nil {
                throw .conflictingOptions(Self.priorityConflict)
            }
            if priority.allSatisfy(\.isWhitespace) {
                throw .invalidPriority(priority: priority, token: "", reason: "the priority string is empty", library: nil)
            }
            return .secureDefault
        }
        if let pin {
            if minimum != nil || maximum != nil {
                throw .conflictingOptions(Self.pinConflict)
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

    /// What the options enable in a few words, for the listening line: the policy's
    /// ``TLSVersionPolicy/summary``, or `priority STRING` with `--priority`.
    func summary(of policy: TLSVersionPolicy) -> String {
        priority.map { "priority \($0)" } ?? policy.summary
    }
}
