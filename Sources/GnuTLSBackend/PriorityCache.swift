import CGnuTLS
import SecureSockets

/// Owns one compiled priority string (`gnutls_priority_t`), released in `deinit` and nowhere
/// else. Read-only once compiled, so sessions on any thread may share it.
final class PriorityCache: @unchecked Sendable {
    /// The compiled priorities; valid as long as this owner lives.
    let raw: gnutls_priority_t

    /// Compiles `text`, or explains where GnuTLS stopped reading it.
    ///
    /// - Throws: ``TLSError/invalidPriority(priority:token:reason:library:)`` naming the offending
    ///   token; ``TLSError/setupFailed(operation:library:)`` when GnuTLS fails for another reason.
    init(_ text: String) throws(TLSError) {
        var cache: gnutls_priority_t?
        var offset = -1
        let code: Int32 = text.withCString { start in
            gnutlsCall {
                var errorPosition: UnsafePointer<CChar>?
                let code = gnutls_priority_init2(&cache, start, &errorPosition, 0)
                if let errorPosition { offset = start.distance(to: errorPosition) }
                return code
            }
        }
        guard code == GNUTLS_E_SUCCESS, let cache else {
            let library = BackendError.gnutls(code)
            switch code {
            case GNUTLS_E_NO_PRIORITIES_WERE_SET:
                throw .invalidPriority(priority: text, token: "",
                                       reason: "it leaves nothing enabled (no version, cipher or key exchange)", library: library)
            case _ where code == GNUTLS_E_INVALID_REQUEST || offset >= 0:
                let utf8 = Array(text.utf8)
                var token = ""
                if offset >= 0 && offset < utf8.count {
                    token = String(decoding: utf8[offset...].prefix(while: { $0 != UInt8(ascii: ":") }), as: UTF8.self)
                }
                throw .invalidPriority(priority: text, token: token, reason: "GnuTLS does not accept it", library: library)
            default:
                throw .setupFailed(operation: "compile the priority string '\(text)'", library: library)
            }
        }
        raw = cache
    }

    /// The TLS versions these priorities enable, as GnuTLS names them, newest first.
    var versionNames: [String] {
        var list: UnsafePointer<UInt32>?
        let count = gnutls_priority_protocol_list(raw, &list)
        guard count >= 0, let list else { return [] }
        return (0..<Int(count)).compactMap { index in
            let proto = gnutls_protocol_t(rawValue: list[index])
            guard let name = gnutls_protocol_get_name(proto) else { return nil }
            let text = String(cString: name)
            return text.hasPrefix("DTLS") ? nil : text
        }
    }

    deinit {
        gnutls_priority_deinit(raw)
    }
}
