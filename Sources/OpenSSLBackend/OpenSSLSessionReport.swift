#if OpenSSL
import COpenSSL
import SecureSockets

/// Makes the ``SessionInfo`` of a completed OpenSSL handshake, spelled as the GnuTLS backend
/// spells it where the facts are the same (`TLS1.3`, `X25519`, `AES-256-GCM`, `AEAD`).
enum OpenSSLSessionReport {
    static func make(_ session: OpenSSLSession) -> SessionInfo {
        let ssl = session.ssl.pointer
        let version = OpenSSLVersionTable.version(protocol: SSL_version(ssl))
        let protocolName = version?.displayName ?? (SSL_get_version(ssl).map { String(cString: $0) } ?? "unknown")
        let cipher = SSL_get_current_cipher(ssl)
        let suite = cipher.flatMap { SSL_CIPHER_standard_name($0) }.map { String(cString: $0) } ?? "unknown"
        let bulk = cipher.map { name(nid: SSL_CIPHER_get_cipher_nid($0), long: true) } ?? "unknown"
        let isAEAD = cipher.map { SSL_CIPHER_is_aead($0) == 1 } ?? false
        let mac = isAEAD ? "AEAD" : cipher.map { name(nid: SSL_CIPHER_get_digest_nid($0), long: false) } ?? "unknown"
        let group = groupName(ssl)
        let keyExchange = keyExchangeName(cipher, group: group, version: version)
        let signature = version.map { $0 >= .tlsv1_2 } == true ? signatureName(ssl, role: session.role, version: version) : nil
        let configuration = session.context.configuration
        let peerChain = peerCertificates(ssl, role: session.role)
        var verification: String
        switch (session.role, configuration.certificateVerification) {
        case (.server, _):
            if configuration.clientAuthentication == .none {
                verification = "no client certificate requested"
            } else if peerChain.isEmpty {
                verification = "client certificate requested, none sent"
            } else {
                verification = "client certificate verified (chain and TLS client authentication)"
            }
        case (.client, .fullVerification): verification = "verified (chain and name \(session.expectedName ?? ""))"
        case (.client, .noHostnameVerification): verification = "chain verified, name not checked"
        case (.client, .none): verification = "not verified (insecure)"
        }
        let resumed = SSL_session_reused(ssl) == 1
        if session.role == .client && !configuration.publicKeyPins.isEmpty && !resumed {
            verification += ", public key pin matched"
        }
        let serverName: String?
        if session.role == .server {
            serverName = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) }
        } else {
            serverName = session.expectedName.flatMap { IPAddress.isLiteral($0) ? nil : $0 }
        }
        let requested = session.role == .server
            ? configuration.clientAuthentication != .none && !resumed
            : session.receivedHandshakeTypes.contains(UInt8(SSL3_MT_CERTIFICATE_REQUEST))
        let local = SSL_get_certificate(ssl).map { CertificateDescription.info($0) }
        // GnuTLS's gnutls_session_get_desc: the exchange's kind and group, e.g. (ECDHE-X25519).
        let exchangeKind = group.map { ($0.hasPrefix("FFDHE") ? "DHE-" : "ECDHE-") + $0 } ?? keyExchange
        let summary = "(\(protocolName))-(\(exchangeKind))-(\(signature ?? "none"))-(\(bulk))"
            + (isAEAD ? "" : "-(\(mac))")
        return SessionInfo(
            version: version, protocolName: protocolName, cipherSuite: suite, keyExchange: keyExchange,
            group: group, signatureAlgorithm: signature, cipher: bulk, mac: mac, summary: summary,
            serverName: serverName, peerCertificates: peerChain, verification: verification, resumed: resumed,
            warnings: ChainStrength.weaknesses(of: peerChainHandles(ssl, role: session.role)).map(\.text),
            applicationProtocol: session.applicationProtocol,
            ocspStatus: resumed ? nil : session.role == .client ? session.receivedOCSP
                : session.ocspStapled ? session.context.ocspStatus : nil,
            clientCertificateRequested: requested,
            localCertificate: resumed || (session.role == .client && !requested) ? nil : local)
    }

    /// The peer's chain as sent, leaf first.
    static func peerCertificates(_ ssl: OpaquePointer, role: TLSConfiguration.Role) -> [CertificateInfo] {
        peerChainHandles(ssl, role: role).map { CertificateDescription.info($0) }
    }

    /// The peer's certificates as sent, leaf first (a server's `SSL_get_peer_cert_chain` omits the
    /// leaf); OpenSSL owns them for the session's life.
    static func peerChainHandles(_ ssl: OpaquePointer, role: TLSConfiguration.Role) -> [OpaquePointer] {
        var chain: [OpaquePointer] = []
        if role == .server, let leaf = SSL_get0_peer_certificate(ssl) {
            chain.append(leaf)
        }
        guard let stack = SSL_get_peer_cert_chain(ssl) else { return chain }
        let count = OPENSSL_sk_num(stack)
        for index in 0..<max(count, 0) {
            if let certificate = OPENSSL_sk_value(stack, index) {
                chain.append(OpaquePointer(certificate))
            }
        }
        return chain
    }

    /// An object's name as GnuTLS writes it: `AES-256-GCM`, `SHA256`.
    static func name(nid: Int32, long: Bool) -> String {
        guard nid != NID_undef, let text = long ? OBJ_nid2ln(nid) : OBJ_nid2sn(nid) else { return "unknown" }
        return String(cString: text).uppercased()
    }

    /// The key-exchange group, e.g. `X25519`, `SECP256R1`; nil when none was used.
    static func groupName(_ ssl: OpaquePointer) -> String? {
        let group = copenssl_get_negotiated_group(ssl)
        guard group > 0, let text = SSL_group_to_name(ssl, group) else { return nil }
        return CertificateDescription.curveName(String(cString: text))
    }

    /// `ECDHE-RSA`, `ECDHE-ECDSA`, `DHE-RSA`, `RSA`. In TLS 1.3, where the suite names no key
    /// exchange, GnuTLS's convention: `ECDHE-RSA` for an elliptic-curve group, `DHE-RSA` for a
    /// finite-field one, whatever the server's key (the group itself is ``SessionInfo/group``).
    static func keyExchangeName(_ cipher: OpaquePointer?, group: String?, version: TLSVersion?) -> String {
        guard let cipher else { return "unknown" }
        if version == .tlsv1_3 { return group?.hasPrefix("FFDHE") == true ? "DHE-RSA" : "ECDHE-RSA" }
        let exchange: String
        switch SSL_CIPHER_get_kx_nid(cipher) {
        case NID_kx_ecdhe: exchange = "ECDHE"
        case NID_kx_dhe: exchange = "DHE"
        case NID_kx_rsa: return "RSA"
        default: exchange = group?.hasPrefix("FFDHE") == true ? "DHE" : "ECDHE"
        }
        switch SSL_CIPHER_get_auth_nid(cipher) {
        case NID_auth_rsa: return exchange + "-RSA"
        case NID_auth_ecdsa: return exchange + "-ECDSA"
        default: return exchange
        }
    }

    /// The handshake signature in GnuTLS's names (`gnutls_sign_get_name`), the server's, as both
    /// sides see it: `RSA-SHA256` (PKCS #1 v1.5), `RSA-PSS-RSAE-SHA256` (PSS with an RSA key),
    /// `RSA-PSS-SHA256` (PSS with an RSA-PSS key), `ECDSA-SHA256` in TLS 1.2 and
    /// `ECDSA-SECP256R1-SHA256` in TLS 1.3 (whose scheme names the curve), `EdDSA-Ed25519`.
    static func signatureName(_ ssl: OpaquePointer, role: TLSConfiguration.Role, version: TLSVersion?) -> String? {
        var type: Int32 = NID_undef
        var digest: Int32 = NID_undef
        let known = role == .client
            ? SSL_get_peer_signature_type_nid(ssl, &type) == 1 && copenssl_get_peer_signature_nid(ssl, &digest) == 1
            : SSL_get_signature_type_nid(ssl, &type) == 1 && copenssl_get_signature_nid(ssl, &digest) == 1
        guard known else { return nil }
        let hash = name(nid: digest, long: false).replacing("-", with: "")
        switch type {
        case EVP_PKEY_RSA_PSS, NID_rsassaPss:
            // rsa_pss_pss_* signs with a key that is itself RSA-PSS; rsa_pss_rsae_* with an RSA key.
            let signer = role == .client ? SSL_get0_peer_certificate(ssl) : SSL_get_certificate(ssl)
            let signerIsPSS = signer.flatMap { X509_get0_pubkey($0) }.map { EVP_PKEY_get_base_id($0) == EVP_PKEY_RSA_PSS } ?? false
            return signerIsPSS ? "RSA-PSS-\(hash)" : "RSA-PSS-RSAE-\(hash)"
        case EVP_PKEY_RSA: return "RSA-\(hash)"
        case EVP_PKEY_EC:
            guard version == .tlsv1_3, let curve = tls13Curve[hash] else { return "ECDSA-\(hash)" }
            return "ECDSA-\(curve)-\(hash)"
        case EVP_PKEY_ED25519: return "EdDSA-Ed25519"
        case EVP_PKEY_ED448: return "EdDSA-Ed448"
        default: return name(nid: type, long: false) + "-" + hash
        }
    }

    /// The curve a TLS 1.3 ECDSA signature scheme pairs with its hash.
    private static let tls13Curve = ["SHA256": "SECP256R1", "SHA384": "SECP384R1", "SHA512": "SECP521R1"]
}
#endif
