#if OpenSSL
import COpenSSL

/// Owns one `SSL_SESSION` read back from a ticket's bytes, freed in `deinit` only (an `SSL`
/// that resumes it takes its own reference).
final class SavedSession {
    /// The session.
    let pointer: OpaquePointer

    /// The session in `der` (`d2i_SSL_SESSION`); nil when the bytes are not one.
    init?(_ der: [UInt8]) {
        let pointer: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_SSL_SESSION(nil, &cursor, buffer.count)
        }
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit { SSL_SESSION_free(pointer) }
}
#endif
