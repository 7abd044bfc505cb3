/// What a completed handshake negotiated, and who the peer is: a snapshot, like Go's
/// `tls.ConnectionState`.
public struct SessionInfo: Sendable, Equatable, Codable {
    /// The negotiated version, when it is one of the table's rows.
    public var version: TLSVersion?
    /// The library's name for the negotiated protocol, e.g. `TLS1.3`.
    public var protocolName: String
    /// The IANA cipher suite name, e.g. `TLS_AES_256_GCM_SHA384`.
    public var cipherSuite: String
    /// The key exchange, e.g. `ECDHE-RSA`.
    public var keyExchange: String
    /// The key-exchange group, e.g. `SECP256R1` or `X25519`, when one was used.
    public var group: String?
    /// The handshake signature algorithm, e.g. `RSA-PSS-RSAE-SHA256` (none in TLS 1.0/1.1).
    public var signatureAlgorithm: String?
    /// The bulk cipher, e.g. `AES-256-GCM`.
    public var cipher: String
    /// The MAC, `AEAD` for AEAD ciphers.
    public var mac: String
    /// The library's one-line description, e.g. `(TLS1.3)-(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)`.
    public var summary: String
    /// The server name the client asked for (SNI), if any.
    public var serverName: String?
    /// The peer's certificate chain as sent, leaf first (empty if it sent none).
    public var peerCertificates: [CertificateInfo]
    /// How the peer was checked. A client: `verified (chain and name …)`, `not verified (insecure)`
    /// or `chain verified, name not checked`, with `, public key pin matched` when pins were
    /// checked. A server: `no client certificate requested`, `client certificate requested, none
    /// sent` or `client certificate verified (chain and TLS client authentication)`, the client's
    /// chain then in ``peerCertificates``.
    public var verification: String
    /// True when the session was resumed rather than fully negotiated.
    public var resumed: Bool
    /// Weaknesses of the peer's chain that the configuration accepted, one sentence each: e.g. a
    /// 1024-bit RSA key at a pinned version, which the secure default would refuse. Empty when
    /// nothing is weak.
    public var warnings: [String]
    /// The application protocol agreed on through ALPN (e.g. `h2`), or nil when none was.
    public var applicationProtocol: String?
    /// What the OCSP response the server stapled says about its certificate: on a client, what it
    /// received (``OCSPStatus/verified`` telling whether it passed the checks); on a server, what it
    /// stapled for this client (``OCSPStatus/verified`` false: a server does not check its own).
    /// Nil when nothing was stapled, and on a resumed session.
    public var ocspStatus: OCSPStatus?

    // Client certificates (mTLS)

    /// Whether the server asked the client for a certificate (a CertificateRequest) in this
    /// handshake; false for a resumed session.
    public var clientCertificateRequested = false
    /// The leaf certificate this side sent in this handshake: a server's own (on a server with
    /// several identities, the one that served this connection), or a client's when the server
    /// asked and it had one. Nil when it sent none (and for a resumed session).
    public var localCertificate: CertificateInfo?

    /// Creates a snapshot.
    public init(
        version: TLSVersion?, protocolName: String, cipherSuite: String, keyExchange: String,
        group: String?, signatureAlgorithm: String?, cipher: String, mac: String, summary: String,
        serverName: String?, peerCertificates: [CertificateInfo], verification: String, resumed: Bool,
        warnings: [String] = [], applicationProtocol: String? = nil, ocspStatus: OCSPStatus? = nil,
        clientCertificateRequested: Bool = false, localCertificate: CertificateInfo? = nil
    ) {
        self.version = version
        self.protocolName = protocolName
        self.cipherSuite = cipherSuite
        self.keyExchange = keyExchange
        self.group = group
        self.signatureAlgorithm = signatureAlgorithm
        self.cipher = cipher
        self.mac = mac
        self.summary = summary
        self.serverName = serverName
        self.peerCertificates = peerCertificates
        self.verification = verification
        self.resumed = resumed
        self.warnings = warnings
        self.applicationProtocol = applicationProtocol
        self.ocspStatus = ocspStatus
        self.clientCertificateRequested = clientCertificateRequested
        self.localCertificate = localCertificate
    }

    /// Decodes a snapshot; fields added after the first release (warnings, ALPN, OCSP, client
    /// certificates) may be absent, as in JSON written before them, and take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(TLSVersion.self, forKey: .version)
        protocolName = try container.decode(String.self, forKey: .protocolName)
        cipherSuite = try container.decode(String.self, forKey: .cipherSuite)
        keyExchange = try container.decode(String.self, forKey: .keyExchange)
        group = try container.decodeIfPresent(String.self, forKey: .group)
        signatureAlgorithm = try container.decodeIfPresent(String.self, forKey: .signatureAlgorithm)
        cipher = try container.decode(String.self, forKey: .cipher)
        mac = try container.decode(String.self, forKey: .mac)
        summary = try container.decode(String.self, forKey: .summary)
        serverName = try container.decodeIfPresent(String.self, forKey: .serverName)
        peerCertificates = try container.decode([CertificateInfo].self, forKey: .peerCertificates)
        verification = try container.decode(String.self, forKey: .verification)
        resumed = try container.decode(Bool.self, forKey: .resumed)
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
        applicationProtocol = try container.decodeIfPresent(String.self, forKey: .applicationProtocol)
        ocspStatus = try container.decodeIfPresent(OCSPStatus.self, forKey: .ocspStatus)
        clientCertificateRequested = try container.decodeIfPresent(Bool.self, forKey: .clientCertificateRequested) ?? false
        localCertificate = try container.decodeIfPresent(CertificateInfo.self, forKey: .localCertificate)
    }
}
