import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The file a server option writes once per connection (`--diagram`, `--illustrate`): `{n}` in
/// the name stands for the connection's number (1, 2, …); a name without `{n}` gets `-N` before
/// its extension (`hs.svg` → `hs-1.svg`, `hs-2.svg`). A client writes the name as given, with
/// `{n}` read as 1.
struct ConnectionFileName: Sendable, Equatable {
    /// The name as the user gave it.
    let pattern: String

    /// The placeholder for the connection's number.
    static let placeholder = "{n}"

    /// Checks `pattern`: not empty, not a directory name, `{n}` at most once.
    init(_ pattern: String, option: String) throws(ValidationError) {
        guard !pattern.isEmpty, !pattern.hasSuffix("/") else {
            throw ValidationError("\(option) needs a file name, e.g. \(option) handshake.\(option == "--illustrate" ? "html" : "svg")")
        }
        guard pattern.components(separatedBy: Self.placeholder).count <= 2 else {
            throw ValidationError("\(option) '\(pattern)': {n} may appear once")
        }
        self.pattern = pattern
    }

    /// True when the name carries the `{n}` placeholder.
    var hasPlaceholder: Bool { pattern.contains(Self.placeholder) }

    /// The path of connection `number` (counted from 1) on a server.
    func path(forConnection number: Int) -> String {
        if hasPlaceholder { return pattern.replacingOccurrences(of: Self.placeholder, with: String(number)) }
        let slash = pattern.lastIndex(of: "/")
        let nameStart = slash.map { pattern.index(after: $0) } ?? pattern.startIndex
        if let dot = pattern[nameStart...].lastIndex(of: "."), dot != nameStart {
            return String(pattern[..<dot]) + "-\(number)" + String(pattern[dot...])
        }
        return pattern + "-\(number)"
    }

    /// The path a client writes: the name as given (`{n}` read as 1).
    var clientPath: String {
        pattern.replacingOccurrences(of: Self.placeholder, with: "1")
    }
}
