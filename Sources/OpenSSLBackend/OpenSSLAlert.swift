#if OpenSSL
import COpenSSL
import SecureSockets

/// Alerts in the package's ``TLSAlert`` form: OpenSSL's `SSL_AD_*` name and its words.
enum OpenSSLAlert {
    /// The alert with registry number `code`, e.g. `protocol version (SSL_AD_PROTOCOL_VERSION)`.
    static func describe(code: UInt8, fatal: Bool) -> TLSAlert {
        let registryName = TLSWire.alertName(code)
        // OpenSSL 3.0 has no words for some registry alerts (certificate_required is `unknown`).
        var words = SSL_alert_desc_string_long(Int32(code)).map { String(cString: $0) } ?? "unknown"
        if words == "unknown" { words = registryName.replacing("_", with: " ") }
        let text = words.prefix(1).uppercased() + words.dropFirst()
        return TLSAlert(code: code, name: "SSL_AD_" + registryName.uppercased(), text: text, isFatal: fatal)
    }
}
#endif
