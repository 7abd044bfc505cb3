#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import GnuTLSBackend
import SecureSockets

/// `tlshello server`: the demo's server, answering each client's greeting.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Serve the greeting exchange over TLS until SIGINT or SIGTERM.",
        discussion: """
        For each client: handshake, read its message (up to 1024 bytes), print it, reply, \
        close_notify, close (with --echo: send back every byte until the client closes). Clients \
        are served concurrently; one that fails costs one log line. Session tickets let clients \
        resume (tlshello client --resume) until --ticket-lifetime passes. A certificate whose key \
        or signature is under 112-bit security (RSA under 2048 bits, SHA-1) is served with a \
        warning at start-up.

        Several identities: repeat --cert and --key (the n-th key belongs to the n-th \
        certificate). The server name a client asks for (SNI) picks the pairs whose certificate \
        carries it (exact names, then *. wildcards; all pairs when none does), and among them \
        the client gets one it can verify: ECDSA if it accepts ECDSA signatures, else RSA; \
        between pairs of one key type the first given wins, the very first being the default. \
        SIGHUP reloads every pair; if one fails, all the previous ones stay.

        --alpn accepts application protocols (ALPN, RFC 7301), the server's order deciding. A \
        client that offers none of them is served without ALPN, or refused with the \
        no_application_protocol alert under --alpn-strict.

        --ocsp-response staples an OCSP response (DER, e.g. from 'openssl ocsp -respout') for \
        clients that ask; --ticket-key-file shares the session ticket key with other server \
        processes (write one with 'tlshello ticket-key FILE'), so a client resumes on any of \
        them. SIGHUP re-reads both, with the certificate and key.

        --client-auth request or require asks each client for a certificate issued by a CA in \
        --client-cafile and meant for TLS clients (extended key usage clientAuth, or none); the \
        verified certificate is in the handshake line and in --json. A client that sends none \
        is served under request and refused under require; one whose certificate fails is \
        refused with the alert that says why (unknown_ca, certificate_expired, \
        unsupported_certificate).

        Once bound, the server prints 'listening on ADDR:PORT' (the real port with --port 0).

        Example: tlshello server --port 0 --tls-version tlsv1.2
        """
    )

    @Option(help: ArgumentHelp("Address to listen on (0.0.0.0 or :: for every interface).", valueName: "addr"))
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 8801

    @Option(help: ArgumentHelp(
        "PEM certificate chain, leaf first; repeat for several identities, the first being the default. (default: certs/diegoUcamCert.pem, else the installed copy in /usr/share/tlshello/certs)",
        valueName: "pem"))
    var cert: [String] = []

    @Option(help: ArgumentHelp(
        "PEM private key (PKCS#1, PKCS#8 or encrypted PKCS#8) of the --cert in the same position; repeat with --cert. (default: certs/diegoUcamKey.pem, else the installed copy in /usr/share/tlshello/certs)",
        valueName: "pem"))
    var key: [String] = []

    @Option(help: ArgumentHelp(
        "Passphrase of the encrypted keys (or set TLSHELLO_KEY_PASSPHRASE); once for every key, or once per --key in order.",
        valueName: "passphrase"))
    var passphrase: [String] = []

    @OptionGroup var versions: VersionOptions
    @OptionGroup var backendOption: BackendOption

    /// The demo's reply.
    static let defaultReply = "Hola soy tu servidor...."

    @Option(help: "The reply to each client's message. (default: Hola soy tu servidor....)")
    var reply: String?

    @Option(name: .customLong("handshake-timeout"), help: ArgumentHelp("Seconds a client has to finish the handshake.", valueName: "seconds"))
    var handshakeTimeout: Double = 10

    @Option(name: .customLong("message-timeout"), help: ArgumentHelp("Seconds a client has to send its message after the handshake.", valueName: "seconds"))
    var messageTimeout: Double = 10

    @Option(name: .customLong("max-connections"), help: ArgumentHelp(
        "Most connections open at once; more are closed at once with a log line.", valueName: "n"))
    var maximumConnections = 10_000

    @Option(help: ArgumentHelp("Seconds in-flight exchanges get to finish after SIGINT/SIGTERM.", valueName: "seconds"))
    var grace: Double = 5

    @Flag(help: "Echo every byte back until the client closes, instead of the greeting exchange (for bulk benchmarks).")
    var echo = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Issue session tickets, so clients can resume without a full handshake (TLS 1.2 and 1.3)."))
    var sessionTickets = true

    @Option(name: .customLong("ticket-lifetime"), help: ArgumentHelp(
        "Seconds a session ticket stays valid; the ticket key also rotates at this period (the previous period's tickets still resume). (default: 3600)",
        valueName: "seconds"))
    var ticketLifetime: Double?

    @Option(name: .customLong("alpn"), help: ArgumentHelp(
        "Application protocols to accept through ALPN, most preferred first, comma-separated (e.g. h2,http/1.1) or repeated; \(ApplicationProtocolOption.limits).",
        valueName: "list"))
    var alpn: [String] = []

    @Flag(name: .customLong("alpn-strict"), help: ArgumentHelp(
        "Refuse a client that offers protocols, none of them in --alpn, with the no_application_protocol alert (RFC 7301); without it such a client is served without ALPN."))
    var alpnStrict = false

    @Option(name: .customLong("ocsp-response"), help: ArgumentHelp(
        "OCSP response (DER) to staple for the certificate when a client asks (status_request); re-read on SIGHUP.",
        valueName: "der"))
    var ocspResponse: String?

    @Option(name: .customLong("ticket-key-file"), help: ArgumentHelp(
        "Session ticket key shared with other server processes (mode 0600; see 'tlshello ticket-key'); re-read on SIGHUP. Default: a random key of this process.",
        valueName: "file"))
    var ticketKeyFile: String?
    @Option(name: .customLong("client-auth"), help: ArgumentHelp(
        "Ask clients for a certificate: none, request (a client may send none; one sent must verify) or require.",
        valueName: "mode"))
    var clientAuth: TLSConfiguration.ClientAuthentication = .none

    @Option(name: .customLong("client-cafile"), help: ArgumentHelp(
        "PEM file of the CAs that issue client certificates, for --client-auth request or require (reloaded on SIGHUP).",
        valueName: "pem"))
    var clientCAFile: String?

    @OptionGroup var traceOptions: TraceOptions
    @OptionGroup var diagramOptions: DiagramOptions
    @OptionGroup var illustrateOption: IllustrateOption

    @Flag(help: "Print no line per connection, only the server's own lines and failures.")
    var quiet = false

    @Flag(help: "Print one JSON object per event (listening, exchange, failure) instead of the numbered steps.")
    var json = false

    func validate() throws {
        try illustrateOption.check(backendOption)
        try backendOption.check(priority: versions.priority)
        try ServerIdentities.checkCounts(certificates: cert, keys: key, passphrases: passphrase)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maximumConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        for (name, value) in [("--handshake-timeout", handshakeTimeout), ("--message-timeout", messageTimeout), ("--grace", grace)] {
            guard value > 0 && value.isFinite else { throw ValidationError("\(name) must be a positive number of seconds") }
        }
        guard (ticketLifetime ?? 3600) >= 1 && (ticketLifetime ?? 3600) <= 604_800 else {
            throw ValidationError("--ticket-lifetime must be between 1 and 604800 seconds (7 days)")
        }
        if !sessionTickets && ticketLifetime != nil {
            throw ValidationError("--ticket-lifetime has no effect with --no-session-tickets: drop one")
        }
        if echo && reply != nil {
            throw ValidationError("--reply has no effect with --echo: drop one")
        }
        _ = try ApplicationProtocolOption.parse(alpn)
        if alpnStrict && alpn.isEmpty { throw ValidationError("--alpn-strict needs --alpn (the protocols to require)") }
        if !sessionTickets && ticketKeyFile != nil {
            throw ValidationError("--ticket-key-file has no effect with --no-session-tickets: drop one")
        }
        if clientAuth != .none && clientCAFile == nil {
            throw ValidationError("--client-auth \(clientAuth.rawValue) needs --client-cafile (the CAs that issue client certificates)")
        }
        if clientAuth == .none && clientCAFile != nil {
            throw ValidationError("--client-cafile has no effect without --client-auth request or require")
        }
        if echo && diagramOptions.drawing {
            throw ValidationError("--diagram draws the greeting exchange, not --echo's stream of records: drop one")
        }
    }

    func run() throws {
        // Before any thread starts (SwiftNIO's event loops inherit the mask): no signal is lost
        // between start-up and the signal thread.
        SignalWaiter.block([SIGINT, SIGTERM, SIGHUP])
        MallocTuning.keepFreedMemory()
        var log = ServerLog(json: json, quiet: quiet)
        log.applicationProtocols = ApplicationProtocolOption.names(alpn)
        log.requiresApplicationProtocol = alpnStrict
        log.clientAuthentication = clientAuth
        let server: GreetingServer
        do {
            let identities = try ServerIdentities.pairs(certificates: cert, keys: key, passphrases: passphrase,
                                                        environment: environmentPassphrase())
            let policy = try versions.policy()
            var configuration = TLSConfiguration.makeServerConfiguration(identities: identities)
            configuration.versions = policy
            configuration.handshakeTimeout = handshakeTimeout
            configuration.sessionTickets = sessionTickets
            if let ticketLifetime { configuration.ticketLifetime = ticketLifetime }
            configuration.applicationProtocols = ApplicationProtocolOption.names(alpn)
            configuration.requiresApplicationProtocol = alpnStrict
            try OutputPathCheck.check(try? diagramOptions.fileName, option: "--diagram", server: true)  // name checked by validate()
            try OutputPathCheck.check(illustrateOption.fileName, option: "--illustrate", server: true)
            configuration.keyLog = try traceOptions.openKeyLog()
            configuration.ocspResponse = ocspResponse.map { .file($0) }
            configuration.ticketKey = try ticketKeyFile.map { path throws(TLSError) in try TLSTicketKey.load(path: path) }
            configuration.clientAuthentication = clientAuth
            configuration.clientTrustRoots = clientCAFile.map { .file($0) }
            let backend = try backendOption.resolve(priority: versions.priority)
            let context = try backend.makeContext(configuration: configuration)
            Console.warnDeprecated(context)
            for warning in context.warnings { Console.warn(warning) }
            let several = identities.count > 1
            log.showsLocalCertificate = several
            for (index, report) in ServerIdentities.reports(context).enumerated() {
                let prefix = several ? "identity \(index + 1)\(index == 0 ? " (default)" : ""): " : ""
                let details = several ? ", \(report.publicKey), names \(report.names.joined(separator: " "))" : ""
                log.notice("\(prefix)certificate read: \(report.certificate) (\(report.subject)\(details), valid until \(String(report.notAfter.prefix(10)))), key read: \(report.key)",
                           event: "certificate", fields: ["certificate": report.certificate, "key": report.key, "subject": report.subject,
                                                          "publicKey": report.publicKey, "names": report.names.joined(separator: ","),
                                                          "identity": String(index + 1)])
            }
            if let ocspResponse, let status = context.ocspStatus {
                log.notice("OCSP response read: \(ocspResponse) (\(status.summary))", event: "ocsp",
                           fields: ["file": ocspResponse, "status": status.certificateStatus.rawValue])
            }
            if let ticketKeyFile {
                log.notice("session ticket key read: \(ticketKeyFile)", event: "ticket-key", fields: ["file": ticketKeyFile])
            }
            var settings = GreetingServer.Settings(reply: reply ?? Self.defaultReply, messageTimeout: messageTimeout,
                                                   maximumConnections: maximumConnections, grace: grace, trace: traceOptions,
                                                   echo: echo, diagram: try? diagramOptions.fileName)  // checked by validate()
            settings.illustrate = illustrateOption.fileName
            if let pages = settings.illustrate { IllustrationWriter.announce(pages, server: true) }
            server = try GreetingServer(host: host, port: port, context: context, settings: settings, log: log)
            let fixed = configuration
            let (ticketKeyPath, ocspPath, reloadLog) = (ticketKeyFile, ocspResponse, log)
            server.handleSignals { () throws(TLSError) in
                var fresh = fixed
                // Rotation: the shared ticket key is read again, like the certificate and the OCSP response.
                if let ticketKeyPath { fresh.ticketKey = try TLSTicketKey.load(path: ticketKeyPath) }
                let context = try backend.makeContext(configuration: fresh)
                if let ocspPath, let status = context.ocspStatus {
                    reloadLog.notice("SIGHUP: OCSP response re-read: \(ocspPath) (\(status.summary))",
                               event: "ocsp", fields: ["file": ocspPath, "status": status.certificateStatus.rawValue])
                }
                if let ticketKeyPath {
                    reloadLog.notice("SIGHUP: session ticket key re-read: \(ticketKeyPath)", event: "ticket-key", fields: ["file": ticketKeyPath])
                }
                return context
            }
            let alpnText = configuration.applicationProtocols.isEmpty ? ""
                : ", ALPN \(ApplicationProtocolList.text(configuration.applicationProtocols))" + (alpnStrict ? " (strict)" : "")
            let identitiesText = several
                ? ", \(identities.count) identities: " + context.localCertificates.map(ServerIdentities.shortText).joined(separator: ", ")
                : ""
            let tickets = sessionTickets ? (ticketKeyFile == nil ? ", session tickets" : ", session tickets (shared key)") : ", no session tickets"
            let stapling = ocspResponse == nil ? "" : ", OCSP stapling"
            let features = (echo ? ", echo" : "") + tickets + alpnText + stapling
                + ClientCertificateText.listening(clientAuth, caFile: clientCAFile) + identitiesText
            var fields = ["address": server.localAddress.host, "port": String(server.localAddress.port),
                          "versions": versions.summary(of: policy)]
            if !configuration.applicationProtocols.isEmpty {
                fields["alpn"] = configuration.applicationProtocols.joined(separator: ",")
                fields["alpnStrict"] = String(alpnStrict)
            }
            if clientAuth != .none {
                fields["clientAuth"] = clientAuth.rawValue
                fields["clientCAFile"] = clientCAFile
            }
            log.notice("listening on \(server.localAddress) (\(versions.summary(of: policy)), \(backend.name)\(features))", event: "listening",
                       fields: fields, identities: ServerIdentities.reports(context))
        } catch {
            if json { Console.json(ErrorReport(error)) }
            Console.err("tlshello server: \(error)\(ErrorAdvice.suffix(for: error))")
            throw ExitCode(exitStatus(for: error))
        }
        server.waitUntilStopped()
        log.notice("stopped", event: "stopped")
    }

    private func environmentPassphrase() -> String? {
        guard let value = getenv("TLSHELLO_KEY_PASSPHRASE") else { return nil }
        return String(cString: value)
    }
}
