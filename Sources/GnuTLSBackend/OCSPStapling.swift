import CGnuTLS
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// OCSP stapling (RFC 6066 `status_request`): a server's response attached to its credentials,
/// and what a client received.
enum OCSPStapling {
    /// RFC 6066's alert for a stapled status a client cannot accept (GnuTLS 3.7 has no constant).
    static let badCertificateStatusResponse = gnutls_alert_description_t(rawValue: 113)

    /// Reads the response of `source`, checks it is a successful OCSP response, and staples it
    /// to every key pair of `targets` (each credentials structure with the leaf of each of its
    /// pairs, in the order installed) whose certificate it is about (GnuTLS checks that); at
    /// least one must be. Returns what it says and the SHA-256 fingerprints of the leaves it was
    /// stapled for; adds a warning for an `unknown` status, which clients requiring a good one
    /// refuse. GnuTLS staples neither a revoked nor an out-of-date response: either is refused here.
    static func attach(
        _ source: TLSConfiguration.OCSPResponseSource,
        to targets: [(credentials: gnutls_certificate_credentials_t, leaves: [CertificateInfo?])],
        warnings: inout [String]
    ) throws(TLSError) -> (status: OCSPStatus, certificates: Set<String>) {
        let label = source.label
        let der: [UInt8]
        switch source {
        case let .file(path):
            switch FileContents.read(path) {
            case let .success(bytes): der = bytes
            case let .failure(failure): throw .ocspResponseFile(path: path, reason: failure.reason, library: nil)
            }
        case let .der(bytes, _):
            der = bytes
        }
        guard !der.isEmpty else { throw .ocspResponseFile(path: label, reason: "the file is empty", library: nil) }
        let response = try OCSPResponse(der: der) { library in
            .ocspResponseFile(path: label, reason: library.code == GNUTLS_E_MEMORY_ERROR
                ? "cannot allocate an OCSP response" : "not a DER OCSP response", library: library)
        }
        guard response.isSuccessful else {
            throw .ocspResponseFile(path: label, reason: "the responder answered '\(response.responseStatusName)', not a status", library: nil)
        }
        guard let status = response.status(verified: false) else {
            throw .ocspResponseFile(path: label, reason: "the response holds no certificate status", library: nil)
        }
        var code = GNUTLS_E_OCSP_MISMATCH_WITH_CERTS
        var stapled = false
        var certificates: Set<String> = []
        for target in targets {
            for (index, leaf) in target.leaves.enumerated() {
                let result: Int32 = der.withUnsafeBufferPointer { bytes in
                    var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: bytes.baseAddress), size: UInt32(bytes.count))
                    return gnutlsCall {
                        gnutls_certificate_set_ocsp_status_request_mem(target.credentials, &datum, UInt32(index), GNUTLS_X509_FMT_DER)
                    }
                }
                // GnuTLS 3.7 answers a stapled response with a non-negative count, not always 0.
                if result >= 0 {
                    stapled = true
                    if let leaf { certificates.insert(leaf.sha256Fingerprint) }
                } else if result != GNUTLS_E_OCSP_MISMATCH_WITH_CERTS {
                    code = result
                    break
                }
            }
            if code != GNUTLS_E_OCSP_MISMATCH_WITH_CERTS { break }
        }
        if stapled && code == GNUTLS_E_OCSP_MISMATCH_WITH_CERTS { code = GNUTLS_E_SUCCESS }
        if code == GNUTLS_E_OCSP_MISMATCH_WITH_CERTS {
            let serial = response.serialNumber.map { "serial \($0)" } ?? "another certificate"
            var seen: Set<String> = []
            let leaves = targets.flatMap(\.leaves).compactMap { $0 }.filter { seen.insert($0.sha256Fingerprint).inserted }
            let own = leaves.isEmpty ? "the server's certificate"
                : leaves.map { "\($0.subject), serial \($0.serialNumber)" }.joined(separator: " nor ")
            throw .ocspResponseFile(path: label, reason: "the response is about \(serial), not about \(own)", library: .gnutls(code))
        }
        if code == GNUTLS_E_EXPIRED {
            // GnuTLS staples neither a revoked status nor one past its next update.
            // GnuTLS says GNUTLS_E_EXPIRED for both; for a revoked status that name would mislead.
            if status.certificateStatus == .revoked {
                throw .ocspResponseFile(path: label, reason: "it says the certificate is \(status.summary); a revoked status is not stapled",
                                        library: nil)
            }
            throw .ocspResponseFile(path: label, reason: "it is out of date (next update \(status.nextUpdate?.utcText ?? "unknown") has passed): fetch a new one",
                                    library: .gnutls(code))
        }
        if code < 0 {
            throw .ocspResponseFile(path: label, reason: "GnuTLS cannot staple it: \(BackendError.gnutls(code).message)",
                                    library: .gnutls(code))
        }
        if status.certificateStatus == .unknown {
            warnings.append("OCSP response \(label) says the certificate's status is unknown: clients that require a good status will refuse it")
        }
        return (status, certificates)
    }

    /// On a server, what the response stapled in `session` says: the context's response when the
    /// client asked for one (status_request), the certificate that served (`served`, the leaf
    /// this side sent) is the one it is about, and it was still current; otherwise nil.
    static func sent(_ session: gnutls_session_t, context: GnuTLSContext, served: CertificateInfo?) -> OCSPStatus? {
        guard let status = context.ocspStatus,
              let served, context.ocspCertificates.contains(served.sha256Fingerprint),
              gnutls_session_get_flags(session) & GNUTLS_SFLAGS_CLI_REQUESTED_OCSP.rawValue != 0,
              status.nextUpdate.map({ $0 > Date() }) ?? true else { return nil }
        return status
    }

    /// What the OCSP response the server stapled for its certificate says; nil when it stapled
    /// none (or nothing readable). `verified` tells whether GnuTLS's verification of the chain
    /// checked it (signature, certificate, dates) and found it acceptable.
    static func received(_ session: gnutls_session_t) -> OCSPStatus? {
        var datum = gnutls_datum_t()
        // The datum points into the session: not to be freed.
        guard gnutls_ocsp_status_request_get2(session, 0, &datum) == GNUTLS_E_SUCCESS, let data = datum.data,
              datum.size > 0 else { return nil }
        let der = Array(UnsafeBufferPointer(start: data, count: Int(datum.size)))
        guard let response = try? OCSPResponse(der: der, { library in .setupFailed(operation: "read the OCSP response", library: library) }),
              response.isSuccessful else { return nil }
        return response.status(verified: gnutls_ocsp_status_request_is_checked(session, 0) != 0)
    }
}
