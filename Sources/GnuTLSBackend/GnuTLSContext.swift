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
    /// The leaf certificate this side presents, if any.
    public let localCertificate: CertificateInfo?
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
    /// What the OCSP response a server staples says (nil: none configured, or a client).
    public let ocspStatus: OCSPStatus?

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
        var leaf: CertificateInfo?
        if let chain = configuration.certificateChain, let key = configuration.privateKey {
            leaf = try Self.loadIdentity(chain: chain, key: key, into: credentials.raw, warnings: &warnings)
        }
        if configuration.role == .client && configuration.certificateVerification != .none {
            try Self.loadTrust(configuration.trustRoots, into: credentials.raw)
        }
        if configuration.role == .server, let response = configuration.ocspResponse {
            // One key pair today; every credentials structure and pair that may serve goes in the list.
            ocspStatus = try OCSPStapling.attach(response, to: [(credentials.raw, 1)], certificate: leaf, warnings: &warnings)
        } else {
            ocspStatus = nil
        }
        // A server that asks for client certificates trusts their authorities, whose names its
        // CertificateRequest lists.
        if configuration.role == .server, configuration.clientAuthentication != .none,
           let clientRoots = configuration.clientTrustRoots {
            try Self.loadTrust(clientRoots, into: credentials.raw)
        }
        if configuration.role == .client, let chain = configuration.certificateChain,
           let problem = ClientCertificates.keyUsageProblem(chain) {
            warnings.append(problem)
        }
        self.warnings = warnings
        self.localCertificate = leaf
    }

    /// Makes a session for one connection, sharing this context's credentials; a client given a
    /// ticket offers it to resume.
    public func makeSession(peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) -> any TLSSession {
        try GnuTLSSession(context: self, peerName: peerName, resuming: ticket)
    }

    private static func loadIdentity(
        chain: TLSConfiguration.CertificateSource, key: TLSConfiguration.PrivateKeySource,
        into credentials: gnutls_certificate_credentials_t, warnings: inout [String]
    ) throws(TLSError) -> CertificateInfo? {
        let certificatePEM: [UInt8]
        let certificates: [CertificateInfo]
        switch chain {
        case let .file(path):
            certificatePEM = try readOrThrow(path) { .certificateFile(path: path, reason: $0, library: nil) }
            certificates = try PEMCertificates.parse(pem: String(decoding: certificatePEM, as: UTF8.self), label: path)
        case let .pem(text, label):
            certificatePEM = Array(text.utf8)
            certificates = try PEMCertificates.parse(pem: text, label: label)
        }
        let keyPEM: [UInt8]
        switch key {
        case let .file(path, _):
            keyPEM = try readOrThrow(path) { .privateKeyFile(path: path, reason: $0, library: nil) }
        case let .pem(text, _, _):
            keyPEM = Array(text.utf8)
        }
        let keyText = String(decoding: keyPEM, as: UTF8.self)
        if !keyText.contains("PRIVATE KEY-----") {
            let reason = keyText.contains("BEGIN CERTIFICATE")
                ? "holds a certificate, not a private key"
                : "no PEM private key found in the file"
            throw .privateKeyFile(path: key.label, reason: reason, library: nil)
        }
        let code: Int32 = certificatePEM.withUnsafeBufferPointer { certBytes in
            keyPEM.withUnsafeBufferPointer { keyBytes in
                var certDatum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: certBytes.baseAddress),
                                               size: UInt32(certBytes.count))
                var keyDatum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: keyBytes.baseAddress),
                                              size: UInt32(keyBytes.count))
                return gnutlsCall {
                    gnutls_certificate_set_x509_key_mem2(credentials, &certDatum, &keyDatum, GNUTLS_X509_FMT_PEM, key.passphrase, 0)
                }
            }
        }
        if code < 0 {
            let library = BackendError.gnutls(code)
            switch code {
            // Either code means a wrong passphrase only for an encrypted key; for a plain key it is
            // explained below like any other key GnuTLS cannot use.
            case GNUTLS_E_DECRYPTION_FAILED where keyText.contains("ENCRYPTED"),
                 GNUTLS_E_PK_INVALID_PRIVKEY where keyText.contains("ENCRYPTED"):
                throw .wrongPassphrase(keyPath: key.label, library: library)
            case GNUTLS_E_CERTIFICATE_KEY_MISMATCH:
                throw .keyMismatch(certificatePath: chain.label, keyPath: key.label, library: library)
            case GNUTLS_E_BASE64_DECODING_ERROR, GNUTLS_E_ASN1_DER_ERROR, GNUTLS_E_ASN1_TAG_ERROR,
                 GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
                throw .privateKeyFile(path: key.label, reason: "the key is damaged or of an unknown kind", library: library)
            default:
                throw .privateKeyFile(path: key.label, reason: "GnuTLS cannot use the key: \(library.message)", library: library)
            }
        }
        if let leaf = certificates.first {
            let now = Date()
            if leaf.isExpired(at: now) {
                warnings.append("certificate \(chain.label) (\(leaf.subject)) expired on \(leaf.notAfter.utcText): a peer that verifies will refuse it")
            } else if leaf.isNotYetValid(at: now) {
                warnings.append("certificate \(chain.label) (\(leaf.subject)) is not valid before \(leaf.notBefore.utcText)")
            }
        }
        if let weak = ChainStrength.warning(forOwnChain: ChainStrength.certificates(fromPEM: certificatePEM), label: chain.label) {
            warnings.append(weak)
        }
        return certificates.first
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
