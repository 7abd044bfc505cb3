import CGnuTLS
import SecureSockets

/// The certificate chain a peer sent, parsed.
enum PeerCertificates {
    /// The peer's chain, leaf first; certificates that do not parse are left out.
    static func chain(of session: gnutls_session_t) -> [CertificateInfo] {
        der(of: session).compactMap { certificate in certificate.withUnsafeBytes { try? certificateInfo(der: $0) } }
    }

    /// The peer's chain as sent, leaf first, each certificate in DER.
    static func der(of session: gnutls_session_t) -> [[UInt8]] {
        var count: UInt32 = 0
        guard let list = gnutls_certificate_get_peers(session, &count) else { return [] }
        return (0..<Int(count)).compactMap { index in
            let datum = list[index]
            guard let data = datum.data else { return nil }
            return Array(UnsafeBufferPointer(start: data, count: Int(datum.size)))
        }
    }
}
