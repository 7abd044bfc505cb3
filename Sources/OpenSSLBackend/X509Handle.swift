#if OpenSSL
import COpenSSL
import SecureSockets

/// Owns one reference to an `X509`, released in `deinit` only.
final class X509Handle: @unchecked Sendable {
    /// The certificate; never changed after it is read.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (a reference the caller owned).
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    /// Takes a new reference to a certificate OpenSSL owns (e.g. `SSL_get0_peer_certificate`).
    init(retaining pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }
}
#endif
