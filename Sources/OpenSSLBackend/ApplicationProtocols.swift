#if OpenSSL
import COpenSSL
import SecureSockets

/// ALPN (RFC 7301): a client's offer in wire form, a server's choice in its own order of
/// preference, and the strict reading of ``TLSConfiguration/requiresApplicationProtocol``.
enum ApplicationProtocols {
    /// Names as ALPN's wire list: each name preceded by its length.
    static func wire(_ names: [String]) -> [UInt8] {
        names.flatMap { name in [UInt8(name.utf8.count)] + Array(name.utf8) }
    }

    /// Sets a client's offer or a server's selection callback on the context.
    static func configure(_ context: OpenSSLContext) throws(TLSError) {
        let wire = context.applicationProtocolsWire
        guard !wire.isEmpty else { return }
        switch context.configuration.role {
        case .client:
            // SSL_CTX_set_alpn_protos returns 0 on success.
            guard SSL_CTX_set_alpn_protos(context.handle.pointer, wire, UInt32(wire.count)) == 0 else {
                throw .setupFailed(operation: "set the ALPN protocols", library: OpenSSLError.take("SSL_CTX_set_alpn_protos"))
            }
        case .server:
            SSL_CTX_set_alpn_select_cb(context.handle.pointer, select, nil)
        }
    }

    /// The server's choice: its most preferred protocol that the client offers. With none in
    /// common, no ALPN (`SSL_TLSEXT_ERR_NOACK`), or `no_application_protocol` when required.
    static let select: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>?, UInt32, UnsafeMutableRawPointer?
    ) -> Int32 = { ssl, out, outLength, offered, offeredLength, _ in
        guard let ssl, let out, let outLength, let offered,
              let context = OpenSSLContext.of(SSL_get_SSL_CTX(ssl)) else { return SSL_TLSEXT_ERR_NOACK }
        let offer = Array(UnsafeBufferPointer(start: offered, count: Int(offeredLength)))
        // OpenSSL hands over the list without the extension's two-byte length.
        let clientNames = ApplicationProtocolList.decode([UInt8(offer.count >> 8), UInt8(offer.count & 0xff)] + offer) ?? []
        OpenSSLSession.of(ssl)?.offeredApplicationProtocols = clientNames
        for name in context.configuration.applicationProtocols {
            guard clientNames.contains(name), let index = find(name, in: offer) else { continue }
            // The chosen name points into the client's offer, which OpenSSL keeps for the call.
            out.pointee = offered + index + 1
            outLength.pointee = offer[index]
            return SSL_TLSEXT_ERR_OK
        }
        return context.configuration.requiresApplicationProtocol ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_NOACK
    }

    /// The offset of `name`'s length byte in a wire list.
    private static func find(_ name: String, in wire: [UInt8]) -> Int? {
        let target = Array(name.utf8)
        var index = 0
        while index < wire.count {
            let length = Int(wire[index])
            let end = index + 1 + length
            guard end <= wire.count else { return nil }
            if Array(wire[(index + 1)..<end]) == target { return index }
            index = end
        }
        return nil
    }
}
#endif
