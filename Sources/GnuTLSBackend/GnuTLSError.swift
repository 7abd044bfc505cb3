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

/// Runs the GnuTLS call `code` (through ``gnutlsCall(file:line:_:)``) and throws `make(error)`
/// when it returns a negative GnuTLS error code; returns the code otherwise.
@discardableResult
func check(
    _ code: @autoclosure () -> Int32, file: StaticString = #fileID, line: UInt = #line,
    _ make: (BackendError) -> TLSError
) throws(TLSError) -> Int32 {
    let result = gnutlsCall(file: file, line: line, code)
    if result < 0 { throw make(.gnutls(result)) }
    return result
}

/// Colon-separated lower-case hex, e.g. `ab:cd:01`.
func colonHex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }.joined(separator: ":")
}
