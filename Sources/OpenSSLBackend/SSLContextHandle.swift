#if OpenSSL
import COpenSSL
import SecureSockets

/// Owns one `SSL_CTX`, freed in `deinit` only (sessions take their own reference).
final class SSLContextHandle: @unchecked Sendable {
    /// The context; configured while the ``OpenSSLContext`` is built, read-only after.
    let pointer: OpaquePointer

    /// A new context for either role (`TLS_method`).
    init() throws(TLSError) {
        guard let pointer = SSL_CTX_new(TLS_method()) else {
            throw .setupFailed(operation: "create an OpenSSL context (SSL_CTX_new)", library: OpenSSLError.take("SSL_CTX_new"))
        }
        self.pointer = pointer
    }

    deinit { SSL_CTX_free(pointer) }
}
#endif
