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
    /// The priority string in force.
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

    /// Loads and compiles `configuration`. Reads files: do not call on an event loop.
    ///
    /// Every GnuTLS object made here has its owner before the next call can fail, so a failure
    /// just throws: the owners release what exists.
    ///
    /// - Throws: ``TLSError`` naming the file, token or option at fault.
    public init(configuration: TLSConfiguration) throws(TLSError) {
        try configuration.validate()
        try ApplicationProtocols.validate(configuration.applicationProtocols)
        self.configuration = configuration
        priorityString = GnuTLSPriority.string(for: configuration.versions)
        priority = try GnuTLSPriority.compile(priorityString)
        let names = priority.versionNames
        enabledVersions = TLSVersion.allCases.reversed().filter { names.contains($0.displayName) }
        ticketKey = configuration.role == .server && configuration.sessionTickets ? try SessionTicketKey() : nil
        credentials = try CertificateCredentials()
        var warnings: [String] = []
        // Every pair is read and checked before any is installed; GnuTLS considers them in the
        // order installed: ECDSA and EdDSA first, then the configuration's order.
        let identities = try configuration.identities.map { identity throws(TLSError) in try LoadedIdentity(identity) }
        for index in LoadedIdentity.preferenceOrder(of: identities) {
            try identities[index].install(into: credentials.raw)
        }
        for identity in identities { warnings += identity.warnings }
        serverNameIdentities = configuration.role == .server ? try ServerNameIdentities(identities: identities) : nil
        if configuration.role == .client && configuration.certificateVerification != .none {
            try Self.loadTrust(configuration.trustRoots, into: credentials.raw)
        }
        self.warnings = warnings
        localCertificates = identities.compactMap(\.leaf)
        localCertificate = identities.first?.leaf
    }

    /// Every set of certificate credentials sessions of this context may use: the main one, then
    /// those of ``serverNameIdentities``. A setting made on the credentials (trust, stapled
    /// responses) must reach each.
    var allCredentials: [CertificateCredentials] {
        [credentials] + (serverNameIdentities?.allCredentials ?? [])
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
