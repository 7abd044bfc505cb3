import CGnuTLS
import SecureSockets

/// ALPN (RFC 7301) through GnuTLS: declares a configuration's protocols on a session and reads
/// the one agreed on.
///
/// A server picks by its own order (`GNUTLS_ALPN_SERVER_PRECEDENCE`), as the configuration lists
/// them most preferred first; with ``TLSConfiguration/requiresApplicationProtocol`` it adds
/// `GNUTLS_ALPN_MANDATORY`, which makes the handshake fail with `GNUTLS_E_NO_APPLICATION_PROTOCOL`
/// (answered with the `no_application_protocol` alert) when the client's offer shares nothing.
package enum ApplicationProtocols {
    /// The most protocols GnuTLS 3.7 keeps per session (`MAX_ALPN_PROTOCOLS` in lib/ext/alpn.h);
    /// `gnutls_alpn_set_protocols` refuses a longer list.
    package static let maximumCount = 8
    /// The longest protocol name GnuTLS 3.7 keeps, in bytes (it refuses `MAX_ALPN_PROTOCOL_NAME`,
    /// 32, and more). Names offered by a peer may be longer: they just match nothing.
    package static let maximumNameLength = 31

    /// Checks `names` against GnuTLS's own limits, below RFC 7301's, and ALPN's rules: at most
    /// ``maximumCount`` names, each 1 to ``maximumNameLength`` bytes, none listed twice. Called
    /// when the context is made, and by a front end that wants every refusal up front.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)`` naming the name at fault and the limit.
    package static func validate(_ names: [String]) throws(TLSError) {
        if names.count > maximumCount {
            throw .invalidConfiguration("\(names.count) application protocols given; GnuTLS accepts at most \(maximumCount)")
        }
        for (index, name) in names.enumerated() where name.isEmpty {
            throw .invalidConfiguration(
                "application protocol \(index + 1) of \(names.count) is empty; GnuTLS accepts names of 1 to \(maximumNameLength) bytes")
        }
        if let long = names.first(where: { $0.utf8.count > maximumNameLength }) {
            throw .invalidConfiguration(
                "application protocol '\(ApplicationProtocolList.shown(long))' is \(long.utf8.count) bytes long; GnuTLS accepts at most \(maximumNameLength)")
        }
        // Within these limits only a name listed twice is left for ALPN's own rules to refuse.
        try ApplicationProtocolList.validate(names)
    }

    /// Declares `configuration`'s protocols on `session` (nothing when it lists none). GnuTLS
    /// copies the names.
    ///
    /// - Throws: ``TLSError/setupFailed(operation:library:)`` when GnuTLS refuses the list.
    static func install(on session: gnutls_session_t, configuration: TLSConfiguration) throws(TLSError) {
        let names = configuration.applicationProtocols
        guard !names.isEmpty else { return }
        var flags: UInt32 = 0
        if configuration.role == .server { flags |= GNUTLS_ALPN_SERVER_PRECEDENCE.rawValue }
        if configuration.requiresApplicationProtocol { flags |= GNUTLS_ALPN_MANDATORY.rawValue }
        let bytes = names.flatMap(\.utf8)
        let code: Int32 = bytes.withUnsafeBufferPointer { buffer in
            var datums: [gnutls_datum_t] = []
            var offset = 0
            for name in names {
                let length = name.utf8.count
                datums.append(gnutls_datum_t(data: UnsafeMutablePointer(mutating: buffer.baseAddress.map { $0 + offset }),
                                             size: UInt32(length)))
                offset += length
            }
            return gnutlsCall { gnutls_alpn_set_protocols(session, datums, UInt32(datums.count), flags) }
        }
        if code < 0 {
            throw .setupFailed(operation: "set the application protocols (ALPN) \(ApplicationProtocolList.text(names))",
                               library: .gnutls(code))
        }
    }

    /// The protocol agreed on in `session`'s handshake, or nil when none was.
    static func selected(_ session: gnutls_session_t) -> String? {
        var datum = gnutls_datum_t()
        // The datum points into the session (never freed here); the bytes are copied out.
        guard gnutls_alpn_get_selected_protocol(session, &datum) == GNUTLS_E_SUCCESS,
              let data = datum.data, datum.size > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(datum.size)), as: UTF8.self)
    }
}
