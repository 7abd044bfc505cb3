import ArgumentParser
import GnuTLSBackend
import HelloHTTPApplication
import NIOCore
import SecureSockets
import SecureSocketsNIO

/// `hello-http`: answers `GET /` over HTTPS, HTTP/2 or HTTP/1.1 as ALPN chooses, with GnuTLS's
/// TLS. Prints `listening on HOST:PORT` once bound; SIGINT or SIGTERM stops it with status 0.
@main
struct HelloHTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello-http",
        abstract: "An HTTPS server (HTTP/2 and HTTP/1.1 by ALPN) whose TLS is GnuTLS.",
        discussion: """
            GET / answers 200 with the body "\(HelloPipeline.greeting)"; other paths 404. \
            Prints 'listening on HOST:PORT' once bound (the real port when --port 0). \
            SIGINT or SIGTERM lets the requests in flight finish, then exits with status 0.
            """
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
            Console.error("hello-http: error: \(message(for: error))")
            exit(withError: ExitCode(2))
        }
    }

    func run() throws {
        let signals = TerminationSignals()
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: .file(cert), privateKey: .file(key))
        configuration.applicationProtocols = HelloPipeline.applicationProtocols
        let context = try GnuTLS().makeContext(configuration: configuration)
        let server: HelloServer
        do {
            server = try HelloServer(host: host, port: port, threads: threads) { _ in
                try TLSServerHandler(context: context)
            }
        } catch {
            throw StartupError(description: "cannot listen on \(host):\(port): \(error)")
        }
        Console.output("listening on \(server.localAddressText)")
        _ = signals.wait()
        server.shutdown()
    }
}

/// The listening socket could not be set up.
struct StartupError: Error, CustomStringConvertible {
    let description: String
}
