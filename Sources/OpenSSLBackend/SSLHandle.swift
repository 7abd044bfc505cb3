#if OpenSSL
import COpenSSL
import SecureSockets

/// Owns one `SSL` and, through `SSL_set0_rbio`/`SSL_set0_wbio`, its two memory BIOs; freed in
/// `deinit` only.
final class SSLHandle {
    /// The connection.
    let pointer: OpaquePointer

    /// A connection from `context`, reading and writing memory BIOs.
    init(context: SSLContextHandle) throws(TLSError) {
        guard let pointer = SSL_new(context.pointer) else {
            throw .setupFailed(operation: "create an OpenSSL session (SSL_new)", library: OpenSSLError.take("SSL_new"))
        }
        self.pointer = pointer
        // Each BIO belongs to the SSL from the moment it exists: a failure leaves nothing to free
        // but the SSL, which deinit frees.
        guard let input = BIO_new(BIO_s_mem()) else {
            throw .setupFailed(operation: "create a memory BIO", library: OpenSSLError.take("BIO_new"))
        }
        SSL_set0_rbio(pointer, input)
        // An empty input BIO means "more to come" (SSL_ERROR_WANT_READ), not end of file.
        _ = copenssl_bio_set_mem_eof_return(input, -1)
        guard let output = BIO_new(BIO_s_mem()) else {
            throw .setupFailed(operation: "create a memory BIO", library: OpenSSLError.take("BIO_new"))
        }
        SSL_set0_wbio(pointer, output)
    }

    /// Ciphertext from the peer, read by OpenSSL.
    var networkInput: OpaquePointer? { SSL_get_rbio(pointer) }
    /// Ciphertext to the peer, written by OpenSSL.
    var networkOutput: OpaquePointer? { SSL_get_wbio(pointer) }

    deinit { SSL_free(pointer) }
}
#endif
