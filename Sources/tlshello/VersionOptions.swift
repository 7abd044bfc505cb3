import ArgumentParser
import SecureSockets

/// The version options shared by `server` and `client`.
struct VersionOptions: ParsableArguments {
    @Option(name: .customLong("tls-version"), help: ArgumentHelp(
        "Pin one TLS version: tlsv1.0, tlsv1.1, tlsv1.2 or tlsv1.3.", valueName: "version"))
    var pin: String?

    @Option(name: .customLong("min-version"), help: ArgumentHelp(
        "Lowest TLS version of a range (the range ends at tlsv1.3 unless --max-version is given).", valueName: "version"))
    var minimum: String?

    @Option(name: .customLong("max-version"), help: ArgumentHelp(
        "Highest TLS version of a range.", valueName: "version"))
    var maximum: String?

    @Option(help: ArgumentHelp(
        "A raw GnuTLS priority string (experts), e.g. 'NORMAL:-VERS-ALL:+VERS-TLS1.2'. Excludes the version options.",
        valueName: "string"))
    var priority: String?

    /// The policy these options describe, validated before any socket opens.
    func policy() throws(TLSError) -> TLSVersionPolicy {
        try TLSVersionPolicy.from(pin: pin, minimum: minimum, maximum: maximum, priority: priority)
    }
}
