import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What to put in a generated certificate.
public struct CertificateRequest: Sendable, Equatable {
    /// The kind of key pair to generate for the certificate.
    public enum KeyType: Sendable, Equatable, CustomStringConvertible {
        /// RSA with a modulus of `bits` bits (512 to 16384).
        case rsa(bits: Int)
        /// ECDSA on the NIST P-256 curve (SECP256R1).
        case ecdsaP256
        /// EdDSA on Curve25519 (Ed25519).
        case ed25519

        /// `RSA 2048`, `ECDSA P-256` or `Ed25519`.
        public var description: String {
            switch self {
            case let .rsa(bits): return "RSA \(bits)"
            case .ecdsaP256: return "ECDSA P-256"
            case .ed25519: return "Ed25519"
            }
        }
    }

    /// The digest the issuer's key signs the certificate with.
    ///
    /// Ignored when the signing key is Ed25519, whose signatures always use SHA-512 internally.
    public enum Digest: String, Sendable, Equatable, CaseIterable {
        /// SHA-256.
        case sha256
        /// SHA-384.
        case sha384
        /// SHA-512.
        case sha512
    }

    /// The subject DN in RFC 4514 form, e.g. `CN=localhost,O=Example`.
    public var subject: String
    /// The subject alternative names: each an IPv4 or IPv6 literal (an IP SAN; `[::1]` is accepted
    /// too) or else a DNS name.
    public var subjectAltNames: [String]
    /// The key pair to generate.
    public var keyType: KeyType
    /// The signature digest.
    public var digest: Digest
    /// The start of the validity period (stored with one-second precision).
    public var notBefore: Date
    /// The end of the validity period; a date in the past makes an expired certificate.
    public var notAfter: Date
    /// True for a CA certificate (basic constraints CA, keyCertSign and cRLSign).
    public var isCA: Bool
    /// The extended key usages: nil for TLS server and client authentication on a certificate
    /// that is not a CA and for none on a CA (the default), an empty list for no extended key
    /// usage extension at all.
    package var extendedKeyUsage: [KeyPurpose]?
    /// Signs with SHA-1 instead of ``digest``, to make the certificates verification must refuse.
    package var signsWithSHA1 = false
    /// Leaves digitalSignature out of the key usage of a certificate that is not a CA, to make
    /// the certificates TLS may not sign with (an RSA one keeps keyEncipherment).
    package var withoutDigitalSignature = false

    /// Creates a request; the defaults make a server/client certificate for `localhost` that is
    /// valid from an hour ago for 825 days.
    public init(
        subject: String = "CN=localhost",
        subjectAltNames: [String] = ["localhost", "127.0.0.1", "::1"],
        keyType: KeyType = .rsa(bits: 2048),
        digest: Digest = .sha256,
        notBefore: Date = Date().addingTimeInterval(-3600),
        notAfter: Date = Date().addingTimeInterval(825 * 86400),
        isCA: Bool = false
    ) {
        self.subject = subject
        self.subjectAltNames = subjectAltNames
        self.keyType = keyType
        self.digest = digest
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
    }
}
