import CGnuTLS
import SecureSockets

extension BackendError {
    /// The GnuTLS error for `code`, with its symbolic name (`GNUTLS_E_…`) and sentence.
    static func gnutls(_ code: Int32) -> BackendError {
        let name = gnutls_strerror_name(code).map { String(cString: $0) } ?? "GNUTLS_E_UNKNOWN(\(code))"
        let message = gnutls_strerror(code).map { String(cString: $0) } ?? "unknown GnuTLS error \(code)"
        return BackendError(code: code, name: name, message: message)
    }
}

/// Throws `make(error)` when `code` is a negative GnuTLS error code; returns `code` otherwise.
@discardableResult
func check(_ code: Int32, _ make: (BackendError) -> TLSError) throws(TLSError) -> Int32 {
    if code < 0 { throw make(.gnutls(code)) }
    return code
}

/// The text GnuTLS allocated in `datum`, released with `gnutls_free`.
func takeString(_ datum: inout gnutls_datum_t) -> String {
    defer {
        cgnutls_free(datum.data)
        datum.data = nil
        datum.size = 0
    }
    guard let data = datum.data else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: Int(datum.size)), as: UTF8.self)
}

/// The bytes GnuTLS allocated in `datum`, released with `gnutls_free`.
func takeBytes(_ datum: inout gnutls_datum_t) -> [UInt8] {
    defer {
        cgnutls_free(datum.data)
        datum.data = nil
        datum.size = 0
    }
    guard let data = datum.data else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(datum.size)))
}

/// Colon-separated lower-case hex, e.g. `ab:cd:01`.
func colonHex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }.joined(separator: ":")
}
