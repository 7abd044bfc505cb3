/// The rules for the name a client sends as SNI and checks the server's certificate against:
/// a host name of LDH labels (RFC 1123), at most 255 bytes long (RFC 6066), or an IP address,
/// which is checked against the certificate but never sent as SNI.
public enum ServerName {
    /// The longest server name, in bytes (RFC 6066, section 3).
    public static let maximumLength = 255
    /// The longest label of a host name, in bytes (RFC 1035).
    public static let maximumLabelLength = 63

    /// Checks that `name` can be sent as a server name: an IP address literal, or a host name of
    /// labels of 1 to 63 letters, digits and inner hyphens separated by dots (a trailing dot is
    /// allowed), 255 bytes at most. An internationalised name is given in its `xn--` form.
    ///
    /// - Throws: ``TLSError/invalidServerName(name:reason:)`` saying what is wrong.
    public static func validate(_ name: String) throws(TLSError) {
        if let reason = problem(name) { throw .invalidServerName(name: name, reason: reason) }
    }

    /// What makes `name` unusable as a server name, in words; nil when it is fine.
    static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "it is empty" }
        if bytes.count > maximumLength {
            return "it is \(bytes.count) bytes long; RFC 6066 allows at most \(maximumLength)"
        }
        if IPAddress.isLiteral(name) { return nil }
        var labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }  // the root's trailing dot
        for label in labels {
            if label.isEmpty { return "it has an empty label (a leading dot, or two dots in a row)" }
            let text = String(decoding: label, as: UTF8.self)
            if label.count > maximumLabelLength {
                return "its label '\(shown(text))' is \(label.count) bytes long; DNS allows at most \(maximumLabelLength)"
            }
            if let bad = text.unicodeScalars.first(where: { !($0.isASCII && isLDH(UInt8($0.value))) }) {
                return "\(describe(bad)) cannot be part of a host name (letters, digits, hyphens and dots only; "
                    + "an internationalised name goes in its xn-- form)"
            }
            if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
                return "its label '\(shown(text))' starts or ends with a hyphen"
            }
        }
        return nil
    }

    /// `name` as an error message shows it: control characters escaped, and cut after 32
    /// characters when longer than 40.
    package static func shown(_ name: String) -> String {
        let scalars = name.unicodeScalars
        guard scalars.count > 40 else { return ControlCharacters.escaped(name) }
        return ControlCharacters.escaped(scalars.prefix(32).map(String.init).joined()) + "…"
    }

    private static func isLDH(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// A character named for an error: `'_'`, `a space`, `'é' (U+00E9)`, `the control character U+000A`.
    private static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar == " " { return "a space" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if ControlCharacters.isControl(scalar) {
            return "the control character \(code)"
        }
        return scalar.isASCII ? "'\(Character(scalar))'" : "'\(Character(scalar))' (\(code))"
    }
}
