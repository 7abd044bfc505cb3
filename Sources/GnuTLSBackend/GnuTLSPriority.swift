import CGnuTLS
import SecureSockets

/// The version table as GnuTLS priority strings, and their compilation.
public enum GnuTLSPriority {
    /// The table row of one version: `NORMAL:-VERS-ALL:+VERS-TLS1.x`.
    public static func pin(_ version: TLSVersion) -> String {
        "NORMAL:-VERS-ALL:+" + token(version)
    }

    /// The secure default: TLS 1.3 and 1.2, AEAD ciphers, ECDHE key exchange (forward secrecy).
    /// AES-128-GCM (SHA-256 key schedule) and X25519 come first, as in Go's and BoringSSL's
    /// defaults: with nettle they cost about 30% less per resumed handshake than AES-256-GCM
    /// (SHA-384) with P-256, at no loss that matters. `%PROFILE_MEDIUM` makes certificate
    /// verification refuse keys and signatures under 112-bit security (RSA and DSA keys under 2048
    /// bits, SHA-1 signatures), as OpenSSL's default security level 2 does; the table's rows keep
    /// `NORMAL`'s checks.
    public static let secureDefault =
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
        + ":-CIPHER-ALL:+AES-128-GCM:+CHACHA20-POLY1305:+AES-256-GCM"
        + ":-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA"
        + ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1"
        + ":%PROFILE_MEDIUM"

    /// The priority string for a policy: the table row for a pin, `NORMAL:-VERS-ALL` plus one
    /// `+VERS-TLSx.y` per version (newest first) for a range (a raw string is
    /// ``GnuTLSOptions/priority``).
    public static func string(for policy: TLSVersionPolicy) -> String {
        switch policy {
        case .secureDefault:
            return secureDefault
        case let .range(minimum, maximum) where minimum == maximum:
            return pin(minimum)
        case .range:
            return (["NORMAL", "-VERS-ALL"] + policy.versions.map { "+" + token($0) }).joined(separator: ":")
        }
    }

    /// GnuTLS's keyword for a version, e.g. `VERS-TLS1.2`.
    package static func token(_ version: TLSVersion) -> String {
        "VERS-" + version.displayName
    }

    /// Compiles `text`, or explains where GnuTLS stopped reading it.
    ///
    /// - Throws: ``TLSError/invalidPriority(priority:token:reason:library:)`` naming the offending token.
    static func compile(_ text: String) throws(TLSError) -> PriorityCache {
        try PriorityCache(text)
    }

    /// Whether this GnuTLS accepts `text` (compiles it, then lets it go).
    public static func isAccepted(_ text: String) -> Result<Void, TLSError> {
        Result { () throws(TLSError) in _ = try compile(text) }
    }

    /// The TLS versions `text` enables, as GnuTLS reads it (newest first); nil if it does not compile.
    public static func enabledVersions(_ text: String) -> [String]? {
        guard let cache = try? compile(text) else { return nil }
        return cache.versionNames
    }
}
