import CGnuTLS

/// An extended key usage (RFC 5280, 4.2.1.12): what a certificate may be used for.
package enum KeyPurpose: Sendable, Equatable {
    /// TLS server authentication (`id-kp-serverAuth`), what a client asks of a server's certificate.
    case tlsServer
    /// TLS client authentication (`id-kp-clientAuth`), what a server asks of a client's certificate.
    case tlsClient
    /// Any other purpose, by its dotted OID.
    case other(String)

    /// The purpose's OID, e.g. `1.3.6.1.5.5.7.3.1`.
    package var oid: String {
        switch self {
        case .tlsServer: return GNUTLS_KP_TLS_WWW_SERVER
        case .tlsClient: return GNUTLS_KP_TLS_WWW_CLIENT
        case let .other(oid): return oid
        }
    }

    /// The purpose for `oid`.
    package init(oid: String) {
        switch oid {
        case GNUTLS_KP_TLS_WWW_SERVER: self = .tlsServer
        case GNUTLS_KP_TLS_WWW_CLIENT: self = .tlsClient
        default: self = .other(oid)
        }
    }

    /// The purpose in words, e.g. `TLS server authentication`; the OID for purposes without a name here.
    package var name: String {
        switch self {
        case .tlsServer: return "TLS server authentication"
        case .tlsClient: return "TLS client authentication"
        case let .other(oid): return Self.names[oid] ?? oid
        }
    }

    /// Names of the other purposes RFC 5280 and common practice define.
    private static let names: [String: String] = [
        GNUTLS_KP_ANY: "any purpose",
        GNUTLS_KP_CODE_SIGNING: "code signing",
        GNUTLS_KP_EMAIL_PROTECTION: "e-mail protection",
        GNUTLS_KP_TIME_STAMPING: "time stamping",
        GNUTLS_KP_OCSP_SIGNING: "OCSP signing",
        GNUTLS_KP_IPSEC_IKE: "IPsec IKE",
    ]

    /// The extended key usages of the DER certificate `der`, in certificate order; nil when it
    /// has no extended key usage extension (it may then serve any purpose) or does not parse.
    package static func purposes(ofDER der: UnsafeRawBufferPointer) -> [KeyPurpose]? {
        guard let crt = X509CertificateHandle(der: der) else { return nil }
        // The handle is read through its raw pointer: its owner lives until the last read.
        let found = withExtendedLifetime(crt) { Self.purposes(of: crt.raw) }
        return found.isEmpty ? nil : found
    }

    /// The extended key usages of `crt`, whose owner outlives the call; empty when it has none.
    private static func purposes(of crt: gnutls_x509_crt_t) -> [KeyPurpose] {
        var purposes: [KeyPurpose] = []
        var index: UInt32 = 0
        while true {
            var buffer = [CChar](repeating: 0, count: 128)
            var size = buffer.count
            let code = gnutls_x509_crt_get_key_purpose_oid(crt, index, &buffer, &size, nil)
            if code == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE { break }
            // A malformed extension, or an OID longer than any GnuTLS knows: said once, then stop.
            guard code >= 0 else { purposes.append(.other("an unreadable purpose")); break }
            let oid = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            purposes.append(KeyPurpose(oid: oid))
            index += 1
        }
        return purposes
    }
}
