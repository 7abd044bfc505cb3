/// Names of TLS wire values: record types, handshake message types, alerts, groups and signature
/// schemes (from the IANA registries), for traces and error messages.
package enum TLSWire {
    /// Record content types.
    package enum ContentType: UInt8, Sendable {
        /// change_cipher_spec (20).
        case changeCipherSpec = 20
        /// alert (21).
        case alert = 21
        /// handshake (22).
        case handshake = 22
        /// application_data (23), also every encrypted TLS 1.3 record.
        case applicationData = 23
    }

    /// The message name of a handshake type number, e.g. 1 → `ClientHello`.
    package static func handshakeName(_ type: UInt8) -> String {
        switch type {
        case 0: return "HelloRequest"
        case 1: return "ClientHello"
        case 2: return "ServerHello"
        case 4: return "NewSessionTicket"
        case 5: return "EndOfEarlyData"
        case 8: return "EncryptedExtensions"
        case 11: return "Certificate"
        case 12: return "ServerKeyExchange"
        case 13: return "CertificateRequest"
        case 14: return "ServerHelloDone"
        case 15: return "CertificateVerify"
        case 16: return "ClientKeyExchange"
        case 20: return "Finished"
        case 22: return "CertificateStatus"
        case 24: return "KeyUpdate"
        default: return "handshake message \(type)"
        }
    }

    /// The registry name of an alert description, e.g. 40 → `handshake_failure`.
    package static func alertName(_ code: UInt8) -> String {
        let names: [UInt8: String] = [
            0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
            40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
            45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
            49: "access_denied", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
            71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
            100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
            112: "unrecognized_name", 113: "bad_certificate_status_response", 115: "unknown_psk_identity",
            116: "certificate_required", 120: "no_application_protocol",
        ]
        return names[code] ?? "alert \(code)"
    }

    /// The name of a supported group, e.g. 0x001d → `x25519`.
    package static func groupName(_ id: UInt16) -> String {
        let names: [UInt16: String] = [
            0x0017: "secp256r1", 0x0018: "secp384r1", 0x0019: "secp521r1", 0x001d: "x25519", 0x001e: "x448",
            0x0100: "ffdhe2048", 0x0101: "ffdhe3072", 0x0102: "ffdhe4096", 0x0103: "ffdhe6144", 0x0104: "ffdhe8192",
        ]
        return names[id] ?? hex(id)
    }

    /// The name of a signature scheme, e.g. 0x0804 → `rsa_pss_rsae_sha256`.
    package static func signatureSchemeName(_ id: UInt16) -> String {
        let names: [UInt16: String] = [
            0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0401: "rsa_pkcs1_sha256", 0x0501: "rsa_pkcs1_sha384",
            0x0601: "rsa_pkcs1_sha512", 0x0403: "ecdsa_secp256r1_sha256", 0x0503: "ecdsa_secp384r1_sha384",
            0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384",
            0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256",
            0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512",
        ]
        return names[id] ?? hex(id)
    }

    /// The short name of a wire version, e.g. 0x0303 → `1.2`.
    package static func versionName(_ wire: UInt16) -> String {
        switch wire {
        case 0x0300: return "SSL3.0"
        case 0x0301: return "1.0"
        case 0x0302: return "1.1"
        case 0x0303: return "1.2"
        case 0x0304: return "1.3"
        default: return wire & 0x0f0f == 0x0a0a ? "GREASE" : hex(wire)
        }
    }

    /// `0x1234`.
    package static func hex(_ value: UInt16) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String((0..<4).reversed().map { digits[Int(value >> (UInt16($0) * 4) & 0xf)] })
    }

    /// The random value a ServerHello carries when it is a HelloRetryRequest (RFC 8446 4.1.3).
    package static let helloRetryRequestRandom: [UInt8] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]
}

/// Splits a byte stream into TLS records (header plus body), keeping what is incomplete.
package struct TLSRecordScanner: Sendable {
    /// One record as seen on the wire.
    package struct Record: Sendable, Equatable {
        /// The content type byte.
        package var type: UInt8
        /// The record's version field.
        package var version: UInt16
        /// The body (ciphertext when encrypted).
        package var body: [UInt8]
    }

    private var buffer: [UInt8] = []

    /// An empty scanner.
    package init() {}

    /// Adds bytes and returns every record they complete, in order.
    package mutating func append(_ bytes: some Collection<UInt8>) -> [Record] {
        buffer.append(contentsOf: bytes)
        var records: [Record] = []
        var offset = 0
        while buffer.count - offset >= 5 {
            let length = Int(buffer[offset + 3]) << 8 | Int(buffer[offset + 4])
            guard buffer.count - offset >= 5 + length else { break }
            records.append(Record(type: buffer[offset], version: UInt16(buffer[offset + 1]) << 8 | UInt16(buffer[offset + 2]),
                                  body: Array(buffer[offset + 5..<offset + 5 + length])))
            offset += 5 + length
        }
        buffer.removeFirst(offset)
        return records
    }
}
