#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a peer's certificate was not accepted, in words a user can act on.
public struct CertificateVerificationFailure: Sendable, Equatable, Codable, CustomStringConvertible {
    /// One reason a certificate failed verification.
    public enum Problem: Sendable, Equatable, Codable {
        /// The certificate's validity ended on the given date.
        case expired(Date)
        /// The certificate's validity starts on the given date.
        case notYetValid(Date)
        /// No trusted certificate issued it; the fingerprint is what a user would pin or trust.
        case unknownIssuer(issuer: String, sha256Fingerprint: String)
        /// The host name asked for is not among the certificate's names.
        case nameMismatch(expected: String, names: [String])
        /// The issuer is not allowed to act as a certificate authority.
        case signerNotCA
        /// The certificate was revoked.
        case revoked
        /// The certificate is signed with an algorithm considered insecure.
        case insecureAlgorithm
        /// The certificate's extended key usage does not include the purpose it is used for.
        ///
        /// `required` is the purpose asked for and `allowed` the purposes the certificate lists,
        /// both in words (e.g. `TLS server authentication`); an unknown purpose is given by its OID.
        case wrongPurpose(required: String, allowed: [String])
        /// A key in the chain is shorter than the verification profile accepts.
        ///
        /// `subject` names the certificate holding the key, `algorithm` is e.g. `RSA`, and `bits`
        /// and `minimum` are key sizes in bits.
        case weakKey(subject: String, algorithm: String, bits: Int, minimum: Int)
        /// A certificate in the chain is signed with an algorithm the verification profile refuses,
        /// e.g. `RSA-SHA1`; `subject` names the certificate.
        case weakSignature(subject: String, algorithm: String)
        /// The signature on the certificate does not verify.
        case signatureFailure
        /// The peer sent no certificate.
        case noCertificate
        /// Anything else, in the library's words.
        case other(String)

        /// The problem as a short clause, e.g. `expired on 2021-04-12 10:00:00 UTC`, for a
        /// server's certificate.
        public var text: String { text(peer: .server) }

        /// The problem as a short clause for the certificate of a `peer` (a client's certificate
        /// is trusted through the server's client trust roots, not a client's CA file).
        public func text(peer: TLSConfiguration.Role) -> String {
            if peer == .client, case let .unknownIssuer(issuer, fingerprint) = self {
                return "unknown issuer \(issuer) (certificate SHA-256 \(fingerprint)): no trusted client certificate authority issued it"
            }
            switch self {
            case let .expired(date):
                return "certificate expired on \(date.utcText)"
            case let .notYetValid(date):
                return "certificate not valid before \(date.utcText)"
            case let .unknownIssuer(issuer, fingerprint):
                return "unknown issuer \(issuer) (certificate SHA-256 \(fingerprint))"
            case let .nameMismatch(expected, names):
                let list = names.isEmpty ? "none" : names.joined(separator: ", ")
                return "name mismatch: asked for \(expected), the certificate names \(list)"
            case .signerNotCA:
                return "the issuer is not a certificate authority"
            case .revoked:
                return "certificate revoked"
            case .insecureAlgorithm:
                return "certificate signed with an insecure algorithm"
            case let .wrongPurpose(required, allowed):
                let list = allowed.isEmpty ? "no purpose" : allowed.joined(separator: " and ")
                return "the certificate is for \(list) only, not for \(required)"
            case let .weakKey(subject, algorithm, bits, minimum):
                return "the \(algorithm) key of \(subject) has \(bits) bits; at least \(minimum) are required at the secure default"
            case let .weakSignature(subject, algorithm):
                return "\(subject) is signed with \(algorithm), which is no longer secure"
            case .signatureFailure:
                return "certificate signature does not verify"
            case .noCertificate:
                return "the peer sent no certificate"
            case let .other(text):
                return text
            }
        }
    }

    /// Every problem found, most useful first.
    public var problems: [Problem]
    /// The certificate that failed (the peer's leaf), when the peer sent one.
    public var certificate: CertificateInfo?
    /// The library's own description of the verification status.
    public var libraryText: String
    /// Whose certificate failed: ``TLSConfiguration/Role/server`` when a client verified its
    /// server (the default), ``TLSConfiguration/Role/client`` when a server verified a client
    /// certificate.
    public var peer: TLSConfiguration.Role

    /// Creates a verification failure.
    public init(problems: [Problem], certificate: CertificateInfo?, libraryText: String,
                peer: TLSConfiguration.Role = .server) {
        self.problems = problems
        self.certificate = certificate
        self.libraryText = libraryText
        self.peer = peer
    }

    /// `certificate verification failed: <problem>; <problem>`, or `client certificate
    /// verification failed: …` for a client's certificate.
    public var description: String {
        let parts = problems.isEmpty ? [libraryText] : problems.map { $0.text(peer: peer) }
        return (peer == .client ? "client certificate verification failed: " : "certificate verification failed: ")
            + parts.joined(separator: "; ")
    }
}
