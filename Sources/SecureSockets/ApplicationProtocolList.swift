/// The rules and the wire form of an ALPN protocol list (RFC 7301, section 3.1): each name is 1
/// to 255 opaque bytes, sent with a one-byte length; the list, with a two-byte length, fills the
/// extension's data, whose own length field allows at most 65,535 bytes.
package enum ApplicationProtocolList {
    /// The longest protocol name, in bytes.
    package static let maximumNameLength = 255
    /// The most bytes the encoded names (each with its length byte) may take: the extension's
    /// data holds the list's two-byte length and the list.
    package static let maximumListLength = 65_535 - 2

    /// Checks that `names` can be offered or accepted: none empty, none longer than
    /// ``maximumNameLength`` bytes, none listed twice, and the whole list within
    /// ``maximumListLength`` bytes.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)`` saying which name is at fault and why.
    package static func validate(_ names: [String]) throws(TLSError) {
        var seen = Set<String>()
        var total = 0
        for (index, name) in names.enumerated() {
            let length = name.utf8.count
            if length == 0 {
                throw .invalidConfiguration("application protocol \(index + 1) of \(names.count) is empty; ALPN names are 1 to \(maximumNameLength) bytes")
            }
            if length > maximumNameLength {
                throw .invalidConfiguration("application protocol '\(shown(name))' is \(length) bytes long; ALPN allows at most \(maximumNameLength)")
            }
            if !seen.insert(name).inserted {
                throw .invalidConfiguration("application protocol '\(shown(name))' is listed twice")
            }
            total += 1 + length
        }
        if total > maximumListLength {
            throw .invalidConfiguration("the application protocols take \(total) bytes encoded; the ALPN extension holds at most \(maximumListLength)")
        }
    }

    /// The names in an encoded list (the extension's data: two-byte length, then names each with
    /// a one-byte length); nil when the bytes are not such a list.
    package static func decode(_ data: [UInt8]) -> [String]? {
        var reader = ByteReader(bytes: data)
        guard let length = reader.u16(), let list = reader.take(Int(length)) else { return nil }
        var names = ByteReader(bytes: list)
        var result: [String] = []
        while let nameLength = names.u8() {
            guard nameLength > 0, let name = names.take(Int(nameLength)) else { return nil }
            result.append(String(decoding: name, as: UTF8.self))
        }
        return result
    }

    /// `names` for a message, e.g. `h2, http/1.1`, control characters escaped (a peer's names are
    /// its own bytes).
    package static func text(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map(shown).joined(separator: ", ")
    }

    /// One name for a message: control characters escaped, at most 64 characters.
    package static func shown(_ name: String) -> String {
        let escaped = ControlCharacters.escaped(name)
        return escaped.count > 64 ? escaped.prefix(64) + "…" : escaped
    }
}
