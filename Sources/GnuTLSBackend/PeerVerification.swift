import CGnuTLS
import SecureSockets

/// What GnuTLS checks a peer's certificate for during the handshake: the host name (unless the
/// configuration skips it) and the purpose its extended key usage must allow. GnuTLS keeps the
/// pointers given to `gnutls_session_set_verify_cert2`, so this object owns them, the session owns
/// this object, and both are released together in `deinit`.
final class PeerVerification {
    /// The purpose the peer's certificate must allow (a certificate without an extended key usage
    /// extension allows every purpose, RFC 5280).
    let purpose: KeyPurpose
    /// The typed data array handed to GnuTLS.
    private let elements: UnsafeMutablePointer<gnutls_typed_vdata_st>
    /// The C strings the array points to.
    private let strings: [UnsafeMutablePointer<CChar>]

    /// The checks for `mode`: chain, name `hostName` (for ``TLSConfiguration/CertificateVerification/fullVerification``)
    /// and `purpose`; nil when the configuration verifies nothing.
    init?(mode: TLSConfiguration.CertificateVerification, hostName: String?, purpose: KeyPurpose) {
        var entries: [(gnutls_vdata_types_t, String)] = []
        switch mode {
        case .none: return nil
        case .fullVerification: entries.append((GNUTLS_DT_DNS_HOSTNAME, hostName ?? ""))
        case .noHostnameVerification: break
        }
        entries.append((GNUTLS_DT_KEY_PURPOSE_OID, purpose.oid))
        self.purpose = purpose
        strings = entries.map { entry in
            let bytes = entry.1.utf8CString
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            copy.initialize(from: Array(bytes), count: bytes.count)
            return copy
        }
        elements = .allocate(capacity: entries.count)
        for (index, entry) in entries.enumerated() {
            (elements + index).initialize(to: gnutls_typed_vdata_st(
                type: entry.0, data: UnsafeMutableRawPointer(strings[index]).assumingMemoryBound(to: UInt8.self), size: 0))
        }
    }

    /// Asks GnuTLS to verify the peer during `session`'s handshake; this object must outlive the session.
    func install(on session: gnutls_session_t) {
        gnutls_session_set_verify_cert2(session, elements, UInt32(strings.count), 0)
    }

    /// Verifies the peer's certificate of `session` now against these checks, for a verify
    /// function of one's own (which takes the place of ``install(on:)``): GnuTLS's code (negative
    /// when it could not verify at all) and the status bits (0 when the certificate is trusted).
    func verify(_ session: gnutls_session_t) -> (code: Int32, status: UInt32) {
        var status: UInt32 = 0
        let code = gnutls_certificate_verify_peers(session, elements, UInt32(strings.count), &status)
        return (code, status)
    }

    deinit {
        elements.deinitialize(count: strings.count)
        elements.deallocate()
        for string in strings { string.deallocate() }
    }
}
