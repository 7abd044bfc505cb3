import CGnuTLS
import SecureSockets

/// Reads what a finished handshake negotiated into a ``SessionInfo``.
enum SessionReport {
    static func make(_ session: GnuTLSSession) -> SessionInfo {
        var info = negotiated(session)
        ClientCertificates.report(session, into: &info)
        return info
    }

    private static func negotiated(_ session: GnuTLSSession) -> SessionInfo {
        let handle = session.session
        func text(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        let protocolName = text(gnutls_protocol_get_name(gnutls_protocol_get_version(handle))) ?? "unknown"
        let version = TLSVersion.allCases.first { $0.displayName == protocolName }
        let signature = gnutls_sign_algorithm_get(handle)
        let signatureName = signature > 0
            ? text(gnutls_sign_get_name(gnutls_sign_algorithm_t(rawValue: UInt32(signature)))) : nil
        let group = gnutls_group_get(handle)
        var summary = ""
        if let description = gnutls_session_get_desc(handle) {
            summary = GnuTLSDatum(adoptingCString: description).string
        }
        let configuration = session.context.configuration
        var verification: String
        switch (session.role, configuration.certificateVerification) {
        case (.server, _): verification = ClientCertificates.verificationText(session)
        case (.client, .fullVerification): verification = "verified (chain and name \(session.expectedName ?? ""))"
        case (.client, .noHostnameVerification): verification = "chain verified, name not checked"
        case (.client, .none): verification = "not verified (insecure)"
        }
        if session.role == .client && !configuration.publicKeyPins.isEmpty && gnutls_session_is_resumed(handle) == 0 {
            verification += ", public key pin matched"
        }
        // The leaf this side sent: a server's own (with several identities, the one that served,
        // which decides whether the OCSP response was stapled), or a client's certificate.
        let local = ClientCertificates.sentCertificate(handle)
        return SessionInfo(
            version: version,
            protocolName: protocolName,
            cipherSuite: text(gnutls_ciphersuite_get(handle)) ?? "unknown",
            keyExchange: text(gnutls_kx_get_name(gnutls_kx_get(handle))) ?? "unknown",
            group: group.rawValue == 0 ? nil : text(gnutls_group_get_name(group)),
            signatureAlgorithm: signatureName,
            cipher: text(gnutls_cipher_get_name(gnutls_cipher_get(handle))) ?? "unknown",
            mac: text(gnutls_mac_get_name(gnutls_mac_get(handle))) ?? "unknown",
            summary: summary,
            serverName: session.role == .server ? serverName(handle) : session.expectedName.flatMap { IPAddress.isLiteral($0) ? nil : $0 },
            peerCertificates: PeerCertificates.chain(of: handle),
            verification: verification,
            resumed: gnutls_session_is_resumed(handle) != 0,
            warnings: ChainStrength.weaknesses(of: PeerCertificates.der(of: handle)).map(\.text),
            applicationProtocol: session.applicationProtocol,
            ocspStatus: gnutls_session_is_resumed(handle) != 0 ? nil
                : session.role == .client ? OCSPStapling.received(handle)
                : OCSPStapling.sent(handle, context: session.context, served: local),
            localCertificate: local
        )
    }

    /// The server name the client sent (SNI), read on the server.
    static func serverName(_ handle: gnutls_session_t) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        var size = buffer.count
        var type: UInt32 = 0
        let code = buffer.withUnsafeMutableBytes { gnutls_server_name_get(handle, $0.baseAddress, &size, &type, 0) }
        guard code == GNUTLS_E_SUCCESS else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
