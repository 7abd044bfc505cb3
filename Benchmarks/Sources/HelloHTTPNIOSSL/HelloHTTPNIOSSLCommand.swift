import ArgumentParser
import HelloHTTPApplication
import NIOSSL

/// `hello-http-nio-ssl`: Examples/HelloHTTP's `hello-http` with swift-nio-ssl's
/// `NIOSSLServerHandler` (BoringSSL) in place of GnuTLS's, for the benchmarks: the same
/// application, options, output and signals.
@main
struct HelloHTTPNIOSSLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello-http-nio-ssl",
        abstract: "hello-http on swift-nio-ssl (BoringSSL), for benchmarks."
    )

    @OptionGroup var options: HelloServerOptions

    /// Parses the command line; a failure other than a help request prints one line on stderr
    /// and exits with status 2.
    static func main() {
        HelloServerCommandLine.main(Self.self)
    }

    func run() throws {
        let chain = try NIOSSLCertificate.fromPEMFile(options.cert)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: options.key, format: .pem))
        )
        configuration.applicationProtocols = HelloPipeline.applicationProtocols
        let context = try NIOSSLContext(configuration: configuration)
        try HelloServerCommandLine.serve(options) { _ in NIOSSLServerHandler(context: context) }
    }
}
