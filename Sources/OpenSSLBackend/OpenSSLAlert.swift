#if OpenSSL
import COpenSSL
import SecureSockets

/// Alerts in the package's ``TLSAlert`` form: OpenSSL's `SSL_AD_*` name and its words.
enum OpenSSLAlert {
    /// The alert with registry number `code`, e.g. `protocol version (SSL_AD_PROTOCOL_VERSION)`.
    static func describe(code: UInt8, fatal: Bool) -> TLSAlert {
        let registryName = TLSWire.alertName(code)
        let words = SSL_alert_desc_string_long(Int32(code)).map { String(cString: $0) } ?? registryName
        let text = words.prefix(1).uppercased() + words.dropFirst()
        return TLSAlert(code: code, name: "SSL_AD_" + registryName.uppercased(), text: text, isFatal: fatal)
    }
}
#endif
