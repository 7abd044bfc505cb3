#if OpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import COpenSSL
import SecureSockets

/// Describes an OpenSSL `X509` in the package's ``CertificateInfo`` form, with the same
/// spellings as the GnuTLS backend (RFC 4514 names, `RSA 2048`, `RSA-SHA256`, `ECDSA-SHA256`, colon hex).
enum CertificateDescription {
    /// What a user wants to know about `certificate`.
    static func info(_ certificate: OpaquePointer) -> CertificateInfo {
        let key = X509_get0_pubkey(certificate)
        return CertificateInfo(
            subject: name(X509_get_subject_name(certificate)),
            issuer: name(X509_get_issuer_name(certificate)),
            notBefore: date(X509_get0_notBefore(certificate)),
            notAfter: date(X509_get0_notAfter(certificate)),
            sha256Fingerprint: colonHex(fingerprint(certificate)),
            subjectAlternativeNames: alternativeNames(certificate),
            version: Int(X509_get_version(certificate)) + 1,
            publicKey: key.map(keyDescription) ?? "unknown",
            signatureAlgorithm: signatureAlgorithm(certificate),
            serialNumber: serial(certificate),
            publicKeyPin: key.flatMap(pin))
    }

    /// A distinguished name in RFC 4514 order and form, e.g. `CN=localhost,O=tlshello tests`.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = try? MemoryBIO() else { return "" }
        guard X509_NAME_print_ex(bio.pointer, name, 0, copenssl_name_flags()) >= 0 else { return "" }
        return bio.text
    }

    /// The SHA-256 digest of the DER encoding.
    static func fingerprint(_ certificate: OpaquePointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { return [] }
        return Array(digest.prefix(Int(length)))
    }

    /// The DNS names and IP addresses of the subject alternative name extension.
    static func alternativeNames(_ certificate: OpaquePointer) -> [String] {
        guard let names = GeneralNames(certificate) else { return [] }
        return names.entries
    }

    /// `RSA 2048`, `ECDSA SECP256R1`, `EdDSA (Ed25519)` (as GnuTLS: the name already says the curve).
    static func keyDescription(_ key: OpaquePointer) -> String {
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA: return "RSA \(bits)"
        case EVP_PKEY_RSA_PSS: return "RSA-PSS \(bits)"
        case EVP_PKEY_EC:
            var buffer = [CChar](repeating: 0, count: 80)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 else { return "ECDSA \(bits)" }
            return "ECDSA " + curveName(String(nulTerminated: buffer))
        case EVP_PKEY_ED25519: return "EdDSA (Ed25519)"
        case EVP_PKEY_ED448: return "EdDSA (Ed448)"
        default: return "unknown \(bits)"
        }
    }

    /// GnuTLS's spelling of an OpenSSL curve name (`prime256v1` is `SECP256R1`).
    static func curveName(_ name: String) -> String {
        switch name {
        case "prime256v1": return "SECP256R1"
        default: return name.uppercased()
        }
    }

    /// The certificate's signature algorithm as GnuTLS names it, e.g. `RSA-SHA256`, `ECDSA-SHA256`;
    /// OpenSSL's short name for an algorithm outside that list.
    static func signatureAlgorithm(_ certificate: OpaquePointer) -> String {
        var digest: Int32 = NID_undef
        var keyType: Int32 = NID_undef
        if X509_get_signature_info(certificate, &digest, &keyType, nil, nil) == 1 {
            let hash = digest == NID_undef ? "" : OBJ_nid2sn(digest).map { String(cString: $0).uppercased().replacing("-", with: "") } ?? ""
            // GnuTLS's names (gnutls_sign_get_name): RSA-SHA256, RSA-PSS-SHA256, ECDSA-SHA384, EdDSA-Ed25519.
            switch keyType {
            case EVP_PKEY_ED25519: return "EdDSA-Ed25519"
            case EVP_PKEY_ED448: return "EdDSA-Ed448"
            case EVP_PKEY_RSA where !hash.isEmpty: return "RSA-\(hash)"
            case EVP_PKEY_RSA_PSS where !hash.isEmpty: return "RSA-PSS-\(hash)"
            case EVP_PKEY_EC where !hash.isEmpty: return "ECDSA-\(hash)"
            case EVP_PKEY_DSA where !hash.isEmpty: return "DSA-\(hash)"
            default: break
            }
        }
        guard let text = OBJ_nid2sn(X509_get_signature_nid(certificate)) else { return "unknown" }
        return String(cString: text)
    }

    /// The serial number in lower-case hex.
    static func serial(_ certificate: OpaquePointer) -> String {
        guard let serial = X509_get0_serialNumber(certificate),
              let data = ASN1_STRING_get0_data(serial) else { return "" }
        let bytes = UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(serial)))
        return colonHex(Array(bytes)).replacing(":", with: "")
    }

    /// The RFC 7469 pin of a public key: SHA-256 of its SubjectPublicKeyInfo.
    static func pin(_ key: OpaquePointer) -> PublicKeyPin? {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { return nil }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        guard EVP_Digest(der, der.count, &digest, &digestLength, EVP_sha256(), nil) == 1 else { return nil }
        return try? PublicKeyPin(sha256: Array(digest.prefix(Int(digestLength))))
    }

    /// An ASN.1 time as a date (UTC).
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Bytes as colon-separated lower-case hex pairs.
    static func colonHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]]) }.joined(separator: ":")
    }
}
#endif
