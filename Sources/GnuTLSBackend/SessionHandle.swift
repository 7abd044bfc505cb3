import CGnuTLS
import SecureSockets

/// Owns one `gnutls_session_t`, and the objects the session keeps pointers into (what it verifies
/// the peer's certificate for): released in `deinit`, the session first, and nowhere else.
final class SessionHandle {
    /// The session; valid as long as this owner lives.
    let raw: gnutls_session_t
    private var kept: [AnyObject] = []

    /// Creates a session with `gnutls_init` and `flags` (`GNUTLS_SERVER` or `GNUTLS_CLIENT`, ...).
    ///
    /// - Throws: ``TLSError/setupFailed(operation:library:)`` when GnuTLS cannot.
    init(flags: UInt32) throws(TLSError) {
        var handle: gnutls_session_t?
        let code = gnutlsCall { gnutls_init(&handle, flags) }
        guard code == GNUTLS_E_SUCCESS, let handle else {
            throw .setupFailed(operation: "create a GnuTLS session", library: .gnutls(code))
        }
        raw = handle
    }

    /// Keeps `object` (memory that GnuTLS points into, e.g. ``PeerVerification``) until the
    /// session has been released.
    func keep(_ object: AnyObject) {
        kept.append(object)
    }

    deinit {
        gnutls_deinit(raw)
        // The kept objects go after the session, which points into them.
        kept.removeAll()
    }
}
