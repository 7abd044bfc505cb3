#if OpenSSL
import COpenSSL
import SecureSockets

/// Writes the session secrets OpenSSL reports (`SSL_CTX_set_keylog_callback`, NSS key log
/// lines) to the configuration's ``KeyLogFile``.
enum KeyLog {
    /// Installs the callback on a context whose configuration has a key log.
    static func install(in ctx: OpaquePointer) {
        SSL_CTX_set_keylog_callback(ctx, write)
    }

    /// The callback: one line `LABEL client_random_hex secret_hex`.
    static let write: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { ssl, line in
        guard let ssl, let line, let context = OpenSSLContext.of(SSL_get_SSL_CTX(ssl)),
              let file = context.configuration.keyLog else { return }
        let parts = String(cString: line).split(separator: " ")
        guard parts.count == 3, let random = bytes(hex: parts[1]), let secret = bytes(hex: parts[2]) else { return }
        file.append(label: String(parts[0]), clientRandom: random, secret: secret)
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
#endif
