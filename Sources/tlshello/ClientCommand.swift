import ArgumentParser
import GnuTLSBackend
import GreetingFraming
import SecureSockets

/// `tlshello client`: the demo's client, verifying the server by default.
struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Connect, send the greeting, print the reply.",
        discussion: """
        The server's certificate is verified against --cafile (or the system store) and HOST \
        (or --server-name), and must be meant for a TLS server (extended key usage serverAuth). \
        At the secure default, keys and signatures under 112-bit security (RSA under 2048 bits, \
        SHA-1) are refused; a pinned --tls-version accepts such a key with a warning. \
        --insecure accepts any certificate, as the demo's CERT_NONE did.

        --cert and --key give a certificate (RSA, ECDSA or Ed25519; the key may be encrypted, \
        see --passphrase) that the client presents when the server asks for one (mutual TLS). \
        A server that refuses it, or requires one when none is given, is named with its alert.

        --alpn offers application protocols (ALPN, RFC 7301); the one the server agrees on is \
        printed after the handshake. A server that agrees on none is no error unless --alpn-strict \
        is given.

        --pin accepts the server only if a certificate of its verified chain (with --insecure: \
        the leaf) has the given public key pin (RFC 7469, sha256/BASE64); --json shows each \
        certificate's pin. The client always asks for a stapled OCSP status and prints it; a \
        revoked one fails verification, and --require-ocsp also fails without a good one.

        Example: tlshello client 127.0.0.1 --cafile certs/diegoUcamCert.pem
        """
    )

    @Argument(help: "The server's host name or IP address.")
    var host: String

    @Option(help: "The server's port.")
    var port: Int = 8801

    @Option(help: ArgumentHelp("PEM file of the CA (or self-signed certificate) to trust instead of the system store.", valueName: "pem"))
    var cafile: String?

    @Flag(help: "Do not verify the server's certificate (the demo's CERT_NONE). Prints a warning.")
    var insecure = false

    @Option(name: .customLong("server-name"), help: ArgumentHelp(
        "Host name (at most 255 bytes) or IP address to send as SNI and to check the certificate against (default: HOST).",
        valueName: "name"))
    var serverName: String?

    @OptionGroup var versions: VersionOptions
    @OptionGroup var backendOption: BackendOption

    @Option(help: "The greeting to send.")
    var message = "Hola soy tu cliente"

    @Option(help: ArgumentHelp("Seconds allowed for connecting plus the handshake, for sending, and for the reply.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(help: "Run the exchange twice: the second connection resumes the first's session with its ticket (fails if the server does not resume).")
    var resume = false

    @Option(name: .customLong("alpn"), help: ArgumentHelp(
        "Application protocols to offer through ALPN, most preferred first, comma-separated (e.g. h2,http/1.1) or repeated; \(ApplicationProtocolOption.limits).",
        valueName: "list"))
    var alpn: [String] = []

    @Flag(name: .customLong("alpn-strict"), help: ArgumentHelp(
        "Fail, with the no_application_protocol alert, unless the server agrees to one of the --alpn protocols."))
    var alpnStrict = false

    @Option(name: .customLong("pin"), help: ArgumentHelp(
        "Accept the server only if its verified chain has this public key pin (RFC 7469 sha256/BASE64); repeat for backup pins.",
        valueName: "sha256/base64"))
    var pins: [String] = []

    @Flag(name: .customLong("require-ocsp"), help: ArgumentHelp(
        "Fail, with the bad_certificate_status_response alert, unless the server staples a verified OCSP response saying good."))
    var requireOCSP = false
    @OptionGroup var clientCertificate: ClientCertificateOptions

    @OptionGroup var traceOptions: TraceOptions
    @OptionGroup var diagramOptions: DiagramOptions
    @OptionGroup var illustrateOption: IllustrateOption

    @Flag(help: "Print one JSON object for the exchange instead of the numbered steps.")
    var json = false

    func validate() throws {
        try illustrateOption.check(backendOption)
        try backendOption.check(priority: versions.priority)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard timeout > 0 && timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
        if insecure && cafile != nil { throw ValidationError("--insecure and --cafile contradict each other: pick one") }
        _ = try ApplicationProtocolOption.parse(alpn)
        if alpnStrict && alpn.isEmpty { throw ValidationError("--alpn-strict needs --alpn (the protocols to require)") }
        _ = try PinOption.parse(pins)
        if requireOCSP && insecure {
            throw ValidationError("--require-ocsp needs verification: with --insecure the OCSP response is not checked")
        }
    }

    func run() throws {
        let trace = TraceCollector(options: traceOptions, json: json, prefix: "", keeping: diagramOptions.drawing)
        do {
            try exchange(trace: trace)
        } catch {
            let diagram = drawFailure(error, trace: trace)
            if json {
                var report = ErrorReport(error, peer: TLSError.hostPort(host, port), trace: trace.events)
                report.diagram = diagram
                Console.json(report)
            }
            Console.err("tlshello client: \(error)\(ErrorAdvice.suffix(for: error))\(hint(for: error))")
            throw ExitCode(exitStatus(for: error))
        }
    }

    /// How to get past a refusal that only the secure default makes, or nothing.
    private func hint(for error: TLSError) -> String {
        guard case let .verificationFailed(details) = error,
              details.problems.contains(where: { if case .weakKey = $0 { true } else { false } }) else { return "" }
        return " (a pinned --tls-version accepts it, with a warning)"
    }

    private func exchange(trace: TraceCollector) throws(TLSError) {
        // The name sent as SNI and checked against the certificate: refused before anything else.
        try ServerName.validate(serverName ?? host)
        let policy = try versions.policy()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = policy
        configuration.serverName = serverName
        configuration.handshakeTimeout = timeout
        configuration.readTimeout = timeout
        configuration.writeTimeout = timeout
        if let cafile { configuration.trustRoots = .file(cafile) }
        if insecure {
            configuration.certificateVerification = .none
            Console.warn("--insecure: the server's certificate is NOT verified; anyone in the path can read and change this exchange")
        }
        configuration.applicationProtocols = ApplicationProtocolOption.names(alpn)
        configuration.requiresApplicationProtocol = alpnStrict
        configuration.publicKeyPins = pins.compactMap { try? PublicKeyPin($0) }  // checked by validate()
        configuration.requiresOCSPStatus = requireOCSP
        try OutputPathCheck.check(try? diagramOptions.fileName, option: "--diagram", server: false)  // name checked by validate()
        try OutputPathCheck.check(illustrateOption.fileName, option: "--illustrate", server: false)
        configuration.keyLog = try traceOptions.openKeyLog()
        clientCertificate.apply(to: &configuration)
        let context = try backendOption.resolve(priority: versions.priority).makeContext(configuration: configuration)
        Console.warnDeprecated(context)
        for warning in context.warnings { Console.warn(warning) }
        if let page = illustrateOption.fileName { IllustrationWriter.announce(page, server: false) }

        var ticket: TLSResumptionTicket?
        for attempt in 1...(resume ? 2 : 1) {
            if attempt == 2 {
                guard let offered = ticket else {
                    throw .notResumed(reason: "the server sent no session ticket (tickets off, or a server that issues none)")
                }
                if !json { Console.out("5. reconnecting with the session ticket (\(offered.bytes.count) bytes)") }
            }
            let info = try illustratedExchange(attempt: attempt) { recorder throws(TLSError) in
                try exchangeOnce(context: context, trace: trace, resuming: ticket, ticket: &ticket, recorder: recorder)
            }
            if attempt == 2 && !info.resumed {
                throw .notResumed(reason: "the server ignored the ticket and ran a full handshake (ticket expired, key rotated, or resumption off)")
            }
        }
    }

    /// One connection: handshake (resuming `offered` if given), greeting, reply, close. Leaves the
    /// session's ticket in `ticket`.
    private func exchangeOnce(context: any TLSContext, trace: TraceCollector, resuming offered: TLSResumptionTicket?,
                              ticket: inout TLSResumptionTicket?, recorder: ((any TLSSession) -> Void)? = nil) throws(TLSError) -> SessionInfo {
        trace.restart()
        // The same steps as TLSSocket.connect, with this end's address noted once connected (a
        // diagram of a handshake that fails shows it too) and the recording attached before the handshake.
        if context.configuration.serverName == nil { try ServerName.validate(host) }
        let transport = try TCPSocket.connect(host: host, port: port, timeout: context.configuration.handshakeTimeout)
        let localAddress = LocalAddress.of(descriptor: transport.descriptor)
        trace.localAddress = localAddress
        let socket = try TLSSocket(transport: transport, context: context, peerName: host, resuming: offered)
        if let handler = trace.handler { socket.session.traceHandler = handler }
        recorder?(socket.session)
        try socket.handshake()
        defer { socket.close() }
        guard let info = socket.info else { throw .invalidState("handshake finished without a report") }
        for warning in info.warnings { Console.warn("accepted a weak server certificate: \(warning)") }
        if !json {
            let resumed = info.resumed ? " (resumed from the ticket: no certificate sent, nothing signed; the certificate below is the first handshake's)" : ""
            Console.out("1. connected to \(socket.peer): \(info.protocolName), \(info.cipherSuite)\(resumed)")
            if let certificate = info.peerCertificates.first {
                Console.out("   server certificate: \(certificate.subject), valid until \(certificate.notAfter.utcDay), SHA-256 \(certificate.sha256Fingerprint)")
            }
            Console.out("   \(info.verification)")
            if let ocsp = info.ocspStatus {
                Console.out("   OCSP status stapled: \(ocsp.summary)" + (ocsp.verified ? "" : ", not verified"))
            }
            if let step = ClientCertificateText.clientStep(info, presenting: clientCertificate.cert) { Console.out("   " + step) }
            let offered = context.configuration.applicationProtocols
            if !offered.isEmpty {
                Console.out("   " + ApplicationProtocolOption.step(role: .client, listed: offered, agreed: info.applicationProtocol))
            }
        }
        try socket.write(message)
        if !json { Console.out("2. message sent: \(message)") }
        let reply = try socket.readMessage(limit: 1024)
        if reply.isEmpty { throw .noReply }
        let replyText = String(decoding: reply, as: UTF8.self)
        if !json { Console.out("3. reply received: \(Console.printable(replyText))") }
        socket.close(waitingForPeer: 1)
        ticket = socket.resumptionTicket
        let closeNote: String
        if socket.peerClosedWithoutCloseNotify {
            closeNote = "the server closed without close_notify, as the demo's Python server does"
        } else if socket.peerClosed {
            closeNote = "close_notify sent and received"
        } else {
            closeNote = "close_notify sent; the server kept the connection open"
        }
        let diagram = draw(trace: trace, info: info, client: localAddress,
                           server: socket.peer.description, failure: nil)
        if json {
            let configuration = context.configuration
            let alpn = configuration.applicationProtocols.isEmpty ? nil : ApplicationProtocolReport(
                protocols: configuration.applicationProtocols, strict: configuration.requiresApplicationProtocol,
                agreed: info.applicationProtocol)
            Console.json(ExchangeReport(role: "client", peer: socket.peer.description, negotiated: info,
                                        sent: message, received: replyText, closing: closeNote, trace: trace.events,
                                        alpn: alpn, diagram: diagram))
        } else {
            Console.out("4. disconnected from the server (\(closeNote))")
            if let diagram { Console.out("   diagram written to \(diagram)") }
        }
        return info
    }
}
