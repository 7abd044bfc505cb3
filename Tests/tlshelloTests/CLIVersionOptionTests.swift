import Foundation
import TestSupport
import Testing

/// The version options (`--tls-version`, `--min-version`, `--max-version`, `--priority`) as the
/// command line reads them: refused together where they contradict, before any socket opens, and
/// shown in the listening line.
@Suite struct CLIVersionOptionTests {
    @Test(arguments: [
        (["--tls-version", "tlsv1.2", "--min-version", "tlsv1.1"],
         "Error: --tls-version pins one version: use it alone, or --min-version/--max-version for a range\n"),
        (["--tls-version", "tlsv1.2", "--priority", "NORMAL"],
         "Error: a priority string sets the versions itself: drop --tls-version, --min-version and --max-version, or --priority\n"),
        (["--priority", "NORMAL", "--max-version", "tlsv1.2"],
         "Error: a priority string sets the versions itself: drop --tls-version, --min-version and --max-version, or --priority\n"),
    ])
    func contradictoryVersionOptionsAreUsageErrors(arguments: [String], message: String) throws {
        for command in [["client", "127.0.0.1", "--port", "1"], ["server", "--port", "0"], ["bench", "127.0.0.1", "--port", "1"]] {
            let result = try tlshello(command + arguments)
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("Usage: tlshello \(command[0])"), "\(command): \(result.stderr)")
        }
    }

    @Test(arguments: [
        (["--min-version", "tlsv1.3", "--max-version", "tlsv1.1"],
         "tlshello client: invalid version range: minimum tlsv1.3 is above maximum tlsv1.1\n"),
        (["--priority", " "], "tlshello client: invalid priority string ' ': the priority string is empty\n"),
    ])
    func contradictoryVersionOptionsAreRefusedInOneLine(arguments: [String], message: String) throws {
        let result = try tlshello(["client", "127.0.0.1", "--port", "1"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr == message)
    }

    @Test(arguments: [
        (["--max-version", "tlsv1.1"], "(TLS1.1 only,"),
        (["--min-version", "tlsv1.1"], "(TLS1.1–TLS1.3,"),
        (["--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"], "(priority NORMAL:-VERS-ALL:+VERS-TLS1.2,"),
    ])
    func theListeningLineSaysWhatTheOptionsEnable(arguments: [String], expected: String) throws {
        let server = try ServerUnderTest(arguments)
        let line = server.process.waitForLine(containing: "listening on")
        #expect(line?.contains(expected) == true, "\(line ?? "no listening line")")
    }

    @Test func openSSLCipherListsAreRefusedOnGnuTLSAsUsageErrors() throws {
        for option in ["--openssl-ciphers", "--openssl-ciphersuites"] {
            let result = try tlshello(["client", "127.0.0.1", "--port", "1", option, "ECDHE"])
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix("Error: \(option) is an OpenSSL setting; it applies with --backend openssl\n"))
            #expect(result.stderr.contains("Usage: tlshello client"))
        }
        let versions = try tlshello(["versions", "--openssl-ciphers", "ECDHE"])
        #expect(versions.status == 64)
        #expect(versions.stderr.hasPrefix("Error: --openssl-ciphers is an OpenSSL setting; it applies with --backend openssl\n"))
    }
}
