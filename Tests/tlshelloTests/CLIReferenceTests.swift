import Foundation
import Testing

/// docs/cli.md, the command-line reference generated from the binary's help (`make cli-reference`):
/// it names every option of every command, and it is what a fresh generation writes.
@Suite struct CLIReferenceTests {
    /// The part of swift-argument-parser's `--experimental-dump-help` JSON that is read here.
    private struct ToolInfo: Decodable {
        let command: Command
    }

    private struct Command: Decodable {
        let commandName: String
        let shouldDisplay: Bool?
        let subcommands: [Command]?
        let arguments: [Argument]?
    }

    private struct Argument: Decodable {
        let kind: String
        let shouldDisplay: Bool
        let names: [Name]?
        let valueName: String?
    }

    private struct Name: Decodable {
        let kind: String
        let name: String

        var spelling: String {
            switch kind {
            case "short": return "-" + name
            case "longWithSingleDash": return "-" + name
            default: return "--" + name
            }
        }
    }

    private static var reference: String { Paths.root + "/docs/cli.md" }

    /// Each visible command's path (`tlshello server`) and the spellings of its visible options
    /// and flags, as the binary describes them.
    private func commandsAndFlags() throws -> [(path: String, flags: [String])] {
        let dump = try tlshello(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.stderr)")
        let info = try JSONDecoder().decode(ToolInfo.self, from: Data(dump.stdout.utf8))
        var result: [(String, [String])] = []
        func walk(_ command: Command, _ parent: String?) {
            let path = parent.map { $0 + " " + command.commandName } ?? command.commandName
            let flags = (command.arguments ?? []).filter { $0.shouldDisplay && $0.kind != "positional" }
                .flatMap { ($0.names ?? []).map(\.spelling) }
            result.append((path, flags))
            for child in command.subcommands ?? [] where child.commandName != "help" && child.shouldDisplay != false {
                walk(child, path)
            }
        }
        walk(info.command, nil)
        return result
    }

    /// The text of `## PATH`'s section in the reference.
    private func section(_ path: String, in text: String) -> String? {
        let heading = "\n## \(path)\n"
        guard let start = text.range(of: heading) else { return nil }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func everyFlagOfEveryCommandIsInTheReference() throws {
        let text = try String(contentsOfFile: Self.reference, encoding: .utf8)
        let commands = try commandsAndFlags()
        #expect(commands.map(\.path).contains("tlshello server"))
        #expect(commands.map(\.path).contains("tlshello client"))
        #expect(commands.first { $0.path == "tlshello client" }?.flags.contains("--trace") == true)
        for (path, flags) in commands {
            let body = try #require(section(path, in: text), "docs/cli.md has no section for \(path): run make cli-reference")
            for flag in flags {
                // As the help lists it: "  --flag", "  -h, --help" or "  --flag/--no-flag", at the start of a line.
                let listed = body.split(separator: "\n").contains { line in
                    let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "/" })
                    return words.first.map { $0.hasPrefix("-") } == true && words.contains { $0 == flag }
                }
                #expect(listed, "docs/cli.md does not list \(flag) under \(path): run make cli-reference")
            }
        }
    }

    @Test func theReferenceIsAFreshGeneration() throws {
        let python = try #require(Paths.which("python3"), "python3 is a test dependency (scripts/ensure-packages.sh test)")
        let result = try run(python, [Paths.root + "/scripts/cli-reference.py", "--tlshello", Paths.tlshello,
                                      "--check", Self.reference], timeout: 120)
        #expect(result.status == 0, "docs/cli.md differs from the binary's help; run make cli-reference:\n\(result.stdout)\(result.stderr)")
    }
}
