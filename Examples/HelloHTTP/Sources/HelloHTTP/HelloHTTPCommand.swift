import ArgumentParser
import HelloHTTPApplication
import SecureSockets
import SecureSocketsBackends
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

    @OptionGroup var options: HelloServerOptions

    /// Parses the command line; a failure other than a help request prints one line on stderr
    /// and exits with status 2.
    static func main() {
        HelloServerCommandLine.main(Self.self)
    }

    func run() throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .file(options.cert), privateKey: .file(options.key))
        configuration.applicationProtocols = HelloPipeline.applicationProtocols
        let context = try TLSBackends.default.makeContext(configuration: configuration)
        try HelloServerCommandLine.serve(options) { _ in try TLSServerHandler(context: context) }
    }
}
