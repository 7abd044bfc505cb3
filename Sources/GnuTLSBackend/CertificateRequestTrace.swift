import CGnuTLS
import SecureSockets

/// The trace details of a CertificateRequest: the signature schemes the server accepts and the
/// certificate authorities it names, e.g. `signatures rsa_pss_rsae_sha256 ecdsa_secp256r1_sha256 … (15), CAs CN=Example CA`.
enum CertificateRequestTrace {
    /// At most this many schemes and names are spelled out; the counts say how many there were.
    static let shown = 4

    static func details(body: [UInt8], tls13: Bool, version: gnutls_protocol_t) -> String {
        guard let facts = CertificateRequestFacts(body: body, tls13: tls13, listsSignatureSchemes: tls13 || version == GNUTLS_TLS1_2) else {
            return "malformed"
        }
        var parts: [String] = []
        if !facts.signatureSchemes.isEmpty {
            let names = facts.signatureSchemes.prefix(shown).map(TLSWire.signatureSchemeName)
            let more = facts.signatureSchemes.count > shown ? " … (\(facts.signatureSchemes.count))" : ""
            parts.append("signatures " + names.joined(separator: " ") + more)
        }
        if facts.authorities.isEmpty {
            parts.append("no CA names (any trusted issuer)")
        } else {
            let names = facts.authorities.prefix(shown).map(distinguishedName)
            let more = facts.authorities.count > shown ? "; … (\(facts.authorities.count) CAs)" : ""
            parts.append((facts.authorities.count == 1 ? "CA " : "CAs ") + names.joined(separator: "; ") + more)
        }
        return parts.joined(separator: ", ")
    }

    /// A DER distinguished name in RFC 4514 form, e.g. `CN=Example CA,O=Example`; `(unreadable name)`
    /// when GnuTLS cannot read it.
    static func distinguishedName(_ der: [UInt8]) -> String {
        der.withUnsafeBufferPointer { bytes in
            var input = gnutls_datum_t(data: UnsafeMutablePointer(mutating: bytes.baseAddress), size: UInt32(bytes.count))
            var output = GnuTLSDatum()
            guard gnutls_x509_rdn_get2(&input, &output.raw, 0) == GNUTLS_E_SUCCESS else { return "(unreadable name)" }
            return ControlCharacters.escaped(output.string)
        }
    }
}
