import CGnuTLS

/// One X.509 certificate handle imported from DER, released once when the value goes.
package final class ImportedCertificate {
    /// The GnuTLS handle; valid while this object lives.
    package let handle: gnutls_x509_crt_t

    /// Imports the DER certificate in `der`; nil when GnuTLS cannot allocate or parse it.
    package init?(der: UnsafeRawBufferPointer) {
        guard let base = der.baseAddress, !der.isEmpty, der.count <= Int(UInt32.max) else { return nil }
        var crt: gnutls_x509_crt_t?
        guard gnutls_x509_crt_init(&crt) == GNUTLS_E_SUCCESS, let crt else { return nil }
        // Owned from here on: every exit below, failure included, releases it in deinit.
        handle = crt
        var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self)),
                                   size: UInt32(der.count))
        guard gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER) == GNUTLS_E_SUCCESS else { return nil }
    }

    deinit {
        gnutls_x509_crt_deinit(handle)
    }
}
