import Foundation
import Testing

/// Every `public` declaration of the library modules has a doc comment (`///`) right above it,
/// attributes and `#if` lines aside: the public surface is what a user reads.
@Suite struct PublicDocumentationTests {
    static let modules = ["SecureSockets", "GnuTLSBackend", "OpenSSLBackend", "SecureSocketsNIO", "SecureSocketsBackends"]

    /// The public declarations of `source` with no doc comment above them, as `line: text`.
    static func undocumented(_ source: String) -> [String] {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var found: [String] = []
        for (index, line) in lines.enumerated() where isPublicDeclaration(line) {
            var above = index - 1
            while above >= 0, lines[above].hasPrefix("@") || lines[above].hasPrefix("#") { above -= 1 }
            if above < 0 || !lines[above].hasPrefix("///") { found.append("\(index + 1): \(line)") }
        }
        return found
    }

    /// A line that declares something public: optional attributes, then `public ` (not `public import`).
    static func isPublicDeclaration(_ line: String) -> Bool {
        var rest = Substring(line)
        while rest.hasPrefix("@"), let space = rest.firstIndex(of: " ") { rest = rest[rest.index(after: space)...] }
        return rest.hasPrefix("public ") && !rest.hasPrefix("public import ")
    }

    @Test func theCheckFindsAnUndocumentedDeclaration() {
        #expect(Self.undocumented("/// Documented.\npublic struct A {}\n\n@inlinable public func b() {}\n") == ["4: @inlinable public func b() {}"])
        #expect(Self.undocumented("/// Documented.\n@discardableResult\npublic func c() -> Int { 1 }\npublic import Foo\n").isEmpty)
    }

    @Test(arguments: modules)
    func everyPublicDeclarationIsDocumented(module: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("Sources/\(module)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let missing = Self.undocumented(source)
            #expect(missing.isEmpty, "Sources/\(module)/\(file) lacks doc comments at \(missing.joined(separator: "; "))")
        }
    }
}
