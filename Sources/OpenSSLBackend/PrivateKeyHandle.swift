#if OpenSSL
import COpenSSL

/// Owns one `EVP_PKEY`, released in `deinit` only.
final class PrivateKeyHandle: @unchecked Sendable {
    /// The key; never changed after it is read.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }
}
#endif
