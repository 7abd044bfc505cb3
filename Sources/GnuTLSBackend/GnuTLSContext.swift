#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CGnuTLS
import SecureSockets

/// A compiled configuration: GnuTLS certificate credentials (identity and trust) plus the
/// compiled priority cache. Immutable once made, so sessions on any thread may share it.
public final class GnuTLSContext: TLSContext, @unchecked Sendable {
    /// The configuration this context was made from.
    public let configuration: TLSConfiguration
    /// Warnings found while loading, one sentence each.
    public let warnings: [String]
    /// The leaf certificate this side presents, if any (with several identities, the default's).
    public let localCertificate: CertificateInfo?
    /// The leaf of every identity this side presents, the default first.
    public let localCertificates: [CertificateInfo]
    /// The priority string in force: ``GnuTLSOptions/priority`` when set, the version table's
    /// string for ``/SecureSockets/TLSConfiguration/versions`` otherwise.
    public let priorityString: String
    /// The table versions the priority string enables, newest first.
    public let enabledVersions: [TLSVersion]
    /// The enabled versions in words, e.g. `TLS1.3, TLS1.2`.
    var enabledVersionsText: String {
        enabledVersions.isEmpty ? "no TLS version" : enabledVersions.map(\.displayName).joined(separator: ", ")
    }

    /// The owner of the certificate credentials (identity and trust) every session shares.
    let credentials: CertificateCredentials
    /// The owner of the compiled priorities every session shares.
    let priority: PriorityCache
    /// A server's session ticket key (nil for clients and with tickets off).
    let ticketKey: SessionTicketKey?
    /// For a server with several identities, the credentials that serve each name its
    /// certificates cover (nil with one identity).
    let serverNameIdentities: ServerNameIdentities?
    /// What the OCSP response a server staples says (nil: none configured, or a client).
    public let ocspStatus: OCSPStatus?
    /// The leaves (SHA-256 fingerprints) of the identities the OCSP response is stapled for:
    /// those it is about (empty without one).
    let ocspCertificates: Set<String>
    /// Every set of certificate credentials sessions of this context may use, each with the
    /// identities installed in it (indices into ``/SecureSockets/TLSConfiguration/identities``, in the order
    /// installed, which is GnuTLS's index of each pair): the main set, then those of
    /// ``serverNameIdentities``. A setting made on credentials (client CA trust, stapled
    /// responses) must reach each, or connections served by another set go without it.
    let allCredentials: [(credentials: CertificateCredentials, identities: [Int])]

    /// Loads and compiles `configuration` with the GnuTLS-only `options` (default: none). Reads
    /// files: do not call on an event loop.
    ///
    /// Every GnuTLS object made here has its owner before the next call can fail, so a failure
    /// just throws: the owners release what exists.
    ///
    /// - Throws: ``/SecureSockets/TLSError`` naming the file, token or option at fault.
    public init(configuration: TLSConfiguration, options: GnuTLSOptions = GnuTLSOptions()) throws(TLSError) {
        try configuration.validate()
        try ApplicationProtocols.validate(configuration.applicationProtocols)
        self.configuration = configuration
        if let text = options.priority, text.trimmingWhitespace().isEmpty {
            throw .invalidPriority(priority: text, token: "", reason: "the priority string is empty", library: nil)
        }
        priorityString = options.priorityString(for: configuration.versions)
        priority = try GnuTLSPriority.compile(priorityString)
        let names = priority.versionNames
        enabledVersions = TLSVersion.allCases.reversed().filter { names.contains($0.displayName) }
        if configuration.role == .server && configuration.sessionTickets {
            if let shared = configuration.ticketKey {
                ticketKey = SessionTicketKey(shared)
            } else {
                ticketKey = try SessionTicketKey()
            }
        } else {
            ticketKey = nil
        }
        credentials = try CertificateCredentials()
        var warnings: [String] = []
        // Every pair is read and checked before any is installed; GnuTLS considers them in the
        // order installed: ECDSA and EdDSA first, then the configuration's order.
        let identities = try configuration.identities.map { identity throws(TLSError) in try LoadedIdentity(identity) }
        let mainOrder = LoadedIdentity.preferenceOrder(of: identities)
        for index in mainOrder {
            try identities[index].install(into: credentials.raw)
        }
        for identity in identities { warnings += identity.warnings }
        serverNameIdentities = configuration.role == .server ? try ServerNameIdentities(identities: identities) : nil
        allCredentials = [(credentials, mainOrder)] + (serverNameIdentities?.allCredentials ?? [])
        if configuration.role == .client && configuration.certificateVerification != .none {
            try Self.loadTrust(configuration.trustRoots, into: credentials.raw)
        }
        if configuration.role == .server, let response = configuration.ocspResponse {
            // Every set of credentials, and in each every pair the response is about.
            let targets = allCredentials.map { set in (credentials: set.credentials.raw, leaves: set.identities.map { identities[$0].leaf }) }
            let stapled = try OCSPStapling.attach(response, to: targets, warnings: &warnings)
            ocspStatus = stapled.status
            ocspCertificates = stapled.certificates
        } else {
            ocspStatus = nil
            ocspCertificates = []
        }
        // A server that asks for client certificates trusts their authorities, whose names its
        // CertificateRequest lists: in every set of credentials, since the set that serves a
        // connection is the one that verifies its client.
        if configuration.role == .server, configuration.clientAuthentication != .none,
           let clientRoots = configuration.clientTrustRoots {
            for set in allCredentials { try Self.loadTrust(clientRoots, into: set.credentials.raw) }
        }
        if configuration.role == .client, let chain = configuration.certificateChain,
           let problem = ClientCertificates.keyUsageProblem(chain) {
            warnings.append(problem)
        }
        self.warnings = warnings
        localCertificates = identities.compactMap(\.leaf)
        localCertificate = identities.first?.leaf
    }

    /// Makes a session for one connection, sharing this context's credentials; a client given a
    /// ticket offers it to resume.
    public func makeSession(peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) -> any TLSSession {
        try GnuTLSSession(context: self, peerName: peerName, resuming: ticket)
    }

    private static func loadTrust(
        _ roots: TLSConfiguration.TrustRoots, into credentials: gnutls_certificate_credentials_t
    ) throws(TLSError) {
        switch roots {
        case .system:
            let count = gnutlsCall { gnutls_certificate_set_x509_system_trust(credentials) }
            if count <= 0 {
                throw .trustStore(source: "system store", reason: count == 0
                    ? "it holds no certificates (install ca-certificates, or give a CA file)"
                    : "it cannot be read", library: count < 0 ? .gnutls(count) : nil)
            }
        case let .file(path):
            let pem = try readOrThrow(path) { .trustStore(source: path, reason: $0, library: nil) }
            try addTrust(pem, label: path, into: credentials)
        case let .pem(text, label):
            try addTrust(Array(text.utf8), label: label, into: credentials)
        }
    }

    private static func addTrust(
        _ pem: [UInt8], label: String, into credentials: gnutls_certificate_credentials_t
    ) throws(TLSError) {
        let count: Int32 = pem.withUnsafeBufferPointer { bytes in
            var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: bytes.baseAddress), size: UInt32(bytes.count))
            return gnutlsCall { gnutls_certificate_set_x509_trust_mem(credentials, &datum, GNUTLS_X509_FMT_PEM) }
        }
        if count <= 0 {
            throw .trustStore(source: label, reason: "no PEM certificate found in the file",
                              library: count < 0 ? .gnutls(count) : nil)
        }
    }

    private static func readOrThrow(_ path: String, _ make: (String) -> TLSError) throws(TLSError) -> [UInt8] {
        switch FileContents.read(path) {
        case let .success(bytes): return bytes
        case let .failure(failure): throw make(failure.reason)
        }
    }
}
