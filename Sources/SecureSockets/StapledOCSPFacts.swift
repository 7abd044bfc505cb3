extension HandshakeFacts {
    /// The DER OCSP response in a CertificateStatus body (RFC 6066 §8: status type 1, `ocsp`, then
    /// the response with a 3-byte length); nil for another status type or a malformed body.
    package static func stapledOCSPResponse(certificateStatus body: [UInt8]) -> [UInt8]? {
        var reader = ByteReader(bytes: body)
        guard reader.u8() == 1, let length = reader.u24(), length > 0, let response = reader.take(length) else { return nil }
        return response
    }

    /// The DER OCSP response a TLS 1.3 server stapled to its leaf certificate: the
    /// `status_request` extension (5) of the first entry of a Certificate body, which holds a
    /// CertificateStatus (RFC 8446 §4.4.2.1); nil when there is none.
    package static func stapledOCSPResponse(tls13Certificate body: [UInt8]) -> [UInt8]? {
        var reader = ByteReader(bytes: body)
        guard let contextLength = reader.u8(), reader.skip(Int(contextLength)), let listLength = reader.u24(),
              let list = reader.take(listLength) else { return nil }
        var entries = ByteReader(bytes: list)
        guard let length = entries.u24(), entries.skip(length), let extensionsLength = entries.u16(),
              let all = entries.take(Int(extensionsLength)) else { return nil }
        var extensions = ByteReader(bytes: all)
        while let type = extensions.u16(), let size = extensions.u16(), let content = extensions.take(Int(size)) {
            if type == 0x0005 { return stapledOCSPResponse(certificateStatus: content) }
        }
        return nil
    }
}
