import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs `body` with a private key imported from PEM (PKCS#8 or PKCS#1), released afterwards.
func withPrivateKey<R>(
    _ pem: String, _ body: (gnutls_x509_privkey_t?) throws(TLSError) -> R
) throws(TLSError) -> R {
    var key: gnutls_x509_privkey_t?
    try check(gnutls_x509_privkey_init(&key)) { .certificateGeneration(reason: "cannot allocate a private key", library: $0) }
    defer { gnutls_x509_privkey_deinit(key) }
    var bytes = Array(pem.utf8)
    let code = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
        return gnutls_x509_privkey_import2(key, &datum, GNUTLS_X509_FMT_PEM, nil, 0)
    }
    try check(code) { .certificateGeneration(reason: "cannot read the private key PEM", library: $0) }
    return try body(key)
}
