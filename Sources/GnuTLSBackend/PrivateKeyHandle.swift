import CGnuTLS
import SecureSockets

/// Owns one abstract `gnutls_privkey_t` (the signing interface over an x509 key), released in
/// `deinit` and nowhere else. It does not own the x509 key it is imported from: that key's own
/// owner must outlive it.
final class PrivateKeyHandle {
    /// The key; valid as long as this owner lives.
    let raw: gnutls_privkey_t

    /// Allocates an empty key; `make` turns a GnuTLS failure into the caller's error.
    init(_ make: (BackendError) -> TLSError) throws(TLSError) {
        var key: gnutls_privkey_t?
        let code = gnutlsCall { gnutls_privkey_init(&key) }
        guard code == GNUTLS_E_SUCCESS, let key else { throw make(.gnutls(code)) }
        raw = key
    }

    deinit {
        gnutls_privkey_deinit(raw)
    }
}
