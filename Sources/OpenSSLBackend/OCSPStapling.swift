#if OpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import COpenSSL
import SecureSockets

/// OCSP stapling (RFC 6066 `status_request`) on OpenSSL, with the GnuTLS backend's rules and
/// sentences: a server staples its configured response when a client asks, a client always asks,
/// checks what it gets (signed by the certificate's issuer or a responder it named, about this
/// certificate, current), fails on a verified `revoked` status, and with
/// ``TLSConfiguration/requiresOCSPStatus`` fails without a verified `good` one.
enum OCSPStapling {
    /// RFC 6066's alert for a stapled status a client cannot accept (bad_certificate_status_response).
    static let badCertificateStatusResponse: UInt8 = 113
    /// How far a response's dates may be off the clock and still count as current (as OpenSSL's tools allow).
    static let clockSkew: TimeInterval = 300

    /// A server's response, read and checked when the context is made: a successful response
    /// about the leaf of one of `identities`, neither revoked nor out of date. Returns it with the
    /// SHA-256 fingerprints of the leaves it is about (it is stapled only when one of them
    /// serves); adds a warning for an `unknown` status, which clients requiring a good one refuse.
    static func load(_ source: TLSConfiguration.OCSPResponseSource, identities: [OpenSSLIdentity],
                     warnings: inout [String]) throws(TLSError) -> (der: [UInt8], status: OCSPStatus, certificates: Set<String>) {
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
        guard let response = OCSPResponseHandle(der: der) else {
            throw .ocspResponseFile(path: label, reason: "not a DER OCSP response", library: nil)
        }
        guard response.isSuccessful else {
            throw .ocspResponseFile(path: label, reason: "the responder answered '\(response.responseStatusName)', not a status", library: nil)
        }
        guard let basic = response.basic(), let status = basic.status(verified: false) else {
            throw .ocspResponseFile(path: label, reason: "the response holds no certificate status", library: nil)
        }
        let about = identities.filter { identity in
            let leaf = identity.chain[0].pointer
            let issuer = identity.chain.dropFirst().first { X509_check_issued($0.pointer, leaf) == X509_V_OK }
            return basic.isAbout(leaf, issuer: issuer?.pointer)
        }
        guard !about.isEmpty else {
            let serial = basic.serialNumber.map { "serial \($0)" } ?? "another certificate"
            var seen: Set<String> = []
            let leaves = identities.map(\.leaf).filter { seen.insert($0.sha256Fingerprint).inserted }
            let own = leaves.isEmpty ? "the server's certificate"
                : leaves.map { "\($0.subject), serial \($0.serialNumber)" }.joined(separator: " nor ")
            throw .ocspResponseFile(path: label, reason: "the response is about \(serial), not about \(own)", library: nil)
        }
        if status.certificateStatus == .revoked {
            throw .ocspResponseFile(path: label, reason: "it says the certificate is \(status.summary); a revoked status is not stapled",
                                    library: nil)
        }
        if let next = status.nextUpdate, next <= Date() {
            throw .ocspResponseFile(path: label, reason: "it is out of date (next update \(next.utcText) has passed): fetch a new one",
                                    library: nil)
        }
        if status.certificateStatus == .unknown {
            warnings.append("OCSP response \(label) says the certificate's status is unknown: clients that require a good status will refuse it")
        }
        return (der, status, Set(about.map(\.leaf.sha256Fingerprint)))
    }

    /// The `SSL_CTX_set_tlsext_status_cb` callback of both roles.
    static let callback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { ssl, _ in
        guard let ssl, let session = OpenSSLSession.of(ssl) else { return 0 }
        return session.role == .server ? staple(session) : (check(session) ? 1 : 0)
    }

    /// A server's side: hands OpenSSL a copy of the response (OpenSSL frees it with the
    /// connection) while it is current; otherwise staples nothing.
    private static func staple(_ session: OpenSSLSession) -> Int32 {
        // OpenSSL has made the certificate it sends the current one before it asks.
        let context = session.context
        guard let der = context.ocspResponseDER, let status = context.ocspStatus,
              status.nextUpdate.map({ $0 > Date() }) ?? true,
              let served = SSL_get_certificate(session.ssl.pointer),
              context.ocspCertificates.contains(CertificateDescription.info(served).sha256Fingerprint),
              let buffer = copenssl_malloc(der.count) else { return SSL_TLSEXT_ERR_NOACK }
        der.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
        }
        _ = copenssl_set_tlsext_status_ocsp_resp(session.ssl.pointer, buffer.assumingMemoryBound(to: UInt8.self), der.count)
        session.ocspStapled = true
        return SSL_TLSEXT_ERR_OK
    }

    /// A client's side, once the server's chain is verified: records what was stapled, and
    /// returns false (OpenSSL then sends bad_certificate_status_response) when it must refuse,
    /// with the reason in the session.
    private static func check(_ session: OpenSSLSession) -> Bool {
        let ssl = session.ssl.pointer
        let configuration = session.context.configuration
        let verifying = configuration.certificateVerification != .none
        var signatureVerifies = true
        var pointer: UnsafePointer<UInt8>?
        let length = copenssl_get_tlsext_status_ocsp_resp(ssl, &pointer)
        if let pointer, length > 0,
           let response = OCSPResponseHandle(der: Array(UnsafeBufferPointer(start: pointer, count: length))),
           let basic = response.basic() {
            signatureVerifies = verifying && verifies(basic, ssl: ssl)
            let leaf = SSL_get0_peer_certificate(ssl)
            let about = leaf.map { basic.isAbout($0, issuer: issuer(of: ssl)) } ?? false
            let unchecked = basic.status(verified: false)
            let current = unchecked.map { status in
                status.thisUpdate <= Date().addingTimeInterval(clockSkew)
                    && (status.nextUpdate.map { $0 > Date().addingTimeInterval(-clockSkew) } ?? true)
            } ?? false
            session.receivedOCSP = basic.status(verified: signatureVerifies && about && current)
        }
        OpenSSLError.clear()
        guard let received = session.receivedOCSP else {
            if configuration.requiresOCSPStatus { refuse(session, reason: "the server stapled no OCSP response") }
            return !configuration.requiresOCSPStatus
        }
        if verifying && !signatureVerifies {
            fail(session, "the OCSP response the server stapled does not verify (not signed by the certificate's issuer or a responder it named)")
            return false
        }
        if received.verified && received.certificateStatus == .revoked {
            fail(session, "certificate revoked: the OCSP response the server stapled says \(received.summary)")
            return false
        }
        guard configuration.requiresOCSPStatus else { return true }
        if !received.verified {
            refuse(session, reason: "the response the server stapled (\(received.certificateStatus.rawValue)) did not pass the checks: "
                + "not signed by the certificate's issuer, about another certificate, or out of date")
            return false
        }
        if received.certificateStatus != .good {
            refuse(session, reason: "the response the server stapled says \(received.summary)")
            return false
        }
        return true
    }

    /// True when the response's signature verifies against the trust store and the chain the
    /// server sent (its issuer, or a responder the issuer delegated to).
    private static func verifies(_ basic: OCSPBasicResponseHandle, ssl: OpaquePointer) -> Bool {
        guard let ctx = SSL_get_SSL_CTX(ssl), let store = SSL_CTX_get_cert_store(ctx) else { return false }
        return OCSP_basic_verify(basic.pointer, SSL_get_peer_cert_chain(ssl), store, 0) == 1
    }

    /// The issuer of the server's leaf in the verified chain, if there is one above the leaf.
    private static func issuer(of ssl: OpaquePointer) -> OpaquePointer? {
        guard let chain = SSL_get0_verified_chain(ssl), OPENSSL_sk_num(chain) > 1,
              let issuer = OPENSSL_sk_value(chain, 1) else { return nil }
        return OpaquePointer(issuer)
    }

    private static func refuse(_ session: OpenSSLSession, reason: String) {
        session.ocspFailure = .ocspStatusRequired(reason: reason, alert: OpenSSLAlert.describe(code: badCertificateStatusResponse, fatal: true))
    }

    private static func fail(_ session: OpenSSLSession, _ problem: String) {
        let leaf = SSL_get0_peer_certificate(session.ssl.pointer).map { CertificateDescription.info($0) }
        session.ocspFailure = .verificationFailed(CertificateVerificationFailure(
            problems: [.other(problem)], certificate: leaf, libraryText: problem, peer: .server))
    }
}
#endif
