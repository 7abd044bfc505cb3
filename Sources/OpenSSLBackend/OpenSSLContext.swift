#if OpenSSL
import COpenSSL
import SecureSockets

/// A configuration compiled into an OpenSSL `SSL_CTX`: versions, identities (chosen by server
/// name and key type), trust, verification and pins, ALPN, OCSP stapling, tickets (with a shared
/// key) and the key log. Immutable once made; sessions share it.
public final class OpenSSLContext: TLSContext, @unchecked Sendable {
    /// The configuration this context was made from.
    public let configuration: TLSConfiguration
    /// Warnings found while loading, one sentence each (an expired or weak certificate of this side,
    /// an OCSP response whose status is unknown), in the GnuTLS backend's words.
    public let warnings: [String]
    /// The leaf certificate this side presents by default, if any.
    public let localCertificate: CertificateInfo?
    /// The leaf of every identity this side presents, the default first.
    public let localCertificates: [CertificateInfo]
    /// The versions enabled, newest first.
    public let enabledVersions: [TLSVersion]

    /// The owner of the `SSL_CTX`.
    let handle: SSLContextHandle
    /// The version settings applied.
    let versionTable: OpenSSLVersionTable
    /// The ALPN protocols in wire form (length-prefixed names), empty without ALPN.
    let applicationProtocolsWire: [UInt8]
    /// The certificate/key pairs this side presents, the default first (kept alive with the context).
    let identities: [OpenSSLIdentity]
    /// A server's choice among several identities by the client's server name; nil with one.
    let serverNameSelection: ServerNameSelection?
    /// What the OCSP response a server staples says (nil: none configured, or a client).
    public let ocspStatus: OCSPStatus?
    /// That response as DER, stapled when a client asks and the certificate that serves is one
    /// of ``ocspCertificates`` (SHA-256 fingerprints).
    let ocspResponseDER: [UInt8]?
    let ocspCertificates: Set<String>
    /// A server's shared session ticket key (``TLSConfiguration/ticketKey``), nil for OpenSSL's own random keys.
    let sharedTicketKey: SharedTicketKey?

    /// Validates and compiles `configuration` with the OpenSSL-only `options`.
    ///
    /// - Throws: ``TLSError`` naming the file, list or setting at fault.
    init(configuration: TLSConfiguration, options openSSLOptions: OpenSSLOptions = OpenSSLOptions()) throws(TLSError) {
        try configuration.validate()
        try OpenSSL.refuseUnsupported(configuration)
        let table = OpenSSLVersionTable.settings(for: configuration.versions)
        OpenSSLError.clear()
        let handle = try SSLContextHandle()
        let ctx = handle.pointer
        try Self.apply(table, to: ctx)
        try openSSLOptions.apply(to: ctx)

        // Every pair is read and checked before any is installed. OpenSSL keeps one pair per key
        // type and picks among the types by the client's signature algorithms; installed last
        // to first, the first pair of each type is the one kept, so the first pair is the default.
        let identities = try configuration.identities.map { identity throws(TLSError) in try OpenSSLIdentity(identity) }
        for identity in identities.reversed() { try identity.install(in: ctx) }
        var warnings: [String] = []
        for identity in identities {
            warnings += Self.warnings(chain: identity.chain, label: identity.certificateLabel, role: configuration.role)
        }
        let selection = configuration.role == .server ? ServerNameSelection(identities: identities) : nil
        if selection != nil { SSL_CTX_set_cert_cb(ctx, ServerNameSelection.callback, nil) }
        try OpenSSLTrust.configure(configuration, in: ctx)
        var stapled: (der: [UInt8], status: OCSPStatus, certificates: Set<String>)?
        if configuration.role == .server, let source = configuration.ocspResponse {
            stapled = try OCSPStapling.load(source, identities: identities, warnings: &warnings)
        }
        // A client always asks for the server's OCSP status and checks it; a server answers with its response.
        if configuration.role == .client || stapled != nil {
            _ = copenssl_ctx_set_tlsext_status_cb(ctx, OCSPStapling.callback)
        }

        var options = copenssl_op_no_renegotiation()
        if !configuration.sessionTickets {
            options |= copenssl_op_no_ticket()
            _ = SSL_CTX_set_num_tickets(ctx, 0)
        }
        _ = copenssl_ctx_set_options(ctx, options)
        if configuration.role == .server {
            _ = SSL_CTX_set_timeout(ctx, Int(configuration.ticketLifetime))
        }

        let wire = ApplicationProtocols.wire(configuration.applicationProtocols)
        self.configuration = configuration
        self.warnings = warnings
        self.localCertificate = identities.first?.leaf
        self.localCertificates = identities.map(\.leaf)
        self.enabledVersions = table.versions
        self.handle = handle
        self.versionTable = table
        self.applicationProtocolsWire = wire
        self.identities = identities
        self.serverNameSelection = selection
        self.ocspResponseDER = stapled?.der
        self.ocspCertificates = stapled?.certificates ?? []
        self.ocspStatus = stapled?.status
        let sharesTicketKey = configuration.role == .server && configuration.sessionTickets && configuration.ticketKey != nil
        self.sharedTicketKey = sharesTicketKey ? configuration.ticketKey.map(SharedTicketKey.init) : nil
        // Callbacks find this context through the SSL_CTX's application data; every SSL holds
        // a reference to the SSL_CTX, and every session holds this context, so it outlives them.
        _ = SSL_CTX_set_ex_data(ctx, 0, Unmanaged.passUnretained(self).toOpaque())
        try ApplicationProtocols.configure(self)
        if sharedTicketKey != nil { try SharedTicketKey.install(in: ctx) }
        if configuration.keyLog != nil { KeyLog.install(in: ctx) }
    }

    /// Makes a session; a client's `peerName` is its SNI and the name it verifies.
    public func makeSession(peerName: String?, resuming ticket: TLSResumptionTicket?) throws(TLSError) -> any TLSSession {
        try OpenSSLSession(context: self, peerName: peerName, resuming: ticket)
    }

    /// `enabledVersions` in words, e.g. `TLS1.3, TLS1.2`.
    var enabledVersionsText: String {
        enabledVersions.map(\.displayName).joined(separator: ", ")
    }

    /// The context of an `SSL_CTX` this backend made, from its application data.
    static func of(_ ctx: OpaquePointer?) -> OpenSSLContext? {
        guard let ctx, let data = SSL_CTX_get_ex_data(ctx, 0) else { return nil }
        return Unmanaged<OpenSSLContext>.fromOpaque(data).takeUnretainedValue()
    }

    private static func apply(_ table: OpenSSLVersionTable, to ctx: OpaquePointer) throws(TLSError) {
        if table.needsSecurityLevelZero { SSL_CTX_set_security_level(ctx, 0) }
        guard copenssl_ctx_set_min_proto_version(ctx, OpenSSLVersionTable.protocolVersion(table.minimum)) == 1,
              copenssl_ctx_set_max_proto_version(ctx, OpenSSLVersionTable.protocolVersion(table.maximum)) == 1 else {
            throw .setupFailed(operation: "set the protocol versions \(table.description)", library: OpenSSLError.take("SSL_CTX_set_min/max_proto_version"))
        }
        guard SSL_CTX_set_cipher_list(ctx, table.cipherList) == 1 else {
            throw .setupFailed(operation: "set the cipher list \(table.cipherList)", library: OpenSSLError.take("SSL_CTX_set_cipher_list"))
        }
    }

    /// What a user should know about a certificate this side presents, in the GnuTLS backend's
    /// words: out of its validity period, a weak chain, a client certificate that may not sign.
    static func warnings(chain: [X509Handle], label: String, role: TLSConfiguration.Role) -> [String] {
        guard let first = chain.first else { return [] }
        var warnings: [String] = []
        let leaf = CertificateDescription.info(first.pointer)
        if leaf.isExpired() {
            warnings.append("certificate \(label) (\(leaf.subject)) expired on \(leaf.notAfter.utcText): a peer that verifies will refuse it")
        } else if leaf.isNotYetValid() {
            warnings.append("certificate \(label) (\(leaf.subject)) is not valid before \(leaf.notBefore.utcText)")
        }
        if let weak = ChainStrength.warning(forOwnChain: chain, label: label) { warnings.append(weak) }
        if role == .client, X509_get_extension_flags(first.pointer) & UInt32(EXFLAG_KUSAGE) != 0,
           X509_get_key_usage(first.pointer) & UInt32(KU_DIGITAL_SIGNATURE) == 0 {
            warnings.append("certificate \(label) may not sign (its key usage lacks digitalSignature), so it cannot authenticate a TLS client")
        }
        return warnings
    }
}
#endif
