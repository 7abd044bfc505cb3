import CGnuTLS
import SecureSockets

/// A server's session ticket master key: random and made once per context, or given by the
/// configuration (``TLSConfiguration/ticketKey``) to share with other processes; wiped when freed.
/// GnuTLS derives the key that actually encrypts tickets from it, a new one per ticket lifetime
/// (a time-based rotation), and still decrypts tickets of the previous period.
final class SessionTicketKey: @unchecked Sendable {
    /// The key bytes, allocated here, wiped and released in `deinit` and nowhere else.
    private let storage: UnsafeMutableBufferPointer<UInt8>
    /// The datum GnuTLS reads the key from (it copies it into each session).
    private var datum: gnutls_datum_t

    /// Generates a fresh random key.
    ///
    /// - Throws: ``TLSError/setupFailed(operation:library:)`` if GnuTLS cannot make one.
    convenience init() throws(TLSError) {
        self.init(size: TLSTicketKey.size)
        let code = gnutlsCall { gnutls_rnd(GNUTLS_RND_KEY, storage.baseAddress, storage.count) }
        guard code == GNUTLS_E_SUCCESS else {
            throw .setupFailed(operation: "make a session ticket key", library: .gnutls(code))
        }
    }

    /// Uses the bytes of a shared key.
    convenience init(_ key: TLSTicketKey) {
        self.init(size: key.bytes.count)
        _ = storage.initialize(from: key.bytes)
    }

    private init(size: Int) {
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0)
        datum = gnutls_datum_t(data: storage.baseAddress, size: UInt32(size))
    }

    deinit {
        gnutls_memset(storage.baseAddress, 0, storage.count)
        storage.deallocate()
    }

    /// Turns on tickets for a server `session` with this key; tickets live `lifetime` seconds.
    func enable(on session: gnutls_session_t, lifetime: Double) -> Int32 {
        gnutls_db_set_cache_expiration(session, Int32(lifetime.rounded()))
        return gnutls_session_ticket_enable_server(session, &datum)
    }
}
