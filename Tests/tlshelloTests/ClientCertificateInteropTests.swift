import Foundation
import Testing

/// Mutual TLS between `tlshello` and foreign stacks, TLS 1.2 and 1.3, both roles: `openssl
/// s_server -Verify 1 -verify_return_error` and `gnutls-serv --require-client-cert` ask
/// `tlshello client --cert` for its certificate; `openssl s_client -cert` and `gnutls-cli
/// --x509certfile` present theirs to `tlshello server --client-auth require`. A refusal reaches
/// the other side as the alert that names it, and each side says why in one line. Loopback only
/// (gnutls-serv in a network namespace of its own); every child is a ``RunningProcess`` stopped by
/// PID; every wait has a deadline.
@Suite struct ClientCertificateInteropTests {
    static let greeting = InteropTests.greeting
    static let reply = InteropTests.reply
    static let versions = [VersionCase.tls12, .tls13]
    static let gnutlsCLI: String? = Paths.which("gnutls-cli")

    static func dump(_ name: String, _ process: RunningProcess) -> String { InteropTests.dump(name, process) }
    static func dump(_ name: String, _ result: ProcessResult) -> String { InteropTests.dump(name, result) }

    static func gnutlsPriority(_ version: VersionCase) -> String {
        "NORMAL:-VERS-ALL:+VERS-TLS" + version.gnutlsName.dropFirst(3)
    }

    /// What a server that requires a certificate answers a client that sends none.
    static func missingAlert(_ version: VersionCase) -> String {
        version.name == VersionCase.tls13.name ? "certificate_required" : "handshake_failure"
    }

    // MARK: - tlshello client, openssl s_server

    /// The RSA client's chain (leaf and intermediate) verifies at s_server against the root.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func clientPresentsItsChainToOpenSSLServer(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try OpenSSLServer(version.opensslArguments + ["-Verify", "1", "-verify_return_error", "-CAfile", files.authority])
        let client = try RunningProcess(Paths.tlshello, [
            "client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
            "--tls-version", version.name, "--timeout", "5",
        ] + files.rsa.options)
        let received = server.process.waitForLine(containing: Self.greeting, timeout: 15)
        try #require(received != nil, "s_server never received the greeting\(Self.dump("s_server", server.process))\(Self.dump("client", client))")
        #expect(server.process.sendIfRunning(Self.reply + "\n"), "s_server exited before the reply could be fed")
        let result = client.wait(timeout: 15)
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.nonEmptyLines.contains("   client certificate sent: \(files.rsa.subject), SHA-256 \(files.rsa.fingerprint)"), "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("subject=O = tlshello tests, CN = alice"), "\(context)")
        #expect(served.stdout.nonEmptyLines.contains("issuer=O = tlshello tests, CN = tlshello test intermediate CA"), "\(context)")
    }

    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func clientWithoutCertificateHearsOpenSSLServersRefusal(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try OpenSSLServer(version.opensslArguments + ["-Verify", "1", "-CAfile", files.authority])
        let result = try tlshello(["client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
                                   "--tls-version", version.name, "--timeout", "5"])
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 1, "\(context)")
        #expect(result.stderr == "tlshello client: handshake failed: the server requires a client certificate and this side has none to send; "
            + "it answered \(Self.missingAlert(version)) [GNUTLS_E_FATAL_ALERT_RECEIVED]\n", "\(context)")
        #expect(served.stderr.contains("peer did not return a certificate"), "\(context)")
    }

    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func clientFromAnotherCAHearsUnknownCAFromOpenSSLServer(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try OpenSSLServer(version.opensslArguments + ["-Verify", "1", "-verify_return_error", "-CAfile", files.authority])
        let result = try tlshello(["client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
                                   "--tls-version", version.name, "--timeout", "5"] + files.stranger.options)
        let served = server.process.wait(timeout: 10)
        let context = Self.dump("client", result) + Self.dump("s_server", served)

        #expect(result.status == 1, "\(context)")
        #expect(result.stderr == "tlshello client: handshake failed: the server refused this side's certificate CN=mallory: "
            + "it does not trust the certificate's issuer (unknown_ca) [GNUTLS_E_FATAL_ALERT_RECEIVED]\n", "\(context)")
        #expect(served.stderr.contains("certificate verify failed"), "\(context)")
    }

    // MARK: - tlshello server, openssl s_client

    /// s_client presents an Ed25519 certificate whose key GnuTLS encrypted (PBES2, AES-256).
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func serverVerifiesOpenSSLClient(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--tls-version", version.name, "--client-auth", "require", "--client-cafile", files.authority])
        let client = try openSSLClient(port: server.port, version: version, [
            "-cert", files.ed25519.certificate, "-key", files.ed25519.key, "-pass", "pass:" + ClientCertificateFiles.passphrase,
        ])
        #expect(client.sendIfRunning(Self.greeting), "s_client exited before the greeting could be fed")
        client.closeInput()  // -ign_eof: s_client keeps reading until the server closes
        let result = client.wait(timeout: 15)
        let done = server.process.waitForLine(containing: "2. handshake done:", timeout: 10)
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(done?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(done?.hasSuffix(", SNI localhost, client certificate \(files.ed25519.subject) (verified)") == true, "\(context)")
    }

    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func serverRefusesOpenSSLClientWithoutCertificate(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--tls-version", version.name, "--client-auth", "require", "--client-cafile", files.authority])
        let client = try openSSLClient(port: server.port, version: version, [])
        _ = client.sendIfRunning(Self.greeting)
        client.closeInput()
        let result = client.wait(timeout: 15)
        let failed = server.process.waitForLine(containing: "failed:", timeout: 10)
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr
        let code = version.name == VersionCase.tls13.name ? "116" : "40"

        #expect(result.stderr.contains("SSL alert number \(code)"), "\(context)")
        #expect(!result.stdout.contains(Self.reply), "\(context)")
        let library = version.name == VersionCase.tls13.name ? "GNUTLS_E_CERTIFICATE_REQUIRED" : "GNUTLS_E_NO_CERTIFICATE_FOUND"
        #expect(failed?.hasSuffix("failed: handshake failed: the client sent no certificate, and this server requires one [\(library)]") == true, "\(context)")
    }

    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func serverRefusesOpenSSLClientFromAnotherCA(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--tls-version", version.name, "--client-auth", "require", "--client-cafile", files.authority])
        let client = try openSSLClient(port: server.port, version: version, ["-cert", files.stranger.certificate, "-key", files.stranger.key])
        _ = client.sendIfRunning(Self.greeting)
        client.closeInput()
        let result = client.wait(timeout: 15)
        let failed = server.process.waitForLine(containing: "failed:", timeout: 10)
        let context = Self.dump("s_client", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr

        #expect(result.stderr.contains("alert unknown ca"), "\(context)")
        #expect(result.stderr.contains("SSL alert number 48"), "\(context)")
        #expect(failed?.hasSuffix("failed: client certificate verification failed: unknown issuer CN=another client CA "
            + "(certificate SHA-256 \(files.stranger.fingerprint)): no trusted client certificate authority issued it") == true, "\(context)")
    }

    // MARK: - tlshello client, gnutls-serv

    @Test(.enabled(if: GnuTLSServer.isAvailable, "gnutls-serv cannot run in a network namespace here"), arguments: versions)
    func clientPresentsItsCertificateToGnuTLSServer(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try GnuTLSServer(["--priority", Self.gnutlsPriority(version), "--require-client-cert", "--verify-client-cert",
                                       "--x509cafile", files.authority])
        // gnutls-serv --echo returns each line: the greeting goes as one.
        let result = try server.client(["--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
                                        "--message", Self.greeting + "\n", "--passphrase", ClientCertificateFiles.passphrase]
                                       + files.ed25519.options)
        let trusted = server.process.waitForLine(containing: "- Status:", timeout: 10)
        let context = Self.dump("client", result) + Self.dump("gnutls-serv", server.process)

        #expect(result.status == 0, "\(context)")
        #expect(result.stdout.contains("3. reply received: \(Self.greeting)"), "\(context)")
        #expect(trusted?.hasPrefix("- Status: The certificate is trusted.") == true, "\(context)")
        #expect(server.process.stdout.contains("Subject: CN=carol,O=tlshello tests"), "\(context)")
    }

    @Test(.enabled(if: GnuTLSServer.isAvailable, "gnutls-serv cannot run in a network namespace here"), arguments: versions)
    func clientHearsGnuTLSServersRefusal(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try GnuTLSServer(["--priority", Self.gnutlsPriority(version), "--require-client-cert", "--verify-client-cert",
                                       "--x509cafile", files.authority])
        let stranger = try server.client(["--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
                                          "--message", Self.greeting + "\n"] + files.stranger.options)
        let context = Self.dump("client", stranger) + Self.dump("gnutls-serv", server.process)
        #expect(stranger.status == 1, "\(context)")
        // gnutls-serv's verify function fails with GNUTLS_E_CERTIFICATE_ERROR, which GnuTLS answers with access_denied.
        #expect(stranger.stderr == "tlshello client: handshake failed: the server refused this side's certificate CN=mallory: "
            + "it denies this certificate access (access_denied) [GNUTLS_E_FATAL_ALERT_RECEIVED]\n", "\(context)")
        #expect(server.process.waitForLine(containing: "Error in handshake: Error in the certificate.", timeout: 10) != nil, "\(context)")

        let none = try server.client(["--cafile", Paths.demoCertificate, "--tls-version", version.name, "--timeout", "5",
                                      "--message", Self.greeting + "\n"])
        let noneContext = Self.dump("client", none) + Self.dump("gnutls-serv", server.process)
        #expect(none.status == 1, "\(noneContext)")
        // gnutls-serv answers a missing certificate with certificate_required in TLS 1.3 and decode_error before.
        let expected = version.name == VersionCase.tls13.name
            ? "the server requires a client certificate and this side has none to send; it answered certificate_required"
            : "the server asked for a client certificate and this side has none to send; it then refused the handshake with decode_error, probably because it requires one"
        #expect(none.stderr == "tlshello client: handshake failed: \(expected) [GNUTLS_E_FATAL_ALERT_RECEIVED]\n", "\(noneContext)")
    }

    // MARK: - tlshello server, gnutls-cli

    @Test(.enabled(if: gnutlsCLI != nil, "gnutls-cli is not on PATH"), arguments: versions)
    func serverVerifiesGnuTLSClient(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--tls-version", version.name, "--client-auth", "require", "--client-cafile", files.authority])
        let client = try gnutlsClient(port: server.port, version: version, ["--x509certfile", files.rsa.certificate, "--x509keyfile", files.rsa.key])
        let completed = client.waitForLine(containing: "- Handshake was completed", timeout: 15)
        #expect(client.sendIfRunning(Self.greeting + "\n"), "gnutls-cli exited before the greeting could be fed")
        let result = client.wait(timeout: 15)
        let done = server.process.waitForLine(containing: "2. handshake done:", timeout: 10)
        let context = Self.dump("gnutls-cli", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr

        #expect(completed != nil, "\(context)")
        #expect(result.stdout.contains(Self.reply), "\(context)")
        #expect(done?.contains(": \(version.gnutlsName), ") == true, "\(context)")
        #expect(done?.hasSuffix(", client certificate \(files.rsa.subject) (verified)") == true, "\(context)")
    }

    @Test(.enabled(if: gnutlsCLI != nil, "gnutls-cli is not on PATH"), arguments: versions)
    func serverRefusesGnuTLSClients(_ version: VersionCase) throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--tls-version", version.name, "--client-auth", "require", "--client-cafile", files.authority])
        let cases: [(options: [String], alert: String, server: String)] = [
            ([], version.name == VersionCase.tls13.name ? "*** Received alert [116]: Certificate is required" : "*** Received alert [40]: Handshake failed",
             "the client sent no certificate, and this server requires one"),
            (["--x509certfile", files.expired.certificate, "--x509keyfile", files.expired.key],
             "*** Received alert [45]: Certificate is expired", "client certificate verification failed: certificate expired on 2020-09-13 12:26:40 UTC"),
            (["--x509certfile", files.serverOnly.certificate, "--x509keyfile", files.serverOnly.key],
             "*** Received alert [43]: Certificate is not supported",
             "client certificate verification failed: the certificate is for TLS server authentication only, not for TLS client authentication"),
        ]
        for (index, check) in cases.enumerated() {
            let client = try gnutlsClient(port: server.port, version: version, check.options)
            _ = client.waitForLine(containing: "- Handshake was completed", timeout: 10)
            _ = client.sendIfRunning(Self.greeting + "\n")
            let result = client.wait(timeout: 15)
            let failed = server.process.failureLine(connection: index + 1)
            let context = Self.dump("gnutls-cli", result) + "\n--- server log:\n" + server.process.stdout + server.process.stderr
            #expect((result.stdout + result.stderr).contains(check.alert), "\(context)")
            #expect(!result.stdout.contains(Self.reply), "\(context)")
            #expect(failed?.contains(check.server) == true, "\(context)")
        }
    }

    // MARK: - Peers

    /// `openssl s_client` verifying chain and name, with `extra` (its certificate, if any).
    private func openSSLClient(port: Int, version: VersionCase, _ extra: [String]) throws -> RunningProcess {
        guard let openssl = Peers.openssl else { throw HarnessError.peerDidNotStart("openssl not on PATH") }
        return try RunningProcess(openssl, [
            "s_client", "-connect", "127.0.0.1:\(port)",
        ] + version.opensslArguments + [
            "-CAfile", Paths.demoCertificate, "-verify_return_error", "-verify_hostname", "localhost",
            "-servername", "localhost", "-ign_eof",
        ] + extra)
    }

    /// `gnutls-cli` verifying chain and name, with `extra` (its certificate, if any).
    private func gnutlsClient(port: Int, version: VersionCase, _ extra: [String]) throws -> RunningProcess {
        guard let gnutlsCLI = Self.gnutlsCLI else { throw HarnessError.peerDidNotStart("gnutls-cli not on PATH") }
        return try RunningProcess(gnutlsCLI, [
            "--priority", Self.gnutlsPriority(version), "--x509cafile", Paths.demoCertificate,
            "--verify-hostname", "localhost", "--port", String(port),
        ] + extra + ["127.0.0.1"])
    }
}
