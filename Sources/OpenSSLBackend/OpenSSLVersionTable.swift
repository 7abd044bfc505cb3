#if OpenSSL
import COpenSSL
import SecureSockets

/// How a ``TLSVersionPolicy`` maps onto `SSL_CTX_set_min/max_proto_version`: TLS 1.0 and 1.1
/// also need security level 0 and the SHA-1 suites (`DEFAULT:@SECLEVEL=0`), set only then.
struct OpenSSLVersionTable: Sendable, Equatable, CustomStringConvertible {
    /// The lowest and highest versions enabled.
    var minimum: TLSVersion
    var maximum: TLSVersion
    /// Whether only forward-secret AEAD suites are allowed (the secure default).
    var aeadOnly: Bool

    /// OpenSSL's protocol constant for a version (`TLS1_2_VERSION`…).
    static func protocolVersion(_ version: TLSVersion) -> Int32 {
        switch version {
        case .tlsv1_0: return TLS1_VERSION
        case .tlsv1_1: return TLS1_1_VERSION
        case .tlsv1_2: return TLS1_2_VERSION
        case .tlsv1_3: return TLS1_3_VERSION
        }
    }

    /// The table version of OpenSSL's protocol constant, nil for any other.
    static func version(protocol value: Int32) -> TLSVersion? {
        TLSVersion.allCases.first { protocolVersion($0) == value }
    }

    /// The settings for `policy`.
    static func settings(for policy: TLSVersionPolicy) -> OpenSSLVersionTable {
        switch policy {
        case .secureDefault:
            return OpenSSLVersionTable(minimum: .tlsv1_2, maximum: .tlsv1_3, aeadOnly: true)
        case let .range(minimum, maximum):
            return OpenSSLVersionTable(minimum: minimum, maximum: maximum, aeadOnly: false)
        }
    }

    /// True when a deprecated version is enabled: security level 0 is needed.
    var needsSecurityLevelZero: Bool { minimum.isDeprecated }

    /// The TLS 1.2-and-older cipher list: forward-secret AEAD only at the secure default,
    /// OpenSSL's default otherwise, with the SHA-1 suites back at security level 0.
    var cipherList: String {
        if aeadOnly { return "ECDHE+AESGCM:ECDHE+CHACHA20" }
        return needsSecurityLevelZero ? "DEFAULT:@SECLEVEL=0" : "DEFAULT"
    }

    /// E.g. `TLS1.2–TLS1.3, ciphers ECDHE+AESGCM:ECDHE+CHACHA20`.
    var description: String { description(cipherList: cipherList) }

    /// The range with `cipherList` in place of the table's own (``OpenSSLOptions/cipherList``).
    func description(cipherList: String) -> String {
        let range = minimum == maximum ? minimum.displayName : "\(minimum.displayName)–\(maximum.displayName)"
        return "\(range), ciphers \(cipherList)"
    }

    /// The enabled versions, newest first.
    var versions: [TLSVersion] {
        TLSVersion.allCases.filter { $0 >= minimum && $0 <= maximum }.reversed()
    }
}
#endif
