import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import SecureSockets

/// `--trace`, `--explain` and `--keylog`, shared by `server` and `client`.
struct TraceOptions: ParsableArguments {
    @Flag(help: "Print each TLS message as it is sent (→) or received (←), with the facts that matter in it.")
    var trace = false

    @Flag(help: "With the trace, one sentence on what each message is for (implies --trace).")
    var explain = false

    @Option(name: .customLong("keylog"), help: ArgumentHelp(
        "Append the session secrets (NSS key log format) to this file, so Wireshark can decrypt a capture. "
            + "Default: $SSLKEYLOGFILE when set. Created with mode 0600; an existing file must be a key log.",
        valueName: "file"))
    var keyLogPath: String?

    /// True when messages are traced.
    var tracing: Bool { trace || explain }

    /// Opens the key log named by `--keylog` or `SSLKEYLOGFILE`, warning that it decrypts traffic.
    func openKeyLog() throws(TLSError) -> KeyLogFile? {
        var path = keyLogPath
        if path == nil, let value = getenv("SSLKEYLOGFILE"), value.pointee != 0 { path = String(cString: value) }
        guard let path else { return nil }
        let file = try KeyLogFile(path: path)
        Console.warn("writing TLS session secrets to \(path): anyone with this file can decrypt the captured traffic")
        return file
    }

    /// The lines to print for one event: the trace line, then the explanation if asked for.
    func lines(for event: TLSTraceEvent) -> [String] {
        explain ? [event.line, String(repeating: " ", count: 21) + event.explanation] : [event.line]
    }
}
