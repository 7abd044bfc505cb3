import ArgumentParser
import GnuTLSBackend
#if OpenSSL
import OpenSSLBackend
#endif
import SecureSockets
import SecureSocketsBackends

/// `--backend`: the TLS library that runs the connections, with that library's own options. The
/// one place the commands get a ``TLSBackend`` from.
struct BackendOption: ParsableArguments {
    /// The libraries a build may carry.
    enum Name: String, ExpressibleByArgument, CaseIterable {
        case gnutls
        case openssl
    }

    @Option(help: "The TLS library: gnutls (the default) or openssl (in a build with the OpenSSL trait: swift build --traits OpenSSL).")
    var backend: Name = .gnutls

    @Option(name: .customLong("openssl-ciphers"), help: ArgumentHelp(
        "The OpenSSL backend's cipher list for TLS 1.2 and older, in OpenSSL's syntax, e.g. 'ECDHE+AESGCM'.",
        valueName: "list"))
    var openSSLCiphers: String?

    @Option(name: .customLong("openssl-ciphersuites"), help: ArgumentHelp(
        "The OpenSSL backend's TLS 1.3 cipher suites, colon-separated, e.g. 'TLS_AES_128_GCM_SHA256'.",
        valueName: "list"))
    var openSSLCipherSuites: String?

    /// Refuses the OpenSSL cipher lists on the GnuTLS backend, as a usage error (exit status 64).
    func validate() throws {
        if backend == .gnutls, let option = openSSLOnlyOption {
            throw ValidationError(Self.openSSLOnly(option))
        }
    }

    /// Refuses `--priority` on the OpenSSL backend, as a usage error: a command with both
    /// option groups calls it from its `validate()`. A build without OpenSSL leaves the refusal of
    /// the backend itself to ``resolve(priority:)``.
    func check(priority: String?) throws {
        #if OpenSSL
        if backend == .openssl && priority != nil { throw ValidationError(Self.priorityOnOpenSSL) }
        #endif
    }

    private var openSSLOnlyOption: String? {
        openSSLCiphers.map({ _ in "--openssl-ciphers" }) ?? openSSLCipherSuites.map({ _ in "--openssl-ciphersuites" })
    }

    /// The refusal of an OpenSSL list on GnuTLS, in words that hold for every command (`versions`
    /// has no `--priority` to offer instead).
    private static func openSSLOnly(_ option: String) -> String {
        "\(option) is an OpenSSL setting; it applies with --backend openssl"
    }

    private static let priorityOnOpenSSL = "--priority: a priority string is a GnuTLS setting; on the OpenSSL backend use --openssl-ciphers (TLS 1.2 and older) and --openssl-ciphersuites (TLS 1.3) with the version options"

    /// The backend chosen, with its options: `priority` (`--priority`) for GnuTLS, the cipher
    /// lists for OpenSSL. Each command asks before it opens a socket, so a build without OpenSSL
    /// refuses `openssl`, and each backend the other's options, in one line, like any other bad input.
    func resolve(priority: String? = nil) throws(TLSError) -> any TLSBackend {
        switch backend {
        case .gnutls:
            if let option = openSSLOnlyOption { throw .conflictingOptions(Self.openSSLOnly(option)) }
            return TLSBackends.gnuTLS(options: GnuTLSOptions(priority: priority))
        case .openssl:
            #if OpenSSL
            if priority != nil {
                throw .conflictingOptions(Self.priorityOnOpenSSL)
            }
            return TLSBackends.openSSL(options: OpenSSLOptions(cipherList: openSSLCiphers, cipherSuites: openSSLCipherSuites))
            #else
            throw .invalidConfiguration("--backend openssl: this tlshello was built without the OpenSSL backend (build it with swift build --traits OpenSSL)")
            #endif
        }
    }
}
