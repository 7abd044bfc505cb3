import CGnuTLS
import SecureSockets

/// Owns one `gnutls_session_t`, and the memory the session keeps pointers into (the host name it
/// verifies the certificate against): released in `deinit`, the session first, and nowhere else.
final class SessionHandle {
    /// The session; valid as long as this owner lives.
    let raw: gnutls_session_t
    private var kept: [UnsafeMutablePointer<CChar>] = []

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

    /// A NUL-terminated copy of `text` that lives as long as the session, for GnuTLS calls that
    /// keep the pointer (e.g. `gnutls_session_set_verify_cert`).
    func keep(_ text: String) -> UnsafePointer<CChar> {
        let utf8 = Array(text.utf8)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
        for (index, byte) in utf8.enumerated() { copy[index] = CChar(bitPattern: byte) }
        copy[utf8.count] = 0
        kept.append(copy)
        return UnsafePointer(copy)
    }

    deinit {
        gnutls_deinit(raw)
        for copy in kept { copy.deallocate() }
    }
}
