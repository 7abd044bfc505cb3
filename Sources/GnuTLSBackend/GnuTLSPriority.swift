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
    /// `+VERS-TLSx.y` per version (newest first) for a range, the string itself for an override.
    public static func string(for policy: TLSVersionPolicy) -> String {
        switch policy {
        case .secureDefault:
            return secureDefault
        case let .range(minimum, maximum) where minimum == maximum:
            return pin(minimum)
        case .range:
            return (["NORMAL", "-VERS-ALL"] + (policy.versions ?? []).map { "+" + token($0) }).joined(separator: ":")
        case let .priorityString(text):
            return text
        }
    }

    /// GnuTLS's keyword for a version, e.g. `VERS-TLS1.2`.
    public static func token(_ version: TLSVersion) -> String {
        "VERS-" + version.displayName
    }

    /// Compiles `text`, or explains where GnuTLS stopped reading it.
    ///
    /// - Throws: ``TLSError/invalidPriority(priority:token:reason:library:)`` naming the offending token.
    static func compile(_ text: String) throws(TLSError) -> OpaquePointer {
        var cache: gnutls_priority_t?
        var offset = -1
        let code: Int32 = text.withCString { start in
            var errorPosition: UnsafePointer<CChar>?
            let code = gnutls_priority_init2(&cache, start, &errorPosition, 0)
            if let errorPosition { offset = start.distance(to: errorPosition) }
            return code
        }
        guard code == GNUTLS_E_SUCCESS, let cache else {
            let library = BackendError.gnutls(code)
            let utf8 = Array(text.utf8)
            var token = ""
            if offset >= 0 && offset < utf8.count {
                token = String(decoding: utf8[offset...].prefix(while: { $0 != UInt8(ascii: ":") }), as: UTF8.self)
            }
            let reason = code == GNUTLS_E_NO_PRIORITIES_WERE_SET
                ? "it leaves nothing enabled (no version, cipher or key exchange)"
                : "GnuTLS does not accept it"
            throw .invalidPriority(priority: text, token: code == GNUTLS_E_NO_PRIORITIES_WERE_SET ? "" : token,
                                   reason: reason, library: library)
        }
        return cache
    }

    /// Whether this GnuTLS accepts `text` (compiles and frees it).
    public static func isAccepted(_ text: String) -> Result<Void, TLSError> {
        do {
            let cache = try compile(text)
            gnutls_priority_deinit(cache)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// The TLS versions `text` enables, as GnuTLS reads it (newest first); nil if it does not compile.
    public static func enabledVersions(_ text: String) -> [String]? {
        guard let cache = try? compile(text) else { return nil }
        defer { gnutls_priority_deinit(cache) }
        var list: UnsafePointer<UInt32>?
        let count = gnutls_priority_protocol_list(cache, &list)
        guard count >= 0, let list else { return [] }
        return (0..<Int(count)).compactMap { index in
            let proto = gnutls_protocol_t(rawValue: list[index])
            guard let name = gnutls_protocol_get_name(proto) else { return nil }
            let text = String(cString: name)
            return text.hasPrefix("DTLS") ? nil : text
        }
    }
}
