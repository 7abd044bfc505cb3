import ArgumentParser
import SecureSockets

/// `--client-auth none|request|require`: whether the server asks clients for a certificate.
extension TLSConfiguration.ClientAuthentication: ExpressibleByArgument {}

/// The words the commands use for client certificates (mTLS).
enum ClientCertificateText {
    /// What the listening line adds: e.g. `, client certificates required (CAs from ca.pem)`.
    static func listening(_ mode: TLSConfiguration.ClientAuthentication, caFile: String?) -> String {
        let cas = caFile.map { " (CAs from \($0))" } ?? ""
        switch mode {
        case .none: return ""
        case .request: return ", client certificates requested\(cas)"
        case .require: return ", client certificates required\(cas)"
        }
    }

    /// What a server's handshake step adds: `, client certificate CN=alice (verified)`, `, no
    /// client certificate`, or nothing when the server asks for none.
    static func serverNote(_ info: SessionInfo, mode: TLSConfiguration.ClientAuthentication) -> String {
        guard mode != .none else { return "" }
        guard let leaf = info.peerCertificates.first else { return ", no client certificate" }
        return ", client certificate \(leaf.subject) (verified\(info.resumed ? " in the first handshake" : ""))"
    }

    /// The client's step line on its own certificate, or nil when there is nothing to say (the
    /// server asked for none and this side has none).
    static func clientStep(_ info: SessionInfo, presenting certificate: String?) -> String? {
        if info.resumed {
            return certificate == nil ? nil : "client certificate: none sent (resumed session)"
        }
        if let sent = info.localCertificate {
            return "client certificate sent: \(sent.subject), SHA-256 \(sent.sha256Fingerprint)"
        }
        if info.clientCertificateRequested {
            return certificate == nil
                ? "client certificate: the server asked for one; none sent (give one with --cert and --key)"
                : "client certificate: the server asked for one; \(certificate ?? "") was not sent"
        }
        return certificate == nil ? nil : "client certificate: the server asked for none; \(certificate ?? "") not sent"
    }
}
