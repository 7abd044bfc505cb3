import Foundation

/// A `--diagram` file read back: its messages in drawing order, from the `data-` attributes each
/// message's group carries.
struct LadderSVG {
    struct Message: Equatable, CustomStringConvertible {
        let from: String
        let to: String
        let name: String
        let kind: String
        let encrypted: String

        var description: String { "\(from)→\(to) \(name)" }
    }

    let text: String
    let messages: [Message]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        self.text = text
        let pattern = try NSRegularExpression(pattern:
            #"<g class="message (\w+)" data-index="\d+" data-from="(\w+)" data-to="(\w+)" data-message="([^"]*)" data-encrypted="(\w+)">"#)
        let range = NSRange(text.startIndex..., in: text)
        messages = pattern.matches(in: text, range: range).map { match in
            func group(_ index: Int) -> String {
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
            let name = group(4).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            return Message(from: group(2), to: group(3), name: name, kind: group(1), encrypted: group(5))
        }
    }

    /// The number of round-trip brackets drawn.
    var roundTrips: Int { text.components(separatedBy: "data-round-trip=").count - 1 }

    /// The handshake (up to the last Finished) in order, and what followed, sorted: the order of
    /// close_notify against the last data depends on how the segments arrived, not on the protocol.
    var shape: (handshake: [String], after: [String]) {
        let names = messages.map(\.description)
        let end = messages.lastIndex(where: { $0.name == "Finished" }).map { $0 + 1 } ?? names.count
        return (Array(names[..<end]), names[end...].sorted())
    }
}

/// `xmllint --noout` on `path`: nil when well-formed, else what it said.
func xmlProblems(_ path: String) throws -> String? {
    guard let xmllint = Paths.which("xmllint") else { return "xmllint is not installed (Debian libxml2-utils)" }
    let result = try run(xmllint, ["--noout", path])
    return result.status == 0 ? nil : result.stderr
}

/// Renders `path` to PNG with `rsvg-convert` (Debian librsvg2-bin); returns the PNG's size in bytes.
func renderedSize(_ path: String, into png: String) throws -> Int {
    guard let converter = Paths.which("rsvg-convert") else { return -1 }
    let result = try run(converter, ["--format", "png", "--output", png, path])
    guard result.status == 0 else { return -2 }
    let data = try Data(contentsOf: URL(fileURLWithPath: png))
    guard data.starts(with: [0x89, 0x50, 0x4e, 0x47]) else { return -3 }
    return data.count
}
