import GnuTLSBackend
#if OpenSSL
import OpenSSLBackend
#endif
import SecureSockets

/// Where front ends get a ``/SecureSockets/TLSBackend``: the default one, one by name (a command-line option,
/// a setting), or one with its library's own options. The OpenSSL backend is here only in a
/// build with the package trait `OpenSSL`.
///
/// ```swift
/// import SecureSocketsBackends
///
/// let context = try TLSBackends.default.makeContext(configuration: configuration)
/// let backend = try TLSBackends.named("openssl")   // TLSError in a build without OpenSSL
/// ```
public enum TLSBackends {
    /// The name of the default backend: `gnutls`.
    public static let defaultName = "gnutls"

    /// The names of the backends this build carries, the default first: `gnutls`, then
    /// `openssl` with the `OpenSSL` trait.
    public static var names: [String] {
        #if OpenSSL
        return [defaultName, "openssl"]
        #else
        return [defaultName]
        #endif
    }

    /// The default backend: GnuTLS with its default options.
    public static var `default`: any TLSBackend { gnuTLS() }

    /// The backend called `name` (one of ``names``, in any case) with its default options.
    ///
    /// - Throws: ``/SecureSockets/TLSError/invalidConfiguration(_:)`` for a name that is not a backend, or a
    ///   backend this build does not carry.
    public static func named(_ name: String) throws(TLSError) -> any TLSBackend {
        switch name.lowercased() {
        case "gnutls":
            return gnuTLS()
        case "openssl":
            #if OpenSSL
            return openSSL()
            #else
            throw .invalidConfiguration("the OpenSSL backend is not part of this build (it needs the package trait OpenSSL)")
            #endif
        default:
            throw .invalidConfiguration("'\(name)' is not a TLS backend (this build has \(names.joined(separator: ", ")))")
        }
    }

    /// The GnuTLS backend with `options` (e.g. a raw priority string).
    public static func gnuTLS(options: GnuTLSOptions = GnuTLSOptions()) -> any TLSBackend {
        GnuTLS(options: options)
    }

    #if OpenSSL
    /// The OpenSSL backend with `options` (e.g. cipher lists).
    public static func openSSL(options: OpenSSLOptions = OpenSSLOptions()) -> any TLSBackend {
        OpenSSL(options: options)
    }
    #endif
}
