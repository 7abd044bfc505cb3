/// Everything a TLS endpoint needs before it connects or accepts: role, versions, identity,
/// trust and verification, limits. A value type, shared freely; a backend compiles it once
/// into a ``TLSContext``.
///
/// Start from ``makeClientConfiguration()`` or
/// ``makeServerConfiguration(certificateChain:privateKey:)`` and change fields as needed.
public struct TLSConfiguration: Sendable, Equatable {
    /// Which side of the handshake the configuration is for.
    public enum Role: String, Sendable, Codable {
        /// Connects and verifies the server.
        case client
        /// Accepts and presents a certificate.
        case server
    }

    /// How a client checks the server's certificate.
    public enum CertificateVerification: String, Sendable, Codable {
        /// Accept any certificate: the demo's `CERT_NONE`. Only for tests and debugging.
        case none
        /// Verify the chain against the trust roots, but not the host name.
        case noHostnameVerification
        /// Verify the chain and that the certificate names the server (the default).
        case fullVerification
    }

    /// Where certificates come from.
    public enum CertificateSource: Sendable, Equatable {
        /// A PEM file; it may hold a chain, leaf first.
        case file(String)
        /// PEM text in memory; `label` names it in error messages.
        case pem(String, label: String)

        /// A name for messages: the path, or the label.
        public var label: String {
            switch self {
            case let .file(path): return path
            case let .pem(_, label): return label
            }
        }
    }

    /// Where the private key comes from; PKCS#1, PKCS#8 or encrypted PKCS#8 PEM.
    public enum PrivateKeySource: Sendable, Equatable {
        /// A PEM file, with the passphrase if the key is encrypted.
        case file(String, passphrase: String? = nil)
        /// PEM text in memory, with the passphrase if the key is encrypted.
        case pem(String, label: String, passphrase: String? = nil)

        /// A name for messages: the path, or the label.
        public var label: String {
            switch self {
            case let .file(path, _): return path
            case let .pem(_, label, _): return label
            }
        }

        /// The passphrase, if one was given.
        public var passphrase: String? {
            switch self {
            case let .file(_, passphrase), let .pem(_, _, passphrase): return passphrase
            }
        }
    }

    /// Which certificate authorities are trusted: a client's for its server (``trustRoots``), a
    /// server's for client certificates (``clientTrustRoots``).
    public enum TrustRoots: Sendable, Equatable {
        /// The operating system's store (on Debian `/etc/ssl/certs/ca-certificates.crt`).
        case system
        /// The certificates in a PEM file (a CA, or a self-signed server certificate).
        case file(String)
        /// Certificates as PEM text.
        case pem(String, label: String)
    }

    /// Client or server.
    public var role: Role
    /// The TLS versions to enable. Default: TLS 1.2–1.3, AEAD, forward secret.
    public var versions: TLSVersionPolicy = .secureDefault
    /// The certificate chain this side presents (required for a server).
    public var certificateChain: CertificateSource?
    /// The private key of the first certificate in ``certificateChain``.
    public var privateKey: PrivateKeySource?
    /// The certificate authorities a client trusts. Default: the system store.
    public var trustRoots: TrustRoots = .system
    /// How a client verifies the server. Default: ``CertificateVerification/fullVerification``.
    public var certificateVerification: CertificateVerification = .fullVerification
    /// The name a client sends as SNI (not for IP addresses) and checks the certificate against.
    /// Nil: the host connected to. A host name of at most 255 bytes or an IP address (see
    /// ``ServerName/validate(_:)``); anything else fails ``validate()``.
    public var serverName: String?
    /// How long a handshake may take, in seconds. Default 10.
    public var handshakeTimeout: Double = 10
    /// How long a read may wait for the peer, in seconds. Default 10.
    public var readTimeout: Double = 10
    /// How long a write of the blocking ``TLSSocket`` may wait for the peer to take the bytes
    /// (a peer that stops reading fills the socket buffers), in seconds. Default 10.
    public var writeTimeout: Double = 10
    /// Where to write the session secrets (NSS key log format) so a capture can be decrypted.
    /// Nil: nowhere. Anyone holding the file can decrypt the traffic.
    public var keyLog: KeyLogFile?
    /// Whether a server issues session tickets and resumes sessions from them (TLS 1.2 and 1.3).
    /// Default true. The ticket key is random, made when the configuration is compiled, and never
    /// leaves the process, unless ``ticketKey`` gives one to share; see ``ticketLifetime``.
    public var sessionTickets = true
    /// How long a server's session ticket stays valid, in seconds; also the period at which the
    /// ticket key rotates (a ticket from the previous period still resumes, an older one gets a
    /// full handshake). Default 3600.
    public var ticketLifetime: Double = 3600
    /// The application protocols (ALPN, RFC 7301) this side offers (client) or accepts (server),
    /// most preferred first, e.g. `["h2", "http/1.1"]`. Empty: no ALPN. The protocol agreed on is
    /// ``SessionInfo/applicationProtocol``.
    public var applicationProtocols: [String] = []
    /// Whether ALPN must agree on a protocol, RFC 7301's strict reading. Default false: a peer
    /// with no protocol in common is served without ALPN (``SessionInfo/applicationProtocol``
    /// is nil) and the application decides.
    ///
    /// When true, a server refuses a client that offers protocols, none of them in
    /// ``applicationProtocols``, with the `no_application_protocol` alert (RFC 7301 §3.2); a
    /// client that offers none is still served, without ALPN. A client fails the handshake, and
    /// sends `no_application_protocol`, when the server agrees to none of its protocols. Either
    /// side then throws ``TLSError/noCommonApplicationProtocol(detail:library:alert:)``. Ignored
    /// while ``applicationProtocols`` is empty.
    public var requiresApplicationProtocol = false

    // MARK: Several identities (a server)

    /// A server's certificate/key pairs after the first (``certificateChain`` and
    /// ``privateKey``). Empty by default: one identity. Usually set through ``identities``.
    ///
    /// For each connection the name decides first: when the client's server name (SNI) is one
    /// that certificates carry (exactly, or under a `*.` wildcard that covers its first label),
    /// only those pairs are candidates, exact names before wildcards. Among the candidates (or all
    /// pairs, when no certificate carries the name or the client sends none) the server presents
    /// one the client can verify: an ECDSA (or EdDSA) certificate for a client that accepts its
    /// signatures, RSA for the others. Between pairs of the same key type the configuration's
    /// order decides, so the first pair is the default. (In TLS 1.2 the client's cipher-suite
    /// order decides between the key types it accepts; most clients list ECDSA first.) A client
    /// that can verify none of the candidates fails the handshake.
    public var additionalIdentities: [Identity] = []

    // MARK: Pins, OCSP stapling, shared ticket keys

    /// The public key pins (RFC 7469) a client accepts: the server is accepted only when a
    /// certificate of its verified chain (leaf, intermediates or the trust anchor) has one of
    /// them; with ``CertificateVerification/none`` only the leaf is compared. Checked right after
    /// the chain is verified, before this side's Finished: a mismatch sends `bad_certificate` and
    /// throws ``TLSError/publicKeyPinMismatch(expected:presented:)``. A resumed session is not
    /// checked again (its ticket came from a checked handshake). Empty (the default): no pinning.
    /// Ignored by a server.
    public var publicKeyPins: [PublicKeyPin] = []
    /// The OCSP response (DER, RFC 6960) a server staples for its certificate when a client asks
    /// (`status_request`, RFC 6066), e.g. one fetched with `openssl ocsp` from the issuer's
    /// responder. Read when the context is made (so a reload picks up a fresh one); it must be a
    /// successful response about this certificate, not revoked and not past its next update
    /// (GnuTLS staples neither; it also stops stapling a response once its next update passes).
    /// With several ``identities`` it must be about one of their certificates, and is stapled
    /// only on connections that certificate serves. Nil (the default): nothing stapled. Ignored
    /// by a client.
    public var ocspResponse: OCSPResponseSource?
    /// Whether a client requires a good OCSP status stapled by the server: a verified response
    /// that says `good`. Without one the handshake fails with `bad_certificate_status_response`
    /// and ``TLSError/ocspStatusRequired(reason:alert:)``. Default false: whatever the server
    /// staples is reported in ``SessionInfo/ocspStatus``, and only a `revoked` one fails (with
    /// verification on, as a revoked certificate). Needs verification: ``validate()`` refuses it with
    /// ``CertificateVerification/none``.
    public var requiresOCSPStatus = false
    /// The master key a server encrypts session tickets with, to share with other server
    /// processes (see ``TLSTicketKey``). Nil (the default): a random key made with the context,
    /// which never leaves the process.
    public var ticketKey: TLSTicketKey?

    /// Where a stapled OCSP response comes from.
    public enum OCSPResponseSource: Sendable, Equatable {
        /// A file holding the DER response.
        case file(String)
        /// The DER response in memory; `label` names it in error messages.
        case der([UInt8], label: String)

        /// A name for messages: the path, or the label.
        public var label: String {
            switch self {
            case let .file(path): return path
            case let .der(_, label): return label
            }
        }
    }
    // Client certificates (mTLS)

    /// Whether a server asks clients for a certificate, and whether it insists. Default
    /// ``ClientAuthentication/none``. A certificate the client sends is verified against
    /// ``clientTrustRoots`` and must allow TLS client authentication (extended key usage
    /// clientAuth, or none at all); the verified chain is the server's
    /// ``SessionInfo/peerCertificates``. Servers only.
    ///
    /// A client presents ``certificateChain`` with ``privateKey`` when a server asks, whether or
    /// not its issuer is among the authorities the server names.
    public var clientAuthentication: ClientAuthentication = .none
    /// The certificate authorities a server trusts to issue client certificates; required when
    /// ``clientAuthentication`` is not ``ClientAuthentication/none``, and their names are listed in
    /// the CertificateRequest. Nil by default: the system store is no place to find client CAs.
    public var clientTrustRoots: TrustRoots?

    /// Creates a configuration for `role` with every other field at its default.
    public init(role: Role) {
        self.role = role
    }

    /// A client configuration: secure versions, system trust roots, full verification.
    public static func makeClientConfiguration() -> TLSConfiguration {
        TLSConfiguration(role: .client)
    }

    /// A server configuration presenting `certificateChain` with `privateKey`.
    public static func makeServerConfiguration(
        certificateChain: CertificateSource, privateKey: PrivateKeySource
    ) -> TLSConfiguration {
        var configuration = TLSConfiguration(role: .server)
        configuration.certificateChain = certificateChain
        configuration.privateKey = privateKey
        return configuration
    }

    /// Checks what can be checked without a TLS library: a server has a certificate and a key
    /// (and only a server has several, see ``identities``), timeouts are positive, ``serverName`` can be one,
    /// ``applicationProtocols`` fit the ALPN extension (each name 1 to 255 bytes, none twice,
    /// the list at most 65,533 bytes as encoded), ``requiresOCSPStatus`` comes with verification,
    /// and a server that asks for client certificates has ``clientTrustRoots`` to verify them.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)``; ``TLSError/invalidServerName(name:reason:)``
    ///   (see ``ServerName/validate(_:)``).
    public func validate() throws(TLSError) {
        if role == .server && (certificateChain == nil || privateKey == nil) {
            throw .invalidConfiguration("a server needs a certificate chain and a private key")
        }
        if (certificateChain == nil) != (privateKey == nil) {
            throw .invalidConfiguration("a certificate chain and a private key go together: give both or neither")
        }
        if !additionalIdentities.isEmpty {
            if role == .client {
                throw .invalidConfiguration("several certificate/key pairs are for a server: a client presents one")
            }
            if certificateChain == nil {
                throw .invalidConfiguration("the first certificate/key pair is certificateChain and privateKey: set them (or set identities)")
            }
        }
        guard handshakeTimeout > 0, readTimeout > 0, writeTimeout > 0,
              handshakeTimeout.isFinite, readTimeout.isFinite, writeTimeout.isFinite else {
            throw .invalidConfiguration("timeouts must be positive numbers of seconds")
        }
        guard ticketLifetime >= 1, ticketLifetime <= 7 * 24 * 3600 else {
            throw .invalidConfiguration("the ticket lifetime must be between 1 second and 7 days (604800 seconds)")
        }
        if let serverName { try ServerName.validate(serverName) }
        try ApplicationProtocolList.validate(applicationProtocols)
        if requiresOCSPStatus && certificateVerification == .none {
            throw .invalidConfiguration("requiring an OCSP status needs verification: an unverified response proves nothing")
        }
        try validateClientAuthentication()
    }
}
