#if OpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import COpenSSL
import SecureSockets

/// Owns one `OCSP_BASICRESP` (the signed answers of an OCSP response), freed in `deinit` only.
/// Reads its first answer, as the GnuTLS backend does.
final class OCSPBasicResponseHandle {
    /// The basic response; valid as long as this owner lives.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (from `OCSP_response_get1_basic`).
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OCSP_BASICRESP_free(pointer) }

    /// The first answer, owned by this response.
    private var first: OpaquePointer? {
        OCSP_resp_count(pointer) > 0 ? OCSP_resp_get0(pointer, 0) : nil
    }

    /// What the first answer says, `verified` as given; nil when the response holds none.
    func status(verified: Bool) -> OCSPStatus? {
        guard let single = first else { return nil }
        var reason: Int32 = -1
        var revoked: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        let code = OCSP_single_get0_status(single, &reason, &revoked, &thisUpdate, &nextUpdate)
        guard let thisUpdate else { return nil }
        let status: OCSPStatus.CertificateStatus
        switch code {
        case V_OCSP_CERTSTATUS_GOOD: status = .good
        case V_OCSP_CERTSTATUS_REVOKED: status = .revoked
        default: status = .unknown
        }
        return OCSPStatus(certificateStatus: status, thisUpdate: CertificateDescription.date(thisUpdate),
                          nextUpdate: nextUpdate.map { CertificateDescription.date($0) },
                          revocationTime: status == .revoked ? revoked.map { CertificateDescription.date($0) } : nil,
                          revocationReason: status == .revoked ? Self.reasonName(reason) : nil,
                          verified: verified)
    }

    /// The serial number the first answer is about, in lower-case hex.
    var serialNumber: String? {
        guard let single = first else { return nil }
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        guard copenssl_ocsp_id_info(single, nil, nil, nil, &serial) == 1, let serial,
              let data = ASN1_STRING_get0_data(serial) else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(serial))))
        return CertificateDescription.colonHex(bytes).replacing(":", with: "")
    }

    /// True when the first answer is about `certificate`: its serial number and the hash of its
    /// issuer's name, and the hash of the issuer's key when `issuer` is known.
    func isAbout(_ certificate: OpaquePointer, issuer: OpaquePointer?) -> Bool {
        guard let single = first else { return false }
        var nameHash: UnsafeMutablePointer<ASN1_OCTET_STRING>?
        var algorithm: OpaquePointer?
        var keyHash: UnsafeMutablePointer<ASN1_OCTET_STRING>?
        var serial: UnsafeMutablePointer<ASN1_INTEGER>?
        guard copenssl_ocsp_id_info(single, &nameHash, &algorithm, &keyHash, &serial) == 1,
              let nameHash, let keyHash, let serial, let algorithm,
              let digest = EVP_get_digestbyname(OBJ_nid2sn(OBJ_obj2nid(algorithm))),
              ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(certificate)) == 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_NAME_digest(X509_get_issuer_name(certificate), digest, &buffer, &length) == 1,
              Self.bytes(nameHash) == Array(buffer.prefix(Int(length))) else { return false }
        guard let issuer else { return true }
        guard X509_pubkey_digest(issuer, digest, &buffer, &length) == 1 else { return false }
        return Self.bytes(keyHash) == Array(buffer.prefix(Int(length)))
    }

    private static func bytes(_ string: UnsafeMutablePointer<ASN1_OCTET_STRING>) -> [UInt8] {
        guard let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    /// RFC 5280's name of a CRL reason code (nil for none or an unknown one).
    static func reasonName(_ reason: Int32) -> String? {
        let names = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
                     "cessationOfOperation", "certificateHold", nil, "removeFromCRL", "privilegeWithdrawn", "aACompromise"]
        guard reason >= 0, Int(reason) < names.count else { return nil }
        return names[Int(reason)]
    }
}
#endif
