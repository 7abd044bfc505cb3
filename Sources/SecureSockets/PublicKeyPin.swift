#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A public key pin (RFC 7469): the SHA-256 digest of a certificate's SubjectPublicKeyInfo,
/// written `sha256/BASE64`, e.g. `sha256/x4QzPSC810K5/cMjb05Qm4k3Bw5zBn4lTdO/nEW/Td4=`.
///
/// A client configured with pins (``TLSConfiguration/publicKeyPins``) accepts a server only when
/// a certificate of the verified chain (leaf, intermediates or the trust anchor) carries one of
/// them. ``CertificateInfo/publicKeyPin`` gives the pin of any certificate, ready to copy.
public struct PublicKeyPin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32 bytes of the SHA-256 digest of the DER-encoded SubjectPublicKeyInfo.
    public let sha256: [UInt8]

    /// A pin from the 32 bytes of a SHA-256 digest.
    ///
    /// - Throws: ``TLSError/invalidPin(_:reason:)`` when `digest` is not 32 bytes long.
    public init(sha256 digest: [UInt8]) throws(TLSError) {
        guard digest.count == 32 else {
            throw .invalidPin("\(digest.count) bytes", reason: "a SHA-256 digest has 32 bytes")
        }
        sha256 = digest
    }

    /// Parses a pin: `sha256/BASE64` (RFC 7469's notation); curl's `sha256//BASE64` and
    /// certtool's `pin-sha256:BASE64` are read too. The base64 text must decode to 32 bytes.
    ///
    /// - Throws: ``TLSError/invalidPin(_:reason:)`` saying what is wrong with `text`.
    public init(_ text: String) throws(TLSError) {
        let trimmed = text.trimmingWhitespace()
        var encoded: Substring?
        for prefix in ["sha256//", "sha256/", "pin-sha256:"] where trimmed.lowercased().hasPrefix(prefix) {
            encoded = trimmed.dropFirst(prefix.count)
            break
        }
        guard let encoded else {
            throw .invalidPin(text, reason: "a pin is sha256/ followed by the base64 of a SHA-256 digest (44 characters)")
        }
        guard let bytes = Data(base64Encoded: String(encoded)) else {
            throw .invalidPin(text, reason: "'\(encoded)' is not base64")
        }
        guard bytes.count == 32 else {
            throw .invalidPin(text, reason: "it decodes to \(bytes.count) bytes; a SHA-256 digest has 32")
        }
        sha256 = Array(bytes)
    }

    /// `sha256/BASE64`.
    public var description: String { "sha256/" + Data(sha256).base64EncodedString() }

    /// Reads a pin from its text form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Writes the pin as its text form, `sha256/BASE64`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
