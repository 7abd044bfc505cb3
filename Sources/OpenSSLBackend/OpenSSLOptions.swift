#if OpenSSL
import COpenSSL
import SecureSockets

/// Settings only OpenSSL has, beside the backend-neutral ``TLSConfiguration``: given to
/// ``OpenSSL/init(options:)`` and applied to every context that backend makes. A list OpenSSL
/// cannot use fails at context creation with
/// ``TLSError/invalidCipherList(list:token:reason:library:)`` naming the list and the name at fault.
public struct OpenSSLOptions: Sendable, Equatable {
    /// The cipher list for TLS 1.2 and older in OpenSSL's syntax (`SSL_CTX_set_cipher_list`),
    /// e.g. `ECDHE+AESGCM:!SHA1`. Default nil: the version table's list (forward-secret AEAD
    /// suites at the secure default, `DEFAULT`, or `DEFAULT:@SECLEVEL=0` with TLS 1.0 or 1.1).
    public var cipherList: String?
    /// The TLS 1.3 cipher suites, colon-separated (`SSL_CTX_set_ciphersuites`), e.g.
    /// `TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256`. Default nil: OpenSSL's own.
    public var cipherSuites: String?

    /// Options with the given lists (nil: the default for each).
    public init(cipherList: String? = nil, cipherSuites: String? = nil) {
        self.cipherList = cipherList
        self.cipherSuites = cipherSuites
    }

    /// What a context made with these options sets for `table`, e.g.
    /// `TLS1.2–TLS1.3, ciphers ECDHE+AESGCM, TLS 1.3 suites TLS_AES_128_GCM_SHA256`: the cipher
    /// list where the range reaches below TLS 1.3, the TLS 1.3 suites where it includes TLS 1.3.
    func describe(_ table: OpenSSLVersionTable) -> String {
        guard table.minimum == .tlsv1_3 else {
            let suites = table.maximum == .tlsv1_3 ? cipherSuites.map { ", TLS 1.3 suites \($0)" } ?? "" : ""
            return table.description(cipherList: cipherList ?? table.cipherList) + suites
        }
        return "\(TLSVersion.tlsv1_3.displayName), TLS 1.3 suites \(cipherSuites ?? "OpenSSL's default")"
    }

    /// Sets the lists on `ctx` (after the version table, whose cipher list ``cipherList`` replaces).
    ///
    /// OpenSSL skips the names it does not know as long as one name of the list selects
    /// something; each name is therefore tried alone first, on a context of its own, so that a
    /// typing error is reported rather than silently dropped.
    func apply(to ctx: OpaquePointer) throws(TLSError) {
        if let list = cipherList {
            try Self.check(list, separators: [":", ",", " "], attempt: { scratch, name in
                // Alone and at security level 0: a name that selects ciphers only at a lower level
                // than the context's is still a name OpenSSL knows.
                SSL_CTX_set_cipher_list(scratch, name + ":@SECLEVEL=0") == 1
            }, skipping: { ["!", "-", "+", "@"].contains($0.first) })
            guard SSL_CTX_set_cipher_list(ctx, list) == 1 else {
                throw .invalidCipherList(list: list, token: "", reason: "OpenSSL selects no cipher from it",
                                         library: OpenSSLError.take("SSL_CTX_set_cipher_list"))
            }
        }
        if let suites = cipherSuites {
            try Self.check(suites, separators: [":"], attempt: { scratch, name in
                SSL_CTX_set_ciphersuites(scratch, name) == 1
            }, skipping: { _ in false })
            guard SSL_CTX_set_ciphersuites(ctx, suites) == 1 else {
                throw .invalidCipherList(list: suites, token: "", reason: "OpenSSL selects no TLS 1.3 cipher suite from it",
                                         library: OpenSSLError.take("SSL_CTX_set_ciphersuites"))
            }
        }
    }

    /// Tries each name of `list` alone on a scratch context; throws for the first OpenSSL refuses.
    private static func check(_ list: String, separators: Set<Character>,
                              attempt: (OpaquePointer, String) -> Bool,
                              skipping: (Substring) -> Bool) throws(TLSError) {
        let names = list.split(whereSeparator: { separators.contains($0) })
        if names.isEmpty {
            throw .invalidCipherList(list: list, token: "", reason: "the list is empty", library: nil)
        }
        let scratch = try SSLContextHandle()
        for name in names where !skipping(name) {
            guard attempt(scratch.pointer, String(name)) else {
                throw .invalidCipherList(list: list, token: String(name), reason: "OpenSSL knows no cipher by this name",
                                         library: OpenSSLError.drain())
            }
        }
        OpenSSLError.clear()
    }
}
#endif
