import CGnuTLS
import SecureSockets

/// Owns one `gnutls_x509_privkey_t` (a key GnuTLS generates, imports or exports), released in
/// `deinit` and nowhere else.
final class X509PrivateKeyHandle {
    /// The key; valid as long as this owner lives.
    let raw: gnutls_x509_privkey_t

    /// Allocates an empty key; `make` turns a GnuTLS failure into the caller's error.
    init(_ make: (BackendError) -> TLSError) throws(TLSError) {
        var key: gnutls_x509_privkey_t?
        let code = gnutlsCall { gnutls_x509_privkey_init(&key) }
        guard code == GNUTLS_E_SUCCESS, let key else { throw make(.gnutls(code)) }
        raw = key
    }

    deinit {
        gnutls_x509_privkey_deinit(raw)
    }
}
