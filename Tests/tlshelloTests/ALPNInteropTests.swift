import Foundation
import Testing

/// ALPN between `tlshello` and foreign stacks, TLS 1.2 and 1.3, both roles: OpenSSL 3
/// (`s_server -alpn`, `s_client -alpn`) and GnuTLS's own tools (`gnutls-serv --alpn`,
/// `gnutls-cli --alpn`). Each side must report the same protocol; a strict server's refusal must
/// reach the foreign client as the no_application_protocol alert (120), and a foreign server's
/// refusal must reach `tlshello client` the same way. Loopback only (gnutls-serv in a network
/// namespace of its own); every child is a ``RunningProcess`` stopped by PID; every wait has a deadline.
@Suite struct ALPNInteropTests {
    static let greeting = InteropTests.greeting
    static let reply = InteropTests.reply
    static let versions = [VersionCase.tls12, .tls13]
    static let gnutlsCLI: String? = Paths.which("gnutls-cli")

    static func gnutlsPriority(_ version: VersionCase) -> String {
        "NORMAL:-VERS-ALL:+VERS-TLS" + version.gnutlsName.dropFirst(3)
    }

    static func dump(_ name: String, _ process: RunningProcess) -> String { InteropTests.dump(name, process) }
    static func dump(_ name: String, _ result: ProcessResult) -> String { InteropTests.dump(name, result) }

    // MARK: - tlshello client

    /// s_server picks by its own order (h2) from the client's `http/1.1,h2`.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func clientAgreesWithOpenSSLServer(_ version: VersionCase) throws {
        let server = try OpenSSLServer(version.opensslArguments + ["-alpn", "h2,http/1.1"])
        let client = try RunningProcess(Paths.tlshello, [
            "client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
            "--tls-version", version.name, "--timeout", "5", "--alpn", "http/1.1,h2",
        ])
        let received = server.process.waitForLine(containing: Self.greeting, timeout: 15)
        try #require(received != nil, "s_server never received the greeting\(Self.dump("s_server", server.process))\(Self.dump("client", client))")
        #expect(server.process.sendIfRunning(Self.reply + "\n"), "s_server exited before the reply could be fed")
        let result = client.wait(timeout: 15)
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(version.gnutlsName), "), "\(context)")
        #expect(result.stdout.nonEmptyLines.contains("   ALPN: offered http/1.1, h2; agreed on h2"), "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("ALPN protocols advertised by the client: http/1.1, h2"), "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("ALPN protocols selected: h2"), "\(context)")
    }

    /// gnutls-serv (no server precedence) takes the client's first choice it shares.
    @Test(.enabled(if: GnuTLSServer.isAvailable, "gnutls-serv cannot run in a network namespace here"), arguments: versions)
    func clientAgreesWithGnuTLSServer(_ version: VersionCase) throws {
        let server = try GnuTLSServer(["--priority", Self.gnutlsPriority(version), "--alpn", "h2", "--alpn", "http/1.1"])
        // gnutls-serv --echo returns each line: the greeting goes as one.
        let result = try server.client(["--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
                                        "--alpn", "http/1.1,h2", "--message", Self.greeting + "\n"])
        let reported = server.process.waitForLine(containing: "- Application protocol:", timeout: 10)
        let context = Self.dump("client", result) + Self.dump("gnutls-serv", server.process)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(GnuTLSServer.port): \(version.gnutlsName), "), "\(context)")
        #expect(result.stdout.nonEmptyLines.contains("   ALPN: offered http/1.1, h2; agreed on http/1.1"), "\(context)")
        #expect(result.stdout.contains("3. reply received: \(Self.greeting)"), "\(context)")
        #expect(reported == "- Application protocol: http/1.1", "\(context)")
    }

    /// gnutls-serv --alpn-fatal refuses a client that offers none of its protocols: tlshello
    /// client names the alert and what it offered.
    @Test(.enabled(if: GnuTLSServer.isAvailable, "gnutls-serv cannot run in a network namespace here"), arguments: versions)
    func clientHearsGnuTLSServersRefusal(_ version: VersionCase) throws {
        let server = try GnuTLSServer(["--priority", Self.gnutlsPriority(version), "--alpn", "h2", "--alpn-fatal"])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
                                        "--alpn", "spdy/3,http/1.0", "--message", Self.greeting + "\n"])
        let context = Self.dump("client", result) + Self.dump("gnutls-serv", server.process)

        #expect(result.status == 1, "\(context)")
        #expect(result.stderr == "tlshello client: no common application protocol (ALPN): this side offered spdy/3, http/1.0; "
            + "the server accepts none of them and refused the handshake with the no_application_protocol alert "
            + "[GNUTLS_E_FATAL_ALERT_RECEIVED]\n", "\(context)")
        #expect(!result.stdout.contains("2. message sent"), "\(context)")
    }

    /// A strict tlshello client refuses s_server, which answers without ALPN, with the alert.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func strictClientRefusesOpenSSLServerWithoutALPN(_ version: VersionCase) throws {
        let server = try OpenSSLServer(version.opensslArguments)
        let result = try tlshello(["client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
                                   "--tls-version", version.name, "--timeout", "5", "--alpn", "h2", "--alpn-strict"])
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 1, "\(context)")
        #expect(result.stderr == "tlshello client: no common application protocol (ALPN): this side offered h2 and requires one; "
            + "the server agreed to none (it answered without ALPN)\n", "\(context)")
        #expect((served.stdout + served.stderr).contains("SSL alert number 120"), "\(context)")
    }

    // MARK: - tlshello server

    /// s_client offers `http/1.1,h2`; the server's own order (h2 first) decides.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func serverAgreesWithOpenSSLClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name, "--alpn", "h2,http/1.1"])
        let client = try openSSLClient(port: server.port, version: version, alpn: "http/1.1,h2")
        let reported = client.waitForLine(containing: "ALPN", timeout: 15)
        #expect(client.sendIfRunning(Self.greeting), "s_client exited before the greeting could be fed")
        client.closeInput()  // -ign_eof: s_client keeps reading until the server closes
        let result = client.wait(timeout: 15)
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + log

        #expect(result.status == 0, "\(context)")
        #expect(reported == "ALPN protocol: h2", "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(disconnected != nil, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.hasSuffix(", SNI localhost, ALPN h2") == true, "\(context)")
    }

    /// Without --alpn-strict, a client offering none of the server's protocols is served without ALPN.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func lenientServerServesOpenSSLClientWithoutALPN(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name, "--alpn", "h2,http/1.1"])
        let client = try openSSLClient(port: server.port, version: version, alpn: "spdy/3")
        let reported = client.waitForLine(containing: "ALPN", timeout: 15)
        #expect(client.sendIfRunning(Self.greeting), "s_client exited before the greeting could be fed")
        client.closeInput()
        let result = client.wait(timeout: 15)
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + log

        #expect(result.status == 0, "\(context)")
        #expect(reported == "No ALPN negotiated", "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(disconnected != nil, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.hasSuffix(", SNI localhost, no ALPN protocol agreed") == true, "\(context)")
    }

    /// --alpn-strict: s_client offering none of the server's protocols gets alert 120 (RFC 7301 §3.2).
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func strictServerRefusesOpenSSLClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name, "--alpn", "h2,http/1.1", "--alpn-strict"])
        let client = try openSSLClient(port: server.port, version: version, alpn: "spdy/3")
        let result = client.wait(timeout: 15)
        let failed = server.process.waitForLine(containing: "failed:", timeout: 10)
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr

        #expect(result.status != 0, "\(context)")
        #expect(result.stderr.contains("alert no application protocol"), "\(context)")
        #expect(result.stderr.contains("SSL alert number 120"), "\(context)")
        #expect(failed?.hasSuffix("failed: no common application protocol (ALPN): the client offered spdy/3; "
            + "this server accepts h2, http/1.1 and requires one [GNUTLS_E_NO_APPLICATION_PROTOCOL]") == true, "\(context)")
    }

    /// gnutls-cli offers `http/1.1` then `h2`; the server's order decides.
    @Test(.enabled(if: gnutlsCLI != nil, "gnutls-cli is not on PATH"), arguments: versions)
    func serverAgreesWithGnuTLSClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name, "--alpn", "h2,http/1.1"])
        let client = try gnutlsClient(port: server.port, version: version, alpn: ["http/1.1", "h2"])
        let completed = client.waitForLine(containing: "- Handshake was completed", timeout: 15)
        #expect(client.sendIfRunning(Self.greeting + "\n"), "gnutls-cli exited before the greeting could be fed")
        // gnutls-cli stops at the end of its input: the input stays open until the server has closed.
        let result = client.wait(timeout: 15)
        // The server's lines reach the test through a pipe: wait for the exchange's last one.
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout + server.process.stderr
        let context = Self.dump("gnutls-cli", result) + "\n--- server log:\n" + log

        #expect(completed != nil, "\(context)")
        #expect(disconnected != nil, "\(context)")
        #expect(result.stdout.nonEmptyLines.contains("- Application protocol: h2"), "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(log.line(containing: "2. handshake done:")?.hasSuffix(", ALPN h2") == true, "\(context)")
    }

    /// --alpn-strict: gnutls-cli offering none of the server's protocols gets alert 120.
    @Test(.enabled(if: gnutlsCLI != nil, "gnutls-cli is not on PATH"), arguments: versions)
    func strictServerRefusesGnuTLSClient(_ version: VersionCase) throws {
        let server = try ServerUnderTest(["--tls-version", version.name, "--alpn", "h2", "--alpn-strict"])
        let client = try gnutlsClient(port: server.port, version: version, alpn: ["spdy/3"])
        let result = client.wait(timeout: 15)
        let failed = server.process.waitForLine(containing: "failed:", timeout: 10)
        let context = Self.dump("gnutls-cli", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr

        #expect(result.status != 0, "\(context)")
        #expect((result.stdout + result.stderr).contains("*** Received alert [120]: No supported application protocol could be negotiated"), "\(context)")
        #expect(failed?.hasSuffix("failed: no common application protocol (ALPN): the client offered spdy/3; "
            + "this server accepts h2 and requires one [GNUTLS_E_NO_APPLICATION_PROTOCOL]") == true, "\(context)")
    }

    // MARK: - Peers

    /// `openssl s_client` offering `alpn`, verifying chain and name; not `-brief`, which hides the
    /// "ALPN protocol: …" / "No ALPN negotiated" line printed after the handshake.
    private func openSSLClient(port: Int, version: VersionCase, alpn: String) throws -> RunningProcess {
        guard let openssl = Peers.openssl else { throw HarnessError.peerDidNotStart("openssl not on PATH") }
        return try RunningProcess(openssl, [
            "s_client", "-connect", "127.0.0.1:\(port)",
        ] + version.opensslArguments + [
            "-CAfile", Paths.demoCertificate, "-verify_return_error", "-verify_hostname", "localhost",
            "-servername", "localhost", "-alpn", alpn, "-ign_eof",
        ])
    }

    /// `gnutls-cli` offering `alpn` in order, verifying chain and name.
    private func gnutlsClient(port: Int, version: VersionCase, alpn: [String]) throws -> RunningProcess {
        guard let gnutlsCLI = Self.gnutlsCLI else { throw HarnessError.peerDidNotStart("gnutls-cli not on PATH") }
        return try RunningProcess(gnutlsCLI, [
            "--priority", Self.gnutlsPriority(version), "--x509cafile", Paths.demoCertificate,
            "--verify-hostname", "localhost", "--port", String(port),
        ] + alpn.flatMap { ["--alpn", $0] } + ["127.0.0.1"])
    }
}
