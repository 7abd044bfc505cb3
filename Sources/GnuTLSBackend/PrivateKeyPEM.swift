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
    let key = try X509PrivateKeyHandle { .certificateGeneration(reason: "cannot allocate a private key", library: $0) }
    var bytes = Array(pem.utf8)
    let code = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
        return gnutlsCall { gnutls_x509_privkey_import2(key.raw, &datum, GNUTLS_X509_FMT_PEM, nil, 0) }
    }
    if code < 0 { throw .certificateGeneration(reason: "cannot read the private key PEM", library: .gnutls(code)) }
    return try withExtendedLifetime(key) { () throws(TLSError) in try body(key.raw) }
}
