#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an OCSP response (RFC 6960) stapled by the server (RFC 6066 `status_request`) says about
/// the server's certificate.
///
/// A client always asks for a stapled response and reports it in ``SessionInfo/ocspStatus``. With
/// verification on, a response that says ``CertificateStatus/revoked`` (or whose signature does not
/// verify) fails the handshake like any revoked certificate; with
/// ``TLSConfiguration/requiresOCSPStatus`` the client also fails without a ``isGood`` response.
public struct OCSPStatus: Sendable, Equatable, Codable {
    /// What the responder says about the certificate.
    public enum CertificateStatus: String, Sendable, Codable {
        /// Not revoked, as of ``OCSPStatus/thisUpdate``.
        case good
        /// Revoked at ``OCSPStatus/revocationTime``.
        case revoked
        /// The responder does not know the certificate.
        case unknown
    }

    /// The certificate's status.
    public var certificateStatus: CertificateStatus
    /// When the responder last knew the status to be correct.
    public var thisUpdate: Date
    /// When newer information will be available; nil when the responder gives no date.
    public var nextUpdate: Date?
    /// When the certificate was revoked (``CertificateStatus/revoked`` only).
    public var revocationTime: Date?
    /// Why it was revoked, e.g. `keyCompromise`, when the responder says (``CertificateStatus/revoked`` only).
    public var revocationReason: String?
    /// True when the client checked the response: signed by the certificate's issuer (or a responder
    /// it delegated to), about this certificate, and current (``nextUpdate`` not passed). False without
    /// verification (``TLSConfiguration/CertificateVerification/none``) or when a check failed.
    public var verified: Bool

    /// Creates a status report.
    public init(certificateStatus: CertificateStatus, thisUpdate: Date, nextUpdate: Date?, revocationTime: Date? = nil,
                revocationReason: String? = nil, verified: Bool) {
        self.certificateStatus = certificateStatus
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.revocationTime = revocationTime
        self.revocationReason = revocationReason
        self.verified = verified
    }

    /// True for a verified response that says ``CertificateStatus/good``: what
    /// ``TLSConfiguration/requiresOCSPStatus`` asks for.
    public var isGood: Bool { verified && certificateStatus == .good }

    /// In words, e.g. `good (this update 2026-11-29 15:00:00 UTC, next update 2026-12-06 15:00:00 UTC)`
    /// or `revoked on 2026-11-28 10:00:00 UTC (keyCompromise), this update …`; ``verified`` is not part of it.
    public var summary: String {
        var text = certificateStatus.rawValue
        if certificateStatus == .revoked, let revocationTime { text += " on \(revocationTime.utcText)" }
        if certificateStatus == .revoked, let revocationReason { text += " (\(revocationReason))" }
        var dates = "this update \(thisUpdate.utcText)"
        if let nextUpdate { dates += ", next update \(nextUpdate.utcText)" }
        text += certificateStatus == .revoked ? ", \(dates)" : " (\(dates))"
        return text
    }
}
