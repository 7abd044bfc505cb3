import ArgumentParser

/// `--illustrate FILE.html`, shared by `server` and `client`.
struct IllustrateOption: ParsableArguments {
    @Option(name: .customLong("illustrate"), help: ArgumentHelp(
        "Write the exchange as an annotated HTML page: every record's bytes, each handshake message field by field, "
            + "the key schedule worked out from the session's secrets, and the records decrypted. The page holds the "
            + "secrets (mode 0600). A client writes the name as given (with --resume the second connection's page gets -2 "
            + "before the extension); a server writes one page per connection: {n} in the name is the connection's number, "
            + "otherwise -N goes before the extension. GnuTLS backend only.",
        valueName: "file.html"))
    var illustratePath: String?

    /// The file name rule, checked at parse time; nil without the option.
    var fileName: ConnectionFileName? {
        illustratePath.flatMap { try? ConnectionFileName($0, option: "--illustrate") }
    }

    func validate() throws {
        if let illustratePath { _ = try ConnectionFileName(illustratePath, option: "--illustrate") }
    }

    /// Refuses `--illustrate` with a backend other than GnuTLS (whose handshake hook and key log give the page its bytes).
    func check(_ backend: BackendOption) throws {
        if illustratePath != nil && backend.backend != .gnutls {
            throw ValidationError("--illustrate needs the GnuTLS backend (it reads GnuTLS's handshake hook and key log); drop --backend \(backend.backend.rawValue)")
        }
    }
}
