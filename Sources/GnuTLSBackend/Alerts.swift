import CGnuTLS
import SecureSockets

/// TLS alerts in GnuTLS's words.
enum Alerts {
    /// The alert the peer sent last (read after `GNUTLS_E_FATAL_ALERT_RECEIVED` or `…WARNING…`).
    static func received(_ session: gnutls_session_t, fatal: Bool = true) -> TLSAlert {
        describe(gnutls_alert_get(session), fatal: fatal)
    }

    /// Describes one alert.
    static func describe(_ alert: gnutls_alert_description_t, fatal: Bool) -> TLSAlert {
        let name = gnutls_alert_get_strname(alert).map { String(cString: $0) } ?? "GNUTLS_A_\(alert.rawValue)"
        // GnuTLS 3.7 has no name for some registry alerts (e.g. 113, bad_certificate_status_response).
        let text = gnutls_alert_get_name(alert).map { String(cString: $0) } ?? TLSWire.alertName(UInt8(truncatingIfNeeded: alert.rawValue))
        return TLSAlert(code: UInt8(truncatingIfNeeded: alert.rawValue), name: name, text: text, isFatal: fatal)
    }

    /// The alert GnuTLS sends for a local error `code`, if it sends one.
    static func appropriate(for code: Int32) -> TLSAlert? {
        var level: Int32 = 0
        let alert = gnutls_error_to_alert(code, &level)
        guard alert >= 0 else { return nil }
        return describe(gnutls_alert_description_t(rawValue: UInt32(alert)),
                        fatal: UInt32(level) == GNUTLS_AL_FATAL.rawValue)
    }
}
