/// Something a ``TLSBackend`` may or may not do. Each backend declares, in
/// ``TLSBackend/unsupportedFeatures``, the ones it cannot do and why; the conformance suite runs
/// every other feature's tests against it and reports the declared ones as skipped, with the reason.
public enum TLSBackendFeature: String, CaseIterable, Sendable, Codable {
    /// A TLS handshake that negotiates a version and a cipher suite and protects the records.
    case encryption
    /// TLS 1.0 and 1.1 (RFC 8996 deprecates them), when a version policy allows them.
    case legacyVersions
    /// Verifying the peer's certificate chain, validity dates and name (``TLSConfiguration/certificateVerification``).
    case certificateVerification
    /// A server asking for and verifying client certificates (``TLSConfiguration/clientAuthentication``).
    case clientCertificates
    /// Application protocol negotiation, ALPN (``TLSConfiguration/applicationProtocols``).
    case applicationProtocols
    /// Resuming a session from a ticket (``TLSSession/resumptionTicket``).
    case resumption
    /// close_notify on ``TLSSession/close()``, and telling it from a transport closed without one.
    case closeNotify
    /// A client accepting only servers whose chain carries a pinned key (``TLSConfiguration/publicKeyPins``).
    case publicKeyPins
    /// A server stapling an OCSP response and a client requiring one (``TLSConfiguration/ocspResponse``,
    /// ``TLSConfiguration/requiresOCSPStatus``).
    case ocspStapling
    /// A server with several certificate/key pairs chosen by server name (``TLSConfiguration/additionalIdentities``).
    case severalIdentities
    /// Ticket keys shared by several servers (``TLSConfiguration/ticketKey``).
    case sharedTicketKeys
    /// The handshake trace (``TLSSession/traceHandler``).
    case trace
    /// The NSS key log of session secrets (``TLSConfiguration/keyLog``).
    case keyLog
}

extension TLSBackendFeature {
    /// The features `configuration` asks a backend for beyond a plain handshake, in declaration order.
    package static func used(by configuration: TLSConfiguration) -> [TLSBackendFeature] {
        allCases.filter { feature in
            switch feature {
            case .encryption, .certificateVerification, .resumption, .closeNotify, .trace, .legacyVersions:
                return false
            case .clientCertificates:
                return configuration.clientAuthentication != .none
                    || (configuration.role == .client && configuration.certificateChain != nil)
            case .applicationProtocols:
                return !configuration.applicationProtocols.isEmpty
            case .publicKeyPins:
                return configuration.role == .client && !configuration.publicKeyPins.isEmpty
            case .ocspStapling:
                return configuration.ocspResponse != nil || configuration.requiresOCSPStatus
            case .severalIdentities:
                return !configuration.additionalIdentities.isEmpty
            case .sharedTicketKeys:
                return configuration.ticketKey != nil
            case .keyLog:
                return configuration.keyLog != nil
            }
        }
    }
}

extension TLSBackend {
    /// Refuses a configuration that asks for a feature this backend declares unsupported, with
    /// the declared reasons, so that what a backend refuses and what it declares cannot disagree.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)`` holding the reason of each such feature.
    package func refuseUnsupportedFeatures(of configuration: TLSConfiguration) throws(TLSError) {
        let unsupported = unsupportedFeatures
        let reasons = TLSBackendFeature.used(by: configuration).compactMap { unsupported[$0] }
        if !reasons.isEmpty { throw .invalidConfiguration(reasons.joined(separator: "; ")) }
    }
}
