import ArgumentParser
import NIOCore

/// The options every build of the HelloHTTP server takes, whatever its TLS library.
public struct HelloServerOptions: ParsableArguments {
    @Option(help: "The address to listen on.")
    public var host = "127.0.0.1"

    @Option(help: "The TCP port (0 picks a free one).")
    public var port = 8443

    @Option(help: ArgumentHelp("The certificate chain, PEM, leaf first.", valueName: "pem"))
    public var cert: String

    @Option(help: ArgumentHelp("The private key of the certificate, PEM.", valueName: "pem"))
    public var key: String

    @Option(help: "Event loop threads (the default is the number of cores).")
    public var threads = System.coreCount

    /// Creates the options at their defaults (ArgumentParser fills them from the command line).
    public init() {}

    /// Refuses a port outside 0...65535 and fewer than one thread.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }
}

/// What a HelloHTTP server build does around its TLS set-up: parse, bind, say where it listens,
/// wait for SIGINT or SIGTERM, shut down.
public enum HelloServerCommandLine {
    /// Parses the command line of `command` and runs it; a failure other than a help request
    /// prints one line on stderr (`NAME: error: …`) and exits with status 2.
    public static func main<Command: ParsableCommand>(_ command: Command.Type) -> Never {
        do {
            var parsed = try command.parseAsRoot()
            try parsed.run()
            command.exit()
        } catch let error where command.exitCode(for: error) == .success {
            command.exit(withError: error)
        } catch {
            Console.error("\(command.configuration.commandName ?? "hello-http"): error: \(command.message(for: error))")
            command.exit(withError: ExitCode(2))
        }
    }

    /// Binds the server of `options` with the TLS handlers `makeTLSHandler` makes, prints
    /// `listening on HOST:PORT`, and serves until SIGINT or SIGTERM.
    public static func serve(_ options: HelloServerOptions, makeTLSHandler: @escaping HelloServer.TLSHandlerFactory) throws {
        let signals = TerminationSignals()
        let server: HelloServer
        do {
            server = try HelloServer(host: options.host, port: options.port, threads: options.threads,
                                     makeTLSHandler: makeTLSHandler)
        } catch {
            throw StartupError(description: "cannot listen on \(options.host):\(options.port): \(error)")
        }
        Console.output("listening on \(server.localAddressText)")
        _ = signals.wait()
        server.shutdown()
    }
}

/// The listening socket could not be set up.
public struct StartupError: Error, CustomStringConvertible {
    /// What failed, in one sentence.
    public let description: String
}
