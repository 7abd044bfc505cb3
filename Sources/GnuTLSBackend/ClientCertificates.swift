import CGnuTLS
import SecureSockets

/// Client certificates (mutual TLS) in GnuTLS: a server asks for one and verifies it during the
/// handshake; a client sends its own when asked; either side says in words why the other one's
/// certificate, or its absence, ended the handshake.
enum ClientCertificates {
    /// Extra `gnutls_init` flags for a session of `configuration`: a client with a certificate
    /// sends it whenever the server asks, even when its issuer is not among the authorities the
    /// server names (GnuTLS would send none, and the server could only say that none came).
    static func sessionFlags(for configuration: TLSConfiguration) -> UInt32 {
        configuration.role == .client && configuration.certificateChain != nil ? GNUTLS_FORCE_CLIENT_CERT.rawValue : 0
    }

    /// On a server: asks for the client's certificate as `configuration` says, and verifies it
    /// during the handshake (the chain against the client trust roots, the purpose TLS client
    /// authentication) through ``verify(_:)``. Returns the checks, which the session keeps; nil
    /// when no certificate is asked for.
    ///
    /// GnuTLS's own verification (`gnutls_session_set_verify_cert2`, as a client uses) fails a
    /// handshake in which the client sent no certificate even when none is required, hence a
    /// verify function of this side's own.
    static func install(on session: gnutls_session_t, configuration: TLSConfiguration) -> PeerVerification? {
        switch configuration.clientAuthentication {
        case .none: return nil
        case .request: gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST)
        case .require: gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE)
        }
        gnutls_session_set_verify_function(session) { handle in
            guard let handle, let pointer = gnutls_transport_get_ptr(handle) else { return GNUTLS_E_CERTIFICATE_ERROR }
            return ClientCertificates.verify(Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue())
        }
        return PeerVerification(mode: .noHostnameVerification, hostName: nil, purpose: .tlsClient)
    }

    /// Verifies the client's certificate of a server `session` (GnuTLS calls this once the
    /// client's certificate arrived): 0 to go on (no certificate when none is required, or one
    /// that verifies), else the error the handshake fails with. The status bits of a refusal are
    /// kept in the session for ``Verification``.
    static func verify(_ session: GnuTLSSession) -> Int32 {
        var count: UInt32 = 0
        guard gnutls_certificate_get_peers(session.session, &count) != nil, count > 0 else {
            return session.context.configuration.clientAuthentication == .require ? GNUTLS_E_NO_CERTIFICATE_FOUND : 0
        }
        guard let checks = session.clientCertificateChecks else { return GNUTLS_E_CERTIFICATE_ERROR }
        let (code, status) = checks.verify(session.session)
        if code < 0 { return code }
        session.clientCertificateStatus = status
        return status == 0 ? 0 : GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR
    }

    /// True when `code` is what GnuTLS gives a server whose client sent no certificate although
    /// one is required: the server asks for certificates and has sent its CertificateRequest
    /// (the same codes earlier mean the server found no certificate of its own for the client).
    static func isMissing(_ code: Int32, in session: GnuTLSSession) -> Bool {
        guard session.role == .server, session.context.configuration.clientAuthentication != .none,
              code == GNUTLS_E_NO_CERTIFICATE_FOUND || code == GNUTLS_E_CERTIFICATE_REQUIRED else { return false }
        let lastSent = Int32(bitPattern: gnutls_handshake_get_last_out(session.session).rawValue)
        return lastSent >= Int32(GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST.rawValue)
    }

    /// On a server that requires a certificate and got none: tells the client with the alert
    /// each version prescribes (`certificate_required` in TLS 1.3, RFC 8446 §4.4.2.4;
    /// `handshake_failure` before, RFC 5246 §7.4.6) and says so.
    static func missing(_ code: Int32, in session: GnuTLSSession) -> TLSError {
        let alert = gnutls_protocol_get_version(session.session) == GNUTLS_TLS1_3
            ? GNUTLS_A_CERTIFICATE_REQUIRED : GNUTLS_A_HANDSHAKE_FAILURE
        session.sendAlert(alert)
        return .handshakeFailed(reason: "the client sent no certificate, and this server requires one",
                                library: .gnutls(code), alert: Alerts.describe(alert, fatal: true))
    }

    /// On a client the server asked for a certificate: the server's fatal `alert` read as a
    /// refusal of the certificate this side sent (or of its absence); nil when the server asked
    /// for none or the alert is about something else.
    static func refusal(_ alert: TLSAlert, in session: GnuTLSSession, library: BackendError) -> TLSError? {
        let handle = session.session
        guard session.role == .client, gnutls_certificate_client_get_request_status(handle) != 0 else { return nil }
        let sent = sentCertificate(handle)
        guard let reason = ClientCertificateRefusal.reason(
            for: alert, sentSubject: sent.map(ClientCertificateRefusal.subject(of:)),
            hasCertificate: session.context.configuration.certificateChain != nil) else { return nil }
        return .handshakeFailed(reason: reason, library: library, alert: alert)
    }

    /// How a server checked its client, for ``SessionInfo/verification``: `no client certificate
    /// requested`, `client certificate requested, none sent`, or `client certificate verified
    /// (chain and TLS client authentication)` (a certificate that fails verification fails the
    /// handshake). A resumed session reports what its first handshake verified.
    static func verificationText(_ session: GnuTLSSession) -> String {
        guard session.context.configuration.clientAuthentication != .none else { return "no client certificate requested" }
        var count: UInt32 = 0
        guard gnutls_certificate_get_peers(session.session, &count) != nil, count > 0 else {
            return "client certificate requested, none sent"
        }
        return "client certificate verified (chain and TLS client authentication)"
    }

    /// Fills in whether a client certificate was asked for in `session`'s handshake (the
    /// certificate this side sent is read by ``SessionReport`` with ``sentCertificate(_:)``).
    static func report(_ session: GnuTLSSession, into info: inout SessionInfo) {
        let handle = session.session
        let resumed = gnutls_session_is_resumed(handle) != 0
        info.clientCertificateRequested = !resumed && (session.role == .server
            ? session.context.configuration.clientAuthentication != .none
            : gnutls_certificate_client_get_request_status(handle) != 0)
    }

    /// The leaf certificate this side sent in the last handshake (`gnutls_certificate_get_ours`;
    /// GnuTLS owns the bytes), parsed; nil when it sent none.
    static func sentCertificate(_ handle: gnutls_session_t) -> CertificateInfo? {
        gnutls_certificate_get_ours(handle).flatMap { datum in
            guard let data = datum.pointee.data else { return nil }
            return try? certificateInfo(der: UnsafeRawBufferPointer(start: data, count: Int(datum.pointee.size)))
        }
    }

    /// Why the leaf of a client's `chain` cannot authenticate it, in words; nil when it can (or
    /// cannot be read here: loading it reports that). A client signs the handshake with its key,
    /// which a key usage extension without digitalSignature forbids: GnuTLS then refuses to sign
    /// under TLS 1.2 (`GNUTLS_E_KEY_USAGE_VIOLATION`) and leaves TLS 1.3 out of its offer.
    static func keyUsageProblem(_ chain: TLSConfiguration.CertificateSource) -> String? {
        let pem: [UInt8]
        switch chain {
        case let .file(path):
            guard case let .success(bytes) = FileContents.read(path) else { return nil }
            pem = bytes
        case let .pem(text, _):
            pem = Array(text.utf8)
        }
        guard let leaf = ChainStrength.certificates(fromPEM: pem).first else { return nil }
        let usage: UInt32? = leaf.withUnsafeBytes { der in
            guard let crt = X509CertificateHandle(der: der) else { return nil }
            return withExtendedLifetime(crt) {
                var bits: UInt32 = 0
                var critical: UInt32 = 0
                return gnutls_x509_crt_get_key_usage(crt.raw, &bits, &critical) >= 0 ? bits : nil
            }
        }
        guard let usage, usage & UInt32(GNUTLS_KEY_DIGITAL_SIGNATURE) == 0 else { return nil }
        return "certificate \(chain.label) may not sign (its key usage lacks digitalSignature), so it cannot authenticate a TLS client"
    }
}
