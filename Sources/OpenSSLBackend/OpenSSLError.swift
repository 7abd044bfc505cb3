#if OpenSSL
import COpenSSL
import SecureSockets

/// Reads OpenSSL's per-thread error queue into ``BackendError`` values.
enum OpenSSLError {
    /// The oldest error on the queue, emptying it; nil when the queue is empty.
    static func drain() -> BackendError? {
        var first: BackendError?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == nil { first = backendError(code) }
        }
        return first
    }

    /// Empties the queue, so that the next failure reads only its own errors.
    static func clear() { ERR_clear_error() }

    /// `code` as a library error: the name is the reason in OpenSSL's `LIB_R_REASON` form
    /// (e.g. `SSL_R_CERTIFICATE_VERIFY_FAILED`), the message OpenSSL's own string.
    static func backendError(_ code: UInt) -> BackendError {
        let reason = ERR_GET_REASON(code)
        let reasonText = ERR_reason_error_string(code).map { String(cString: $0) } ?? "reason \(reason)"
        let library = ERR_GET_LIB(code)
        let prefix: String
        switch library {
        case ERR_LIB_SSL: prefix = "SSL_R_"
        case ERR_LIB_X509: prefix = "X509_R_"
        case ERR_LIB_PEM: prefix = "PEM_R_"
        case ERR_LIB_EVP: prefix = "EVP_R_"
        case ERR_LIB_ASN1: prefix = "ASN1_R_"
        case ERR_LIB_SYS: prefix = "SYS_"
        default: prefix = "ERR_R_"
        }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let name = prefix + String(reasonText.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return BackendError(code: reason, name: name, message: String(nulTerminated: buffer))
    }

    /// OpenSSL's reason in words, e.g. `certificate verify failed`, from a ``backendError(_:)``.
    static func reasonText(_ error: BackendError) -> String {
        // OpenSSL's form is `error:CODE:LIBRARY:FUNCTION:REASON`.
        let parts = error.message.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, let last = parts.last, !last.isEmpty else { return error.message }
        return String(last)
    }

    /// A library error for a call that failed without queueing one.
    static func unexplained(_ operation: String) -> BackendError {
        BackendError(code: 0, name: "OPENSSL_ERROR", message: "\(operation) failed")
    }

    /// The queued error, or one naming `operation` when the queue is empty.
    static func take(_ operation: String) -> BackendError {
        drain() ?? unexplained(operation)
    }
}
#endif
