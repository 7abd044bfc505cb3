import Foundation
import Testing

/// README.md stays a page of a few screens, and every relative link in it and in docs/*.md leads
/// somewhere: to a file that exists and, for a `#fragment` into a Markdown file, to one of its headings.
@Suite struct DocumentationLinksTests {
    /// The most lines README.md may have; the rest of the documentation lives under docs/.
    static let readmeLineLimit = 200

    /// A link found in a Markdown file: the file, its line and the target as written.
    struct Link: CustomStringConvertible {
        let file: String
        let line: Int
        let target: String
        var description: String { "\(file):\(line): \(target)" }
    }

    /// README.md and every Markdown file in docs/, as paths relative to the repository's root.
    private func documents() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: Paths.root + "/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md"] + docs
    }

    /// The inline links and images (`[text](target)`, `![alt](target "title")`) outside fenced code blocks.
    private func links(in file: String) throws -> [Link] {
        let text = try String(contentsOfFile: Paths.root + "/" + file, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#)
        var found: [Link] = []
        var fenced = false
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
            if fenced { continue }
            let range = NSRange(line.startIndex..., in: line)
            for match in pattern.matches(in: line, range: range) {
                if let target = Range(match.range(at: 1), in: line) {
                    found.append(Link(file: file, line: index + 1, target: String(line[target])))
                }
            }
        }
        return found
    }

    /// The anchors a Markdown file's headings get: lower case, punctuation dropped, spaces to hyphens.
    private func anchors(of path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var result: Set<String> = []
        var fenced = false
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
            guard !fenced, line.hasPrefix("#") else { continue }
            let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            let slug = title.lowercased().unicodeScalars.compactMap { scalar -> Character? in
                if scalar == " " { return "-" }
                if CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" { return Character(scalar) }
                return nil
            }
            result.insert(String(slug))
        }
        return result
    }

    @Test func readmeFitsOnAFewScreens() throws {
        let readme = try String(contentsOfFile: Paths.root + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n").count
        #expect(lines <= Self.readmeLineLimit, "README.md has \(lines) lines; move detail to docs/ (at most \(Self.readmeLineLimit))")
    }

    @Test func everyRelativeLinkResolves() throws {
        var checked = 0
        for file in try documents() {
            let directory = (file as NSString).deletingLastPathComponent
            for link in try links(in: file) {
                let target = link.target
                if target.contains("://") || target.hasPrefix("mailto:") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let pathPart = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let fragment = parts.count > 1 ? String(parts[1]) : nil
                let resolved = pathPart.isEmpty
                    ? Paths.root + "/" + file
                    : ((Paths.root + "/" + directory + "/" + pathPart) as NSString).standardizingPath
                checked += 1
                #expect(FileManager.default.fileExists(atPath: resolved), "\(link) leads to no file")
                if let fragment, resolved.hasSuffix(".md"), FileManager.default.fileExists(atPath: resolved) {
                    #expect(try anchors(of: resolved).contains(fragment), "\(link) names no heading of \(pathPart.isEmpty ? file : pathPart)")
                }
            }
        }
        #expect(checked >= 20, "only \(checked) relative links found in README.md and docs/*.md")
    }

    @Test func everyPageUnderDocsIsLinked() throws {
        var linked: Set<String> = []
        for file in try documents() {
            let directory = (file as NSString).deletingLastPathComponent
            for link in try links(in: file) where !link.target.contains("://") {
                let pathPart = String(link.target.split(separator: "#", omittingEmptySubsequences: false)[0])
                guard !pathPart.isEmpty else { continue }
                linked.insert(((directory.isEmpty ? pathPart : directory + "/" + pathPart) as NSString).standardizingPath)
            }
        }
        for page in try documents() where page != "README.md" {
            #expect(linked.contains(page), "\(page) is linked from neither README.md nor another page under docs/")
        }
    }
}
