import CGnuTLS
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Owns one `gnutls_ocsp_resp_t` (a parsed OCSP response, RFC 6960), released in `deinit` and
/// nowhere else.
final class OCSPResponse {
    /// The response; valid as long as this owner lives.
    let raw: gnutls_ocsp_resp_t

    /// Parses the DER response in `der`; `make` turns a GnuTLS failure (allocation or parsing)
    /// into the caller's error.
    init(der: [UInt8], _ make: (BackendError) -> TLSError) throws(TLSError) {
        var response: gnutls_ocsp_resp_t?
        let code = gnutlsCall { gnutls_ocsp_resp_init(&response) }
        guard code == GNUTLS_E_SUCCESS, let response else { throw make(.gnutls(code)) }
        // Owned from here on: a failure below throws, and deinit releases the handle.
        raw = response
        try der.withUnsafeBufferPointer { (bytes) throws(TLSError) in
            var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: bytes.baseAddress), size: UInt32(bytes.count))
            _ = try check(gnutls_ocsp_resp_import2(response, &datum, GNUTLS_X509_FMT_DER), make)
        }
    }

    deinit {
        gnutls_ocsp_resp_deinit(raw)
    }

    /// True when the responder answered with a status (`successful`), not an error such as
    /// `unauthorized` or `tryLater`.
    var isSuccessful: Bool { gnutls_ocsp_resp_get_status(raw) == Int32(GNUTLS_OCSP_RESP_SUCCESSFUL.rawValue) }

    /// The responder's status code in words, e.g. `unauthorized`.
    var responseStatusName: String {
        switch gnutls_ocsp_resp_get_status(raw) {
        case 0: return "successful"
        case 1: return "malformedRequest"
        case 2: return "internalError"
        case 3: return "tryLater"
        case 5: return "sigRequired"
        case 6: return "unauthorized"
        case let other: return other < 0 ? "unreadable" : "status \(other)"
        }
    }

    /// What the first (usually the only) answer says, `verified` as given; nil when the response
    /// holds no answer.
    func status(verified: Bool) -> OCSPStatus? {
        var certificateStatus: UInt32 = 0
        var thisUpdate: time_t = -1
        var nextUpdate: time_t = -1
        var revocationTime: time_t = -1
        var reason: UInt32 = 0
        let code = gnutls_ocsp_resp_get_single(raw, 0, nil, nil, nil, nil, &certificateStatus, &thisUpdate, &nextUpdate,
                                               &revocationTime, &reason)
        guard code == GNUTLS_E_SUCCESS, thisUpdate != -1 else { return nil }
        let status: OCSPStatus.CertificateStatus
        switch certificateStatus {
        case GNUTLS_OCSP_CERT_GOOD.rawValue: status = .good
        case GNUTLS_OCSP_CERT_REVOKED.rawValue: status = .revoked
        default: status = .unknown
        }
        func date(_ time: time_t) -> Date? { time == -1 ? nil : Date(timeIntervalSince1970: TimeInterval(time)) }
        return OCSPStatus(certificateStatus: status, thisUpdate: Date(timeIntervalSince1970: TimeInterval(thisUpdate)),
                          nextUpdate: date(nextUpdate),
                          revocationTime: status == .revoked ? date(revocationTime) : nil,
                          revocationReason: status == .revoked ? Self.reasonName(reason) : nil,
                          verified: verified)
    }

    /// True when the first answer is about `certificate` (its issuer and serial number).
    func isAbout(_ certificate: gnutls_x509_crt_t) -> Bool {
        gnutls_ocsp_resp_check_crt(raw, 0, certificate) == GNUTLS_E_SUCCESS
    }

    /// The serial number the first answer is about, in hex.
    var serialNumber: String? {
        var serial = GnuTLSDatum()
        guard gnutls_ocsp_resp_get_single(raw, 0, nil, nil, nil, &serial.raw, nil, nil, nil, nil, nil) == GNUTLS_E_SUCCESS
        else { return nil }
        return colonHex(serial.bytes).replacing(":", with: "")
    }

    /// RFC 5280's name of a CRL reason code (nil for none or an unknown one).
    static func reasonName(_ reason: UInt32) -> String? {
        switch reason {
        case GNUTLS_X509_CRLREASON_UNSPECIFIED.rawValue: return "unspecified"
        case GNUTLS_X509_CRLREASON_KEYCOMPROMISE.rawValue: return "keyCompromise"
        case GNUTLS_X509_CRLREASON_CACOMPROMISE.rawValue: return "cACompromise"
        case GNUTLS_X509_CRLREASON_AFFILIATIONCHANGED.rawValue: return "affiliationChanged"
        case GNUTLS_X509_CRLREASON_SUPERSEDED.rawValue: return "superseded"
        case GNUTLS_X509_CRLREASON_CESSATIONOFOPERATION.rawValue: return "cessationOfOperation"
        case GNUTLS_X509_CRLREASON_CERTIFICATEHOLD.rawValue: return "certificateHold"
        case GNUTLS_X509_CRLREASON_REMOVEFROMCRL.rawValue: return "removeFromCRL"
        case GNUTLS_X509_CRLREASON_PRIVILEGEWITHDRAWN.rawValue: return "privilegeWithdrawn"
        case GNUTLS_X509_CRLREASON_AACOMPROMISE.rawValue: return "aACompromise"
        default: return nil
        }
    }
}
