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

    /// Imports the DER certificate in `der`; nil when GnuTLS cannot allocate or parse it. For
    /// checks that pass over what they cannot read (purposes, key strength), so these calls are
    /// not counted by a ``GnuTLSFaultPlan``: their failure is no error.
    init?(der: UnsafeRawBufferPointer) {
        guard let base = der.baseAddress, !der.isEmpty, der.count <= Int(UInt32.max) else { return nil }
        var crt: gnutls_x509_crt_t?
        guard gnutls_x509_crt_init(&crt) == GNUTLS_E_SUCCESS, let crt else { return nil }
        // Owned from here on: a failure below returns nil, and deinit releases the handle.
        raw = crt
        var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self)),
                                   size: UInt32(der.count))
        guard gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS else { return nil }
    }

    /// Takes over a certificate GnuTLS made for the caller (e.g. a copy from a trust list).
    init(adopting crt: gnutls_x509_crt_t) {
        raw = crt
    }

    deinit {
        gnutls_x509_crt_deinit(raw)
    }
}
