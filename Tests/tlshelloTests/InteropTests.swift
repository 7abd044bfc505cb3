import Foundation
import Testing

/// The greeting exchange between `tlshello` and foreign TLS stacks, for every pinned version and
/// both roles: OpenSSL 3 (`s_server` / `s_client`) and the demo's Python 3 port (`interop/python`,
/// Python's `ssl` over OpenSSL 3). Loopback only; every child is a ``RunningProcess`` (stopped by PID
/// when released); every wait has a deadline. Each test uses its own kernel-chosen ports.
@Suite struct InteropTests {
    static let greeting = "Hola soy tu cliente"
    static let reply = "Hola soy tu servidor...."

    /// Everything a process printed, for failure messages.
    static func dump(_ name: String, _ process: RunningProcess) -> String {
        "\n--- \(name) stdout:\n\(process.stdout)\n--- \(name) stderr:\n\(process.stderr)"
    }

    static func dump(_ name: String, _ result: ProcessResult) -> String {
        "\n--- \(name) (status \(result.status)) stdout:\n\(result.stdout)\n--- \(name) stderr:\n\(result.stderr)"
    }

    // MARK: - OpenSSL

    /// tlshello client → `openssl s_server`: s_server prints what it receives and sends what it reads
    /// on stdin, so the reply is fed once the greeting has arrived, as in the demo. Its stdin stays
    /// open, so it never closes first: the client sends close_notify, s_server answers with its own,
    /// and `-naccept 1` lets it exit.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: VersionCase.all)
    func clientAgainstOpenSSLServer(_ version: VersionCase) throws {
        let server = try OpenSSLServer(version.opensslArguments)
        let client = try RunningProcess(Paths.tlshello, [
            "client", "127.0.0.1", "--port", String(server.port),
            "--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
        ])
        let received = server.process.waitForLine(containing: Self.greeting, timeout: 15)
        try #require(received != nil, "s_server never received the greeting\(Self.dump("s_server", server.process))\(Self.dump("client", client))")
        #expect(server.process.sendIfRunning(Self.reply + "\n"), "s_server exited before the reply could be fed")
        let result = client.wait(timeout: 15)
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(version.gnutlsName), "), "\(context)")
        #expect(result.stdout.contains("verified (chain and name 127.0.0.1)"), "\(context)")
        #expect(result.stdout.contains("3. reply received: \(Self.reply)"), "\(context)")
        #expect(result.stdout.line(containing: "4. disconnected")?.contains("close_notify sent and received") == true, "\(context)")
        #expect(served.stdout.contains(Self.greeting), "\(context)")
        #expect(served.status == 0, "s_server did not end by itself after the client's close_notify\(context)")
    }

    /// `openssl s_client` → tlshello server pinned to the same version, verifying chain and name.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: VersionCase.all)
    func serverAgainstOpenSSLClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name])
        let client = try RunningProcess(Peers.openssl!, [
            "s_client", "-brief", "-connect", "127.0.0.1:\(server.port)",
        ] + version.opensslArguments + [
            "-CAfile", Paths.demoCertificate, "-verify_return_error",
            "-verify_hostname", "localhost", "-servername", "localhost", "-ign_eof",
        ])
        let established = client.waitForLine(containing: "CONNECTION ESTABLISHED", timeout: 15)
        try #require(established != nil, "s_client did not connect\(Self.dump("s_client", client))\(Self.dump("server", server.process))")
        #expect(client.sendIfRunning(Self.greeting), "s_client exited before the greeting could be fed")
        client.closeInput()  // -ign_eof: s_client keeps reading until the server closes
        let result = client.wait(timeout: 15)
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + log

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(result.stderr.nonEmptyLines.contains("Protocol version: \(version.opensslName)"), "\(context)")
        #expect(result.stderr.nonEmptyLines.contains("Verification: OK"), "\(context)")
        #expect(result.stderr.nonEmptyLines.contains("Verified peername: localhost"), "\(context)")
        #expect(disconnected != nil, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.hasSuffix(", SNI localhost") == true, "\(context)")
        #expect(log.contains("3. message received: \(Self.greeting)\n"), "\(context)")
        #expect(log.contains("reply sent: \(Self.reply)"), "\(context)")
        #expect(log.count(linesContaining: "failed:") == 0, "\(context)")
    }

    // MARK: - The demo's Python 3 port

    /// tlshello client → demo_server.py, which answers and then closes with shutdown(SHUT_RDWR) and
    /// close(), never close_notify: the client must still succeed and say so in its step 4.
    @Test(.enabled(if: Peers.python != nil, "python3 is not on PATH"), arguments: VersionCase.all)
    func clientAgainstPythonDemoServer(_ version: VersionCase) throws {
        let server = try PythonDemoServer(["--tls-version", version.name])
        let result = try tlshello([
            "client", "127.0.0.1", "--port", String(server.port),
            "--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
        ], timeout: 15)
        let served = server.process.wait(timeout: 10)  // --once
        let context = Self.dump("client", result) + Self.dump("demo_server.py", served)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(version.gnutlsName), "), "\(context)")
        #expect(result.stdout.contains("verified (chain and name 127.0.0.1)"), "\(context)")
        #expect(result.stdout.contains("3. reply received: \(Self.reply)"), "\(context)")
        #expect(result.stdout.line(containing: "4. disconnected")?.contains("without close_notify") == true, "\(context)")
        #expect(served.status == 0, "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("3.Mensaje recibido desde el cliente:  \(Self.greeting)"), "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("4.Cliente desconectado...."), "\(context)")
    }

    /// demo_client.py (verifying against the committed certificate) → tlshello server.
    @Test(.enabled(if: Peers.python != nil, "python3 is not on PATH"), arguments: VersionCase.all)
    func serverAgainstPythonDemoClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name])
        let result = try run(Peers.python!, [
            Peers.demoClient, "--host", "127.0.0.1", "--port", String(server.port),
            "--cafile", Paths.demoCertificate, "--tls-version", version.name,
        ], timeout: 15)
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("demo_client.py", result) + "\n--- server log:\n" + log

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.nonEmptyLines == [
            "1.Me conecto al server....",
            "2.Envio el mensaje: \(Self.greeting)",
            "3.Recibo el mensaje: \(Self.reply)",
            "4.Me desconecto del server",
        ], "\(context)")
        #expect(disconnected != nil, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(log.contains("3. message received: \(Self.greeting)\n"), "\(context)")
        #expect(log.contains("reply sent: \(Self.reply)"), "\(context)")
        // The exchange completed: the server must not report it as failed.
        #expect(log.count(linesContaining: "failed:") == 0, "\(context)")
    }

    // MARK: - Version mismatches

    /// tlshello client pinned to TLS 1.2 → s_server accepting only TLS 1.3: exit 1, one stderr line.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
    func clientTLS12AgainstOpenSSLServerTLS13Fails() throws {
        let server = try OpenSSLServer([VersionCase.tls13.opensslFlag])
        let result = try tlshello([
            "client", "127.0.0.1", "--port", String(server.port),
            "--cafile", Paths.demoCertificate, "--tls-version", "tlsv1.2", "--timeout", "5",
        ], timeout: 15)
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 1, "\(context)")
        #expect(result.stderr.nonEmptyLines.count == 1, "\(context)")
        #expect(result.stderr.contains("no common TLS version"), "\(context)")
        #expect(!result.stdout.contains("1. connected"), "\(context)")
        #expect(!served.stdout.contains(Self.greeting), "\(context)")
    }

    /// demo_client.py pinned to TLS 1.2 → tlshello server pinned to TLS 1.3: the client fails (the
    /// server's protocol_version alert), the server logs one failure for that client and then
    /// serves the next one normally.
    @Test(.enabled(if: Peers.python != nil, "python3 is not on PATH"))
    func serverTLS13RefusesPythonClientTLS12ThenServesNext() throws {
        let server = try ServerUnderTest(["--tls-version", "tlsv1.3"])
        let arguments = [Peers.demoClient, "--host", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate]
        let refused = try run(Peers.python!, arguments + ["--tls-version", "tlsv1.2"], timeout: 15)
        let failure = server.process.waitForLine(containing: "failed:", timeout: 10)
        let normal = try run(Peers.python!, arguments + ["--tls-version", "tlsv1.3"], timeout: 15)
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("refused demo_client.py", refused) + Self.dump("normal demo_client.py", normal)
            + "\n--- server log:\n" + log

        #expect(refused.status == 1, "\(context)")
        #expect(refused.stdout.nonEmptyLines.first == "Error....", "\(context)")
        #expect(refused.stdout.contains("PROTOCOL_VERSION"), "the server should answer with a protocol_version alert\(context)")
        #expect(!refused.stdout.contains("1.Me conecto al server"), "\(context)")
        #expect(failure?.hasPrefix("[#1 ") == true, "\(context)")
        #expect(failure?.contains("no common TLS version") == true, "\(context)")
        let firstClientLines = log.nonEmptyLines.filter { $0.hasPrefix("[#1 ") }
        #expect(firstClientLines.filter { $0.contains("failed:") }.count == 1, "\(context)")
        #expect(!firstClientLines.contains { $0.contains("2. handshake done") }, "\(context)")

        #expect(normal.status == 0, "\(context)")
        #expect(normal.stdout.nonEmptyLines.contains("3.Recibo el mensaje: \(Self.reply)"), "\(context)")
        #expect(disconnected?.hasPrefix("[#2 ") == true, "\(context)")
        #expect(log.nonEmptyLines.contains { $0.hasPrefix("[#2 ") && $0.hasSuffix("3. message received: \(Self.greeting)") }, "\(context)")
        #expect(log.nonEmptyLines.contains { $0.hasPrefix("[#2 ") && $0.contains("2. handshake done: TLS1.3, ") }, "\(context)")
    }
}
