import CGnuTLS
import SecureSockets

/// Owns the certificates `gnutls_x509_crt_list_import2` made from PEM text, and the array that
/// holds them: each certificate and then the array are released in `deinit`, and nowhere else.
final class CertificateList {
    private let list: UnsafeMutablePointer<gnutls_x509_crt_t?>
    /// How many certificates the list holds (at least one).
    let count: Int

    /// Imports every PEM certificate in `bytes`; `label` names the source in errors.
    ///
    /// - Throws: ``TLSError/certificateFile(path:reason:library:)`` when there is none, or one is malformed.
    init(pem bytes: [UInt8], label: String) throws(TLSError) {
        let noCertificate = TLSError.certificateFile(path: label, reason: "no PEM certificate found in the file", library: nil)
        guard !bytes.isEmpty, bytes.count <= Int(UInt32.max) else { throw noCertificate }
        var list: UnsafeMutablePointer<gnutls_x509_crt_t?>?
        var count: UInt32 = 0
        let code = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: buffer.baseAddress), size: UInt32(buffer.count))
            return gnutlsCall { gnutls_x509_crt_list_import2(&list, &count, &datum, GNUTLS_X509_FMT_PEM, 0) }
        }
        // On failure GnuTLS has released what it made: nothing to own.
        if code == GNUTLS_E_NO_CERTIFICATE_FOUND || code == GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR {
            throw .certificateFile(path: label, reason: "no PEM certificate found in the file", library: .gnutls(code))
        }
        if code < 0 {
            throw .certificateFile(path: label, reason: "the PEM certificate is malformed", library: .gnutls(code))
        }
        guard let list else { throw noCertificate }
        self.list = list
        self.count = Int(count)
        guard count > 0 else { throw noCertificate }
    }

    /// The certificate at `index` (0 is the first in the file); valid as long as this owner lives.
    subscript(index: Int) -> gnutls_x509_crt_t? { list[index] }

    deinit {
        for index in 0..<count { gnutls_x509_crt_deinit(list[index]) }
        cgnutls_free(list)
    }
}
