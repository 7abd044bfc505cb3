#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOSSL

/// Builds the server's `NIOSSLContext` from PEM files, with NIOSSL's defaults otherwise.
///
/// Session resumption needs nothing here: BoringSSL's server-side session cache
/// (`SSL_SESS_CACHE_SERVER`) and session tickets (TLS 1.2 tickets, TLS 1.3
/// NewSessionTicket) are on by default with self-rotating ticket keys, and NIOSSL does
/// not turn them off.
enum ServerTLSContext {
    /// An error that names the file that could not be loaded.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The context for `certificatePath` and `keyPath`; TLS 1.2 to 1.3, or exactly `pin`.
    static func make(certificatePath: String, keyPath: String, pin: TLSVersionPin?) throws -> NIOSSLContext {
        try requireReadable(certificatePath, label: "certificate")
        try requireReadable(keyPath, label: "private key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw LoadError(description: "cannot load certificate \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else {
            throw LoadError(description: "no certificate in \(certificatePath)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw LoadError(description: "cannot load private key \(keyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = pin?.version ?? .tlsv12
        configuration.maximumTLSVersion = pin?.version ?? .tlsv13
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(description: "cannot set up TLS with \(certificatePath) and \(keyPath): \(error)")
        }
    }

    /// NIOSSL's load errors do not say why; name the system's reason for a missing or
    /// unreadable file first.
    private static func requireReadable(_ path: String, label: String) throws {
        guard let file = fopen(path, "r") else {
            throw LoadError(description: "cannot read \(label) \(path): \(String(cString: strerror(errno)))")
        }
        fclose(file)
    }
}
