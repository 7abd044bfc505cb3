#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SecureSockets

/// Line-oriented output shared by the commands: human lines on stdout, warnings and errors on
/// stderr, JSON objects one per line. Each line is written with one `write` call, so lines from
/// concurrent connections never interleave.
enum Console {
    /// Writes one line to standard output.
    static func out(_ line: String) { write(line + "\n", to: STDOUT_FILENO) }

    /// Writes one line to standard error.
    static func err(_ line: String) { write(line + "\n", to: STDERR_FILENO) }

    /// Writes `text` as it is (no newline added) to `descriptor`, in one `write` call: for a
    /// progress line redrawn in place on a terminal.
    static func raw(_ text: String, to descriptor: Int32) { write(text, to: descriptor) }

    /// Writes `tlshello COMMAND: warning: …` to standard error, as the command's errors start.
    static func warn(_ text: String) { err("\(prefix): warning: \(text)") }

    /// `tlshello` and the subcommand running (e.g. `tlshello server`), which starts every line
    /// written to standard error; just `tlshello` before a subcommand is known.
    static let prefix: String = {
        let arguments = CommandLine.arguments
        let names = TLSHello.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        guard arguments.count > 1, names.contains(arguments[1]) else { return "tlshello" }
        return "tlshello \(arguments[1])"
    }()

    /// Writes `value` as one line of compact JSON to standard output.
    static func json(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return }
        out(String(decoding: data, as: UTF8.self))
    }

    /// `text` with control characters (newlines, escape sequences) shown as `\u{…}`, so what a
    /// peer sent can never forge a log line or drive the terminal.
    static func printable(_ text: String) -> String {
        ControlCharacters.escaped(text)
    }

    /// The one-line warning for deprecated versions, if `context` enables any (whether a version
    /// option or a raw priority string enabled them).
    static func warnDeprecated(_ context: any TLSContext) {
        let old = context.enabledVersions.filter(\.isDeprecated).sorted()
        guard !old.isEmpty else { return }
        let names = old.map(\.displayName).joined(separator: " and ")
        warn("\(names) \(old.count == 1 ? "is" : "are") deprecated (RFC 8996) and enabled only because you asked")
    }

    /// The passphrase of an encrypted key from `TLSHELLO_KEY_PASSPHRASE`, when set.
    static func environmentPassphrase() -> String? {
        guard let value = getenv("TLSHELLO_KEY_PASSPHRASE") else { return nil }
        return String(cString: value)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            offset += count
        }
    }
}
