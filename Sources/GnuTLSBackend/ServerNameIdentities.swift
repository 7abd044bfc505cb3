import CGnuTLS
import SecureSockets

/// Server-name selection among several identities, done before GnuTLS chooses by key type.
///
/// GnuTLS 3.7 alone matches the client's server name (SNI) against each certificate's names
/// exactly, ignores wildcards (`*.example.com`), and in TLS 1.2 lets the client's first cipher
/// suite win over the name: a client that lists ECDHE-ECDSA suites first and asks for a name
/// only the RSA certificate carries gets the ECDSA certificate of another name, which it cannot
/// verify. Here the name decides first, as a virtual host does: for each name the certificates
/// carry, a set of credentials holds just the identities that cover it (exact names first,
/// then wildcards that cover the first label, RFC 6125 §6.4.3), in configuration order. After
/// the ClientHello (`gnutls_handshake_set_post_client_hello_function`, the documented place to
/// change credentials) the session switches to that set, and GnuTLS picks among it by the
/// client's signature algorithms and cipher suites. A name no certificate covers, or no name,
/// keeps the context's main credentials: every identity, the default first.
///
/// Immutable once made; sessions on any thread share it.
final class ServerNameIdentities: @unchecked Sendable {
    /// The identities (indices into the configuration's list) that cover each exact name.
    private let exact: [String: [Int]]
    /// The identities whose wildcard covers names under each suffix (`example.com` for `*.example.com`).
    private let wildcards: [String: [Int]]
    /// One set of credentials per distinct list of identities, in the order installed.
    private let credentialsByChoice: [[Int]: CertificateCredentials]
    /// Each identity's ``LoadedIdentity/keyRank``.
    private let ranks: [Int]
    /// Each identity's leaf, for messages.
    private let leaves: [CertificateInfo?]

    /// Builds the per-name credentials for `identities`; nil when there is nothing to choose by
    /// name (one identity).
    ///
    /// - Throws: what installing an identity throws (the pairs were already installed once, so
    ///   in practice only an allocation can fail here).
    init?(identities: [LoadedIdentity]) throws(TLSError) {
        guard identities.count > 1 else { return nil }
        var exact: [String: [Int]] = [:]
        var wildcards: [String: [Int]] = [:]
        for (index, identity) in identities.enumerated() {
            for name in Set((identity.leaf?.namesForMatching ?? []).map(Self.normalised)) {
                if name.hasPrefix("*."), name.count > 2 {
                    wildcards[String(name.dropFirst(2)), default: []].append(index)
                } else {
                    exact[name, default: []].append(index)
                }
            }
        }
        self.exact = exact
        self.wildcards = wildcards
        ranks = identities.map(\.keyRank)
        leaves = identities.map(\.leaf)
        var choices: Set<[Int]> = []
        for name in exact.keys { choices.insert(Self.choice(for: name, exact: exact, wildcards: wildcards, ranks: ranks)) }
        for suffix in wildcards.keys {
            choices.insert(Self.choice(for: "*." + suffix, exact: exact, wildcards: wildcards, ranks: ranks))
        }
        let everyone = Set(identities.indices)
        var credentialsByChoice: [[Int]: CertificateCredentials] = [:]
        for choice in choices where Set(choice) != everyone {
            let credentials = try CertificateCredentials()
            for index in choice { try identities[index].install(into: credentials.raw) }
            credentialsByChoice[choice] = credentials
        }
        self.credentialsByChoice = credentialsByChoice
    }

    /// The credentials to serve `serverName` with: only the identities that cover it, or nil to
    /// keep the main credentials (no identity covers it, or all do).
    func credentials(forServerName serverName: String) -> CertificateCredentials? {
        credentialsByChoice[Self.choice(for: Self.normalised(serverName), exact: exact, wildcards: wildcards, ranks: ranks)]
    }

    /// The leaves of the identities that cover `serverName` (empty when none does), for a message
    /// saying why none of them suited the client.
    func candidates(forServerName serverName: String) -> [CertificateInfo] {
        Self.choice(for: Self.normalised(serverName), exact: exact, wildcards: wildcards, ranks: ranks).compactMap { leaves[$0] }
    }

    /// The identities that cover `name`, in the order GnuTLS should consider them: those naming
    /// it exactly, then those whose wildcard covers it; within each, ECDSA and EdDSA before RSA.
    private static func choice(for name: String, exact: [String: [Int]], wildcards: [String: [Int]],
                               ranks: [Int]) -> [Int] {
        func ordered(_ indices: [Int]) -> [Int] {
            indices.enumerated().sorted { left, right in
                let (a, b) = (ranks[left.element], ranks[right.element])
                return a != b ? a < b : left.offset < right.offset
            }.map(\.element)
        }
        let named = exact[name] ?? []
        var covered: [Int] = []
        if let dot = name.firstIndex(of: "."), dot != name.startIndex {
            covered = (wildcards[String(name[name.index(after: dot)...])] ?? []).filter { !named.contains($0) }
        }
        return ordered(named) + ordered(covered)
    }

    /// Every set of credentials this selection holds, each with the identities installed in it
    /// (indices into the configuration's list, in the order installed), for settings that must
    /// reach each set.
    var allCredentials: [(credentials: CertificateCredentials, identities: [Int])] {
        credentialsByChoice.map { (credentials: $0.value, identities: $0.key) }
    }

    /// Lower case, without a trailing dot.
    private static func normalised(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }

    /// Installs the selection on a server session. The session's owner (reached through the
    /// transport pointer) keeps its context, which owns every set of credentials, alive as long
    /// as the session.
    static func install(on session: gnutls_session_t) {
        gnutls_handshake_set_post_client_hello_function(session) { handle in
            guard let handle, let pointer = gnutls_transport_get_ptr(handle) else { return 0 }
            let owner = Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue()
            guard let selection = owner.context.serverNameIdentities,
                  let name = SessionReport.serverName(handle),
                  let credentials = selection.credentials(forServerName: name) else { return 0 }
            owner.narrowedServerName = name
            return gnutls_credentials_set(handle, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(credentials.raw))
        }
    }
}
