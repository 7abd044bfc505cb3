import ArgumentParser
import NIOCore
import NIOPosix
import NIOSSL

/// `nio-ssl-server`: a SwiftNIO + NIOSSL (BoringSSL) TLS server used as a reference point
/// by the benchmarks. Prints one `listening on HOST:PORT` line once bound, nothing per
/// connection, and exits with status 0 on SIGINT or SIGTERM.
@main
struct NIOSSLServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nio-ssl-server",
        abstract: "A SwiftNIO + NIOSSL TLS server: the greeting exchange or an echo, for benchmarks."
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0 picks a free one).")
    var port = 8801

    @Option(help: "The certificate chain, PEM.")
    var cert: String

    @Option(help: "The private key, PEM.")
    var key: String

    @Option(name: .customLong("tls-version"), help: "Pin one protocol version (tlsv1.2 or tlsv1.3); default TLS 1.2 to 1.3.")
    var tlsVersion: TLSVersionPin?

    @Option(help: "hello: answer the client's greeting and close; echo: send back every byte until the client closes.")
    var mode: ServerMode = .hello

    @Option(help: "Event loop threads; the number of cores unless given.")
    var threads: Int = System.coreCount

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Parses the command line; any failure other than a help request prints one line
    /// on stderr and exits with status 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error where exitCode(for: error) == .success {
            exit(withError: error)
        } catch {
            Console.error("nio-ssl-server: error: \(message(for: error))")
            Console.exit(2)
        }
    }

    func run() throws {
        // Blocked before any other thread starts, so that the event loop threads inherit
        // the mask and only the main thread's sigwait sees the signals.
        let signals = TerminationSignals()
        let sslContext = try ServerTLSContext.make(certificatePath: cert, keyPath: key, pin: tlsVersion)
        let server = TLSServer(sslContext: sslContext, mode: mode, threads: threads)
        let address = try server.start(host: host, port: port)
        Console.output("listening on \(address)")
        signals.wait()
        server.stop()
    }
}
