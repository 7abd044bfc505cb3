import CGnuTLS
import SecureSockets

/// Owns one `gnutls_x509_crt_t`, released in `deinit` and nowhere else.
final class X509CertificateHandle {
    /// The certificate; valid as long as this owner lives.
    let raw: gnutls_x509_crt_t

    /// Allocates an empty certificate; `make` turns a GnuTLS failure into the caller's error.
    init(_ make: (BackendError) -> TLSError) throws(TLSError) {
        var crt: gnutls_x509_crt_t?
        let code = gnutlsCall { gnutls_x509_crt_init(&crt) }
        guard code == GNUTLS_E_SUCCESS, let crt else { throw make(.gnutls(code)) }
        raw = crt
    }

    deinit {
        gnutls_x509_crt_deinit(raw)
    }
}
