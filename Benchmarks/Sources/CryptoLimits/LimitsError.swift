import CNettleGnuTLS

/// A failure that ends crypto-limits with one line on stderr and exit status 2.
struct LimitsError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// A GnuTLS call that returned the negative `code` while doing `what`.
    static func gnutls(_ code: Int32, _ what: String) -> LimitsError {
        let reason = gnutls_strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return LimitsError("\(what): \(reason)")
    }

    /// Throws ``gnutls(_:_:)`` when `code` is negative; returns it otherwise.
    @discardableResult
    static func check(_ code: Int32, _ what: @autoclosure () -> String) throws -> Int32 {
        guard code >= 0 else { throw gnutls(code, what()) }
        return code
    }
}
