import ArgumentParser
import HelloHTTPApplication
import NIOCore
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

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0 picks a free one).")
    var port = 8443

    @Option(help: ArgumentHelp("The certificate chain, PEM, leaf first.", valueName: "pem"))
    var cert: String

    @Option(help: ArgumentHelp("The private key of the certificate, PEM.", valueName: "pem"))
    var key: String

    @Option(help: "Event loop threads (the default is the number of cores).")
    var threads = System.coreCount

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Parses the command line; a failure other than a help request prints one line on stderr
    /// and exits with status 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error where exitCode(for: error) == .success {
            exit(withError: error)
        } catch {
            Console.error("hello-http-nio-ssl: error: \(message(for: error))")
            exit(withError: ExitCode(2))
        }
    }

    func run() throws {
        let signals = TerminationSignals()
        let chain = try NIOSSLCertificate.fromPEMFile(cert)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        configuration.applicationProtocols = HelloPipeline.applicationProtocols
        let context = try NIOSSLContext(configuration: configuration)
        let server = try HelloServer(host: host, port: port, threads: threads) { _ in
            NIOSSLServerHandler(context: context)
        }
        Console.output("listening on \(server.localAddressText)")
        _ = signals.wait()
        server.shutdown()
    }
}
