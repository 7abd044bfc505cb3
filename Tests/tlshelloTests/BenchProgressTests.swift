import Foundation
import Testing

/// `tlshello bench`'s progress on standard error: redrawn in place on a terminal (a pseudo-terminal
/// from `script`), plain lines otherwise, nothing for short runs or with --no-progress, and standard
/// output (the JSON) untouched in every case. Checked by the lines' form, never by their timing.
@Suite struct BenchProgressTests {
    /// Redraws a line in place: carriage return, erase to the end of the line.
    private static let redraw = "\r\u{1B}[K"

    /// Runs `tlshello bench` against `server` with standard error on a pseudo-terminal and standard
    /// output in a file; returns what the terminal showed, the exit status and the standard output.
    private func benchOnTerminal(_ server: ServerUnderTest, _ extra: [String]) throws -> (terminal: String, status: Int32, stdout: String) {
        let script = try #require(Paths.which("script"), "script (util-linux) is needed for a pseudo-terminal")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("stdout").path
        let words = [Paths.tlshello, "bench", "127.0.0.1", "--port", String(server.port), "--connections", "2", "--json"] + extra
        let command = words.map { "'" + $0 + "'" }.joined(separator: " ") + " > '\(output)'"
        // -e: the command's exit status; -f: flushed as written; the typescript itself is discarded.
        let result = try run(script, ["-qfec", command, "/dev/null"], timeout: 60)
        let stdout = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (result.stdout, result.status, stdout)
    }

    private func parsesAsTheReport(_ stdout: String) -> Bool {
        let lines = stdout.split(separator: "\n")
        guard lines.count == 1, let object = try? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any] else {
            return false
        }
        return (object["exchanges"] as? Int ?? 0) > 0
    }

    @Test func onATerminalTheLineIsRedrawnInPlaceAndEndsWithANewline() throws {
        let server = try ServerUnderTest(["--quiet"])
        let (terminal, status, stdout) = try benchOnTerminal(server, ["--duration", "2.5"])
        #expect(status == 0, "\(terminal)")
        #expect(parsesAsTheReport(stdout), "\(stdout)")
        #expect(!stdout.contains("bench: "))
        // At least one update while running (the run lasts 2.5 s; one comes each second) and the final one.
        let draws = terminal.components(separatedBy: Self.redraw).dropFirst()
        #expect(draws.count >= 2, "\(terminal.debugDescription)")
        #expect(draws.allSatisfy { $0.hasPrefix("bench: ") }, "\(terminal.debugDescription)")
        // Every update but the last stays on the line; the last one says done and ends it.
        #expect(draws.dropLast().allSatisfy { !$0.contains("\n") }, "\(terminal.debugDescription)")
        let last = try #require(draws.last)
        #expect(last.contains(" exchanges ("), "\(last.debugDescription)")
        #expect(last.hasSuffix(", done\r\n") || last.hasSuffix(", done\n"), "\(last.debugDescription)")
        #expect(terminal.hasPrefix(Self.redraw), "nothing before the progress: \(terminal.debugDescription)")
    }

    @Test func withoutATerminalProgressIsPlainLinesOnStandardError() throws {
        let server = try ServerUnderTest(["--quiet"])
        let result = try tlshello(["bench", "127.0.0.1", "--port", String(server.port), "--connections", "2",
                                   "--duration", "2.5", "--json"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(parsesAsTheReport(result.stdout), "\(result.stdout)")
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"), "\(result.stderr.debugDescription)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        let progress = lines.filter { $0.hasPrefix("bench: ") }
        // A 2.5 s run: a line at 1 s and at 2 s (at most one more if the last wait ends late).
        #expect((1...3).contains(progress.count), "\(result.stderr)")
        #expect(progress.allSatisfy { $0.contains(" s of 2.5, ") && $0.hasSuffix(", hello, 2 connections") }, "\(result.stderr)")
        #expect(result.stderr.hasSuffix("\n"))
        // What --help promises of it.
        let help = try tlshello(["bench", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("otherwise a plain line every tenth of the run, rounded to whole seconds and at least a second apart"), "\(help)")
    }

    @Test(arguments: [["--duration", "1"], ["--duration", "2.5", "--no-progress"]])
    func shortRunsAndNoProgressShowNothing(extra: [String]) throws {
        let server = try ServerUnderTest(["--quiet"])
        let (terminal, status, stdout) = try benchOnTerminal(server, extra)
        #expect(status == 0, "\(terminal)")
        #expect(parsesAsTheReport(stdout), "\(stdout)")
        #expect(!terminal.contains("\r") && !terminal.contains("bench: "), "\(terminal.debugDescription)")
    }
}
