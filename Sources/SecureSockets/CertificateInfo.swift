#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a user wants to know about one X.509 certificate: names, validity and fingerprint.
public struct CertificateInfo: Sendable, Equatable, Codable {
    /// The subject distinguished name, e.g. `CN=diegoUcamCert,OU=Alumnos,O=Ucam,L=Murcia,ST=Murcia,C=ES`.
    public var subject: String
    /// The issuer distinguished name (equal to the subject for a self-signed certificate).
    public var issuer: String
    /// The start of the validity period.
    public var notBefore: Date
    /// The end of the validity period.
    public var notAfter: Date
    /// The SHA-256 fingerprint of the DER encoding, as colon-separated lower-case hex pairs.
    public var sha256Fingerprint: String
    /// The subject alternative names: DNS names as given, IP addresses in text form.
    public var subjectAlternativeNames: [String]
    /// The X.509 version (1 or 3).
    public var version: Int
    /// The public key, e.g. `RSA 2048`, `ECDSA SECP256R1`, `EdDSA (Ed25519)`.
    public var publicKey: String
    /// The signature algorithm, e.g. `RSA-SHA512`.
    public var signatureAlgorithm: String
    /// The serial number in hex.
    public var serialNumber: String
    /// The public key pin (RFC 7469) of the certificate's key, `sha256/BASE64`: what
    /// ``TLSConfiguration/publicKeyPins`` takes. Nil only when a backend cannot compute it.
    public var publicKeyPin: PublicKeyPin?

    /// Creates a certificate description.
    public init(
        subject: String, issuer: String, notBefore: Date, notAfter: Date, sha256Fingerprint: String,
        subjectAlternativeNames: [String], version: Int, publicKey: String, signatureAlgorithm: String,
        serialNumber: String, publicKeyPin: PublicKeyPin? = nil
    ) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.sha256Fingerprint = sha256Fingerprint
        self.subjectAlternativeNames = subjectAlternativeNames
        self.version = version
        self.publicKey = publicKey
        self.signatureAlgorithm = signatureAlgorithm
        self.serialNumber = serialNumber
        self.publicKeyPin = publicKeyPin
    }

    /// True when `date` is past ``notAfter``.
    public func isExpired(at date: Date = Date()) -> Bool { date > notAfter }

    /// True when `date` is before ``notBefore``.
    public func isNotYetValid(at date: Date = Date()) -> Bool { date < notBefore }

    /// The names a host-name check compares against: the subject alternative names, or the
    /// subject's CN when there are none (as for X.509 v1 certificates).
    public var namesForMatching: [String] {
        if !subjectAlternativeNames.isEmpty { return subjectAlternativeNames }
        return commonName.map { [$0] } ?? []
    }

    /// The subject's common name (CN), if it has one.
    public var commonName: String? {
        for part in subject.split(separator: ",") {
            let trimmed = part.drop(while: { $0 == " " })
            if trimmed.hasPrefix("CN=") { return String(trimmed.dropFirst(3)) }
        }
        return nil
    }
}

extension Date {
    /// The date as `YYYY-MM-DD HH:MM:SS UTC`, the form every message of this package uses.
    package var utcText: String {
        let style = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
        return self.formatted(style).replacing("Z", with: "") + " UTC"
    }

    /// The date as `YYYY-MM-DD` (UTC).
    package var utcDay: String { String(utcText.prefix(10)) }
}
