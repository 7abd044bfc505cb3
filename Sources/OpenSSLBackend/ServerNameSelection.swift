#if OpenSSL
import COpenSSL
import SecureSockets

/// Server-name selection among several identities, as on the GnuTLS backend: when the client's
/// server name (SNI) is one that certificates carry (exactly, or under a `*.` wildcard that covers
/// its first label, RFC 6125 §6.4.3), only those pairs are candidates, exact names before
/// wildcards, each in configuration order; a name no certificate covers, or none, keeps every
/// pair. OpenSSL then picks among the candidates by key type, from the client's signature
/// algorithms (one pair per key type: the first candidate of each type).
///
/// The choice is made in the certificate callback (`SSL_CTX_set_cert_cb`), which OpenSSL runs once
/// the ClientHello is read and before it chooses a certificate: the connection's own pairs are
/// replaced by the candidates. Immutable once made.
struct ServerNameSelection {
    /// The identities (indices into the configuration's list) naming each exact name.
    private let exact: [String: [Int]]
    /// The identities whose wildcard covers names under each suffix (`example.com` for `*.example.com`).
    private let wildcards: [String: [Int]]

    /// The selection for `identities`; nil when there is nothing to choose (one identity).
    init?(identities: [OpenSSLIdentity]) {
        guard identities.count > 1 else { return nil }
        var exact: [String: [Int]] = [:]
        var wildcards: [String: [Int]] = [:]
        for (index, identity) in identities.enumerated() {
            for name in Set(identity.leaf.namesForMatching.map(Self.normalised)) {
                if name.hasPrefix("*."), name.count > 2 {
                    wildcards[String(name.dropFirst(2)), default: []].append(index)
                } else {
                    exact[name, default: []].append(index)
                }
            }
        }
        self.exact = exact
        self.wildcards = wildcards
    }

    /// The identities that cover `serverName`, preferred first; empty when none does.
    func choice(for serverName: String) -> [Int] {
        let name = Self.normalised(serverName)
        let named = exact[name] ?? []
        var covered: [Int] = []
        if let dot = name.firstIndex(of: "."), dot != name.startIndex {
            covered = (wildcards[String(name[name.index(after: dot)...])] ?? []).filter { !named.contains($0) }
        }
        return named + covered
    }

    /// Lower case, without a trailing dot.
    private static func normalised(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }

    /// The `SSL_CTX_set_cert_cb` callback: narrows the connection's pairs to those covering the
    /// client's server name. Returns 1 to go on, 0 to fail the handshake.
    /// At TLS 1.3, ``KeyTypePreference`` then narrows the candidates (every pair when the name
    /// chose none) to the ECDSA pair the client accepts, as GnuTLS would.
    static let callback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { ssl, _ in
        guard let ssl, let session = OpenSSLSession.of(ssl), let selection = session.context.serverNameSelection else { return 1 }
        let named = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { selection.choice(for: String(cString: $0)) } ?? []
        let candidates = named.isEmpty ? Array(session.context.identities.indices) : named
        let choice = KeyTypePreference.preferred(candidates, identities: session.context.identities, ssl: ssl)
        guard !named.isEmpty || choice != candidates else { return 1 }
        SSL_certs_clear(ssl)
        // Installed least preferred first: of two pairs of one key type, the last installed stays.
        for index in choice.reversed() where !session.context.identities[index].install(on: ssl) {
            OpenSSLError.clear()
            return 0
        }
        return 1
    }
}
#endif
