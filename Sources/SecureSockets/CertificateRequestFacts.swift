/// What a server's CertificateRequest asks of the client: the signature schemes it accepts and
/// the certificate authorities it names, read from the message body (after the 4-byte header).
package struct CertificateRequestFacts: Sendable, Equatable {
    /// The signature schemes the server accepts, in its order (none listed before TLS 1.2).
    package var signatureSchemes: [UInt16] = []
    /// The distinguished names (DER) of the authorities whose certificates the server takes;
    /// empty when it names none (any issuer it trusts).
    package var authorities: [[UInt8]] = []

    /// Parses a CertificateRequest body: TLS 1.3's (RFC 8446 §4.3.2: a context and extensions,
    /// signature_algorithms and certificate_authorities among them) when `tls13`, else TLS 1.0–1.2's
    /// (RFC 5246 §7.4.4: certificate types, the signature schemes from TLS 1.2 on when
    /// `listsSignatureSchemes`, and the authorities). Nil when the body does not parse.
    package init?(body: [UInt8], tls13: Bool, listsSignatureSchemes: Bool) {
        var reader = ByteReader(bytes: body)
        if tls13 {
            guard let contextLength = reader.u8(), reader.skip(Int(contextLength)),
                  let length = reader.u16(), let all = reader.take(Int(length)) else { return nil }
            var extensions = ByteReader(bytes: all)
            while let type = extensions.u16(), let size = extensions.u16(), let content = extensions.take(Int(size)) {
                var field = ByteReader(bytes: content)
                switch type {
                case 0x000d:
                    guard let list = field.u16().flatMap({ field.take(Int($0)) }) else { return nil }
                    signatureSchemes = Self.schemes(list)
                case 0x002f:
                    guard let list = field.u16().flatMap({ field.take(Int($0)) }) else { return nil }
                    authorities = Self.names(list)
                default:
                    break
                }
            }
            return
        }
        guard let typesLength = reader.u8(), reader.skip(Int(typesLength)) else { return nil }
        if listsSignatureSchemes {
            guard let list = reader.u16().flatMap({ reader.take(Int($0)) }) else { return nil }
            signatureSchemes = Self.schemes(list)
        }
        guard let list = reader.u16().flatMap({ reader.take(Int($0)) }) else { return nil }
        authorities = Self.names(list)
    }

    private static func schemes(_ bytes: [UInt8]) -> [UInt16] {
        stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    }

    private static func names(_ bytes: [UInt8]) -> [[UInt8]] {
        var reader = ByteReader(bytes: bytes)
        var names: [[UInt8]] = []
        while let length = reader.u16(), let name = reader.take(Int(length)) { names.append(name) }
        return names
    }
}
