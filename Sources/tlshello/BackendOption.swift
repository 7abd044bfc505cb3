import ArgumentParser
import GnuTLSBackend
#if OpenSSL
import OpenSSLBackend
#endif
import SecureSockets

/// `--backend`: the TLS library that runs the connections. The one place the commands get a
/// ``TLSBackend`` from.
struct BackendOption: ParsableArguments {
    /// The libraries a build may carry.
    enum Name: String, ExpressibleByArgument, CaseIterable {
        case gnutls
        case openssl
    }

    @Option(help: "The TLS library: gnutls (the default) or openssl (in a build with the OpenSSL trait: swift build --traits OpenSSL).")
    var backend: Name = .gnutls

    /// True when this build carries the OpenSSL backend.
    static var hasOpenSSL: Bool {
        #if OpenSSL
        return true
        #else
        return false
        #endif
    }

    /// The backend chosen. Each command asks before it opens a socket, so a build without
    /// OpenSSL refuses `openssl` in one line, like any other bad input.
    func resolve() throws(TLSError) -> any TLSBackend {
        switch backend {
        case .gnutls:
            return GnuTLS()
        case .openssl:
            #if OpenSSL
            return OpenSSL()
            #else
            throw .invalidConfiguration("--backend openssl: this tlshello was built without the OpenSSL backend (build it with swift build --traits OpenSSL)")
            #endif
        }
    }
}
