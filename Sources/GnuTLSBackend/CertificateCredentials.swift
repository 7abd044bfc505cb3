import CGnuTLS
import SecureSockets

/// Owns one `gnutls_certificate_credentials_t` (identity and trust), released in `deinit` and
/// nowhere else. Filled while its context is made, read-only afterwards, so sessions on any
/// thread may share it.
final class CertificateCredentials: @unchecked Sendable {
    /// The credentials; valid as long as this owner lives.
    let raw: gnutls_certificate_credentials_t

    /// Allocates empty credentials.
    ///
    /// - Throws: ``TLSError/setupFailed(operation:library:)`` when GnuTLS cannot.
    init() throws(TLSError) {
        var credentials: gnutls_certificate_credentials_t?
        let code = gnutlsCall { gnutls_certificate_allocate_credentials(&credentials) }
        guard code == GNUTLS_E_SUCCESS, let credentials else {
            throw .setupFailed(operation: "allocate certificate credentials", library: .gnutls(code))
        }
        raw = credentials
    }

    deinit {
        gnutls_certificate_free_credentials(raw)
    }
}
