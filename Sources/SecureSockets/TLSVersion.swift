/// A TLS protocol version, named as in the demo's version table (`tlsv1.0` … `tlsv1.3`).
///
/// The cases are ordered: `TLSVersion.tlsv1_0 < .tlsv1_3`.
public enum TLSVersion: String, CaseIterable, Sendable, Comparable, Codable {
    /// TLS 1.0 (RFC 2246). Deprecated by RFC 8996.
    case tlsv1_0 = "tlsv1.0"
    /// TLS 1.1 (RFC 4346). Deprecated by RFC 8996.
    case tlsv1_1 = "tlsv1.1"
    /// TLS 1.2 (RFC 5246).
    case tlsv1_2 = "tlsv1.2"
    /// TLS 1.3 (RFC 8446).
    case tlsv1_3 = "tlsv1.3"

    /// The name used on the command line and in the version table, e.g. `tlsv1.2`.
    public var name: String { rawValue }

    /// The conventional display name, e.g. `TLS1.2` (as GnuTLS and Wireshark print it).
    public var displayName: String {
        switch self {
        case .tlsv1_0: return "TLS1.0"
        case .tlsv1_1: return "TLS1.1"
        case .tlsv1_2: return "TLS1.2"
        case .tlsv1_3: return "TLS1.3"
        }
    }

    /// True for TLS 1.0 and 1.1, which RFC 8996 deprecates: allowed when asked for, with a warning.
    public var isDeprecated: Bool { self < .tlsv1_2 }

    private var order: Int {
        switch self {
        case .tlsv1_0: return 0
        case .tlsv1_1: return 1
        case .tlsv1_2: return 2
        case .tlsv1_3: return 3
        }
    }

    /// Orders versions from oldest to newest.
    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.order < rhs.order }

    /// Parses a version name, accepting the table's spelling (`tlsv1.2`) and the common
    /// variants `1.2`, `tls1.2`, `TLSv1.2` and `TLS1.2`.
    ///
    /// - Throws: ``TLSError/unknownVersion(_:)`` naming the input when it matches no row.
    public static func parse(_ text: String) throws(TLSError) -> TLSVersion {
        var key = text.lowercased()
        for prefix in ["tlsv", "tls"] where key.hasPrefix(prefix) {
            key.removeFirst(prefix.count)
            break
        }
        if key == "1" { key = "1.0" }
        guard let version = TLSVersion(rawValue: "tlsv" + key) else {
            throw TLSError.unknownVersion(text)
        }
        return version
    }
}
