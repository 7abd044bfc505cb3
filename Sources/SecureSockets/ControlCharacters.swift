/// Text from outside (a peer's bytes, a name given on the command line) made safe to print: the
/// control characters (C0, DEL, C1: newlines, escape sequences) are shown as `\u{…}`, so the
/// text can never forge a log line or drive the terminal.
package enum ControlCharacters {
    /// True for a C0 control character, DEL or a C1 control character.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value)
    }

    /// `text` with each control character written as `\u{hex}`.
    package static func escaped(_ text: some StringProtocol) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
