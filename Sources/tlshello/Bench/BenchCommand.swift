#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Dispatch
import GnuTLSBackend
import SecureSockets

/// `tlshello bench`: a load generator for TLS servers, this one's and others'.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load a TLS server: concurrent loops of connect, handshake and exchange, for a while.",
        discussion: """
        Each of --connections loops runs exchanges one after another for --duration \
        seconds, each on a fresh TCP connection with a full handshake (resumed with \
        --mode resume). --mode picks the exchange:
          hello      the greeting, the reply, close (tlshello, demo and echo servers)
          handshake  close_notify right after the handshake (servers that do not
                     speak the exchange)
          resume     hello, resuming the loop's previous session with its ticket
          bulk       stream --bytes through an echo server and back (checked),
                     then close
          idle       open --connections connections, hold them until --duration
                     ends, SIGINT or SIGTERM, or standard input (a pipe) closes;
                     prints a 'holding' line once open

        Reports exchanges/s, failures by stage, latency quantiles of whole exchanges \
        and this process's CPU per exchange. Certificates are not verified unless \
        --cafile is given. Runs of two seconds or more show their progress on \
        standard error: a line redrawn in place on a terminal, otherwise a plain \
        line every tenth of the run, rounded to whole seconds and at least a \
        second apart (every five seconds while idle mode opens its connections; \
        --no-progress: none).

        Examples:
          tlshello bench 127.0.0.1 --connections 16 --duration 5 --tls-version tlsv1.3
          tlshello bench 127.0.0.1 --port 9000 --mode bulk --bytes 16777216 --json
        """
    )

    @Argument(help: "The server's host name or IP address.")
    var host: String

    @Option(help: "The server's port.")
    var port: Int = 8801

    @Option(help: ArgumentHelp("Concurrent loops (connections held, with --mode idle).", valueName: "n"))
    var connections = 1

    @Option(help: ArgumentHelp("Seconds to run (to hold, with --mode idle).", valueName: "seconds"))
    var duration: Double = 5

    @OptionGroup var versions: VersionOptions
    @OptionGroup var backendOption: BackendOption

    @Option(help: "What each exchange does: hello, handshake, resume, bulk or idle.")
    var mode: BenchMode = .hello

    @Flag(help: "Resume sessions with tickets after each loop's first handshake (implied by --mode resume; with --mode handshake too).")
    var resume = false

    /// Bytes per bulk transfer unless `--bytes` says otherwise.
    static let defaultBulkBytes = 16 * 1024 * 1024

    @Option(help: ArgumentHelp("Bytes per transfer with --mode bulk. (default: 16777216)", valueName: "n"))
    var bytes: Int?

    @Option(help: "The greeting to send (hello and resume).")
    var message = "Hola soy tu cliente"

    @Option(name: .customLong("source"), help: ArgumentHelp(
        "A local address to connect from; repeat to spread loops over several (e.g. 127.0.0.2, 127.0.0.3: each has its own port range).",
        valueName: "addr"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Verify the server against this CA file (default: no verification).", valueName: "pem"))
    var cafile: String?

    @Option(name: .customLong("server-name"), help: ArgumentHelp("Host name (at most 255 bytes) or IP address to send as SNI and, with --cafile, to verify.", valueName: "name"))
    var serverName: String?

    @Option(name: .customLong("alpn"), help: ArgumentHelp(
        "Application protocols to offer through ALPN, most preferred first, comma-separated (e.g. h2,http/1.1) or repeated (\(ApplicationProtocolOption.limits)); the report names the one agreed.",
        valueName: "list"))
    var alpn: [String] = []

    @Option(help: ArgumentHelp("Seconds allowed for each connect, handshake, write and read.", valueName: "seconds"))
    var timeout: Double = 10

    @Option(help: ArgumentHelp("Threads opening connections with --mode idle.", valueName: "n"))
    var threads = 16

    @OptionGroup var clientCertificate: ClientCertificateOptions

    @Flag(help: "Print one JSON object with the figures instead of the report.")
    var json = false

    @Flag(name: .customLong("no-progress"), help: "Show no progress on standard error, even for long runs.")
    var noProgress = false

    func validate() throws {
        try backendOption.check(priority: versions.priority)
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard mode == .idle || connections <= 1024 else {
            throw ValidationError("--connections above 1024 is for --mode idle (one thread per loop otherwise)")
        }
        guard duration > 0 && duration <= 24 * 3600 && duration.isFinite else {
            throw ValidationError("--duration must be a positive number of seconds, at most 86400")
        }
        guard timeout > 0 && timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
        guard (bytes ?? 1) >= 1 else { throw ValidationError("--bytes must be at least 1") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        if resume && mode == .idle { throw ValidationError("--resume does not apply to --mode idle") }
        if resume && mode == .bulk { throw ValidationError("--resume does not apply to --mode bulk") }
        if mode != .bulk && bytes != nil { throw ValidationError("--bytes applies to --mode bulk only") }
        _ = try ApplicationProtocolOption.parse(alpn)
        for source in sources where !IPAddress.isLiteral(source) {
            throw ValidationError("--source '\(source)' is not an IP address")
        }
    }

    func run() throws {
        // Before any thread starts: a SIGINT or SIGTERM is never lost, it ends the run.
        SignalWaiter.block([SIGINT, SIGTERM])
        MallocTuning.keepFreedMemory()
        do {
            try bench()
        } catch let error as TLSError {
            if json { Console.json(ErrorReport(error, peer: TLSError.hostPort(host, port))) }
            Console.err("tlshello bench: \(error)\(ErrorAdvice.suffix(for: error))")
            throw ExitCode(exitStatus(for: error))
        }
    }

    private func bench() throws {
        // The name sent as SNI and checked against the certificate: refused before anything else.
        try ServerName.validate(serverName ?? host)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = try versions.policy()
        configuration.serverName = serverName
        configuration.handshakeTimeout = timeout
        configuration.readTimeout = timeout
        configuration.writeTimeout = timeout
        if let cafile {
            configuration.trustRoots = .file(cafile)
        } else {
            configuration.certificateVerification = .none
        }
        configuration.applicationProtocols = ApplicationProtocolOption.names(alpn)
        clientCertificate.apply(to: &configuration)
        let backend = try backendOption.resolve(priority: versions.priority)
        let context = try backend.makeContext(configuration: configuration)
        Console.warnDeprecated(context)
        for warning in context.warnings { Console.warn(warning) }
        try DescriptorLimit.raise(toAtLeast: connections * (mode == .idle ? 1 : 2) + 64)
        let plan = BenchPlan(host: host, port: port, mode: mode, connections: connections, duration: duration,
                             message: Array(message.utf8), bytes: bytes ?? Self.defaultBulkBytes, resume: resume, sources: sources, timeout: timeout,
                             applicationProtocols: configuration.applicationProtocols, backend: backend.name)
        let generator = LoadGenerator(plan: plan, context: context)
        let stopSignals = StopSignals { generator.stop() }
        if cafile == nil && !json {
            Console.err("tlshello bench: certificates are not verified (give --cafile to verify)")
        }

        let result: BenchResult
        if mode == .idle {
            let progress = BenchProgress(opening: connections, enabled: !noProgress)
            result = generator.hold(threads: threads, progress: { seconds, opened in
                progress.update(seconds: seconds, completed: opened)
            }, holding: { opened in
                progress.finish(seconds: opened.seconds, completed: opened.exchanges)
                if json {
                    Console.json(HoldingLine(connections: opened.exchanges, failed: opened.failureCount))
                } else {
                    Console.out("holding \(opened.exchanges) connections (\(opened.failureCount) failed to open)")
                }
            }, release: {
                stopSignals.wait(seconds: duration, orEndOfPipeInput: true)
            })
        } else {
            let progress = BenchProgress(duration: duration, what: "\(mode.rawValue), \(connections) connection\(connections == 1 ? "" : "s")",
                                         enabled: !noProgress)
            result = generator.run { seconds, completed in progress.update(seconds: seconds, completed: completed) }
            progress.finish(seconds: result.seconds, completed: result.exchanges)
        }
        if json {
            Console.json(result.summary)
        } else {
            for line in result.lines { Console.out(line) }
        }
        if result.exchanges == 0 {
            let reason = result.firstErrors.values.first ?? "nothing completed"
            Console.err("tlshello bench: no exchange completed: \(reason)")
            throw ExitCode(1)
        }
    }

    /// The line printed once idle connections are open.
    private struct HoldingLine: Encodable {
        let event = "holding"
        let connections: Int
        let failed: Int
    }
}
