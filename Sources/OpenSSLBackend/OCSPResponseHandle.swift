#if OpenSSL
import COpenSSL
import SecureSockets

/// Owns one parsed `OCSP_RESPONSE` (RFC 6960), freed in `deinit` only.
final class OCSPResponseHandle {
    /// The response; valid as long as this owner lives.
    let pointer: OpaquePointer

    /// Parses DER `bytes`; nil when they are not an OCSP response.
    init?(der bytes: [UInt8]) {
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            OpenSSLError.clear()
            return nil
        }
        pointer = parsed
    }

    deinit { OCSP_RESPONSE_free(pointer) }

    /// The responder's status code in words: `successful`, or an error such as `unauthorized`.
    var responseStatusName: String {
        switch OCSP_response_status(pointer) {
        case OCSP_RESPONSE_STATUS_SUCCESSFUL: return "successful"
        case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST: return "malformedRequest"
        case OCSP_RESPONSE_STATUS_INTERNALERROR: return "internalError"
        case OCSP_RESPONSE_STATUS_TRYLATER: return "tryLater"
        case OCSP_RESPONSE_STATUS_SIGREQUIRED: return "sigRequired"
        case OCSP_RESPONSE_STATUS_UNAUTHORIZED: return "unauthorized"
        case let other: return "status \(other)"
        }
    }

    /// True when the responder answered with a status.
    var isSuccessful: Bool { OCSP_response_status(pointer) == OCSP_RESPONSE_STATUS_SUCCESSFUL }

    /// The signed part of a successful response.
    func basic() -> OCSPBasicResponseHandle? {
        guard isSuccessful, let basic = OCSP_response_get1_basic(pointer) else {
            OpenSSLError.clear()
            return nil
        }
        return OCSPBasicResponseHandle(taking: basic)
    }
}
#endif
