import CGnuTLS
import SecureSockets

/// A server's session ticket master key: random, made once per context, wiped when freed.
/// GnuTLS derives the key that actually encrypts tickets from it, a new one per ticket lifetime
/// (a time-based rotation), and still decrypts tickets of the previous period.
final class SessionTicketKey: @unchecked Sendable {
    /// The key GnuTLS allocated; wiped by `deinit` here, then released by its own owner.
    private var key = GnuTLSDatum()

    /// Generates a fresh random key.
    ///
    /// - Throws: ``TLSError/setupFailed(operation:library:)`` if GnuTLS cannot make one.
    init() throws(TLSError) {
        let code = gnutlsCall { gnutls_session_ticket_key_generate(&key.raw) }
        guard code == GNUTLS_E_SUCCESS, key.raw.data != nil else {
            throw .setupFailed(operation: "make a session ticket key", library: .gnutls(code))
        }
    }

    deinit {
        if let data = key.raw.data { gnutls_memset(data, 0, Int(key.raw.size)) }
    }

    /// Turns on tickets for a server `session` with this key; tickets live `lifetime` seconds.
    func enable(on session: gnutls_session_t, lifetime: Double) -> Int32 {
        gnutls_db_set_cache_expiration(session, Int32(lifetime.rounded()))
        return gnutls_session_ticket_enable_server(session, &key.raw)
    }
}
