import Foundation
import TestSupport
import Testing

/// Bad input to the CLI fails before any socket opens, with one clear line and status 2.
@Suite struct CLIInputTests {
    @Test func unknownVersion() throws {
        let result = try tlshello(["server", "--port", "0", "--tls-version", "tlsv1.5"])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello server: unknown TLS version 'tlsv1.5' (known: tlsv1.0, tlsv1.1, tlsv1.2, tlsv1.3)\n")
        #expect(!result.stdout.contains("listening"))
    }

    @Test func badPriorityStringNamesTheToken() throws {
        let result = try tlshello(["client", "127.0.0.1", "--priority", "NORMAL:+VERS-TLS1.9"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid priority string 'NORMAL:+VERS-TLS1.9': GnuTLS does not accept it at '+VERS-TLS1.9' [GNUTLS_E_INVALID_REQUEST]"))
    }

    @Test func missingCertificate() throws {
        let result = try tlshello(["server", "--port", "0", "--cert", "/nonexistent.pem"])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello server: certificate /nonexistent.pem: no such file\n")
    }

    @Test func keyThatDoesNotMatch() throws {
        let folder = try TemporaryDirectory()
        let made = try tlshello(["cert", "--cert", folder.file("c.pem"), "--key", folder.file("k.pem"), "--key-type", "ecdsa"])
        #expect(made.status == 0, "\(made.stderr)")
        let result = try tlshello(["server", "--port", "0", "--key", folder.file("k.pem")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("does not match certificate certs/diegoUcamCert.pem [GNUTLS_E_CERTIFICATE_KEY_MISMATCH]"))
    }

    @Test func encryptedKeyNeedsItsPassphrase() throws {
        let folder = try TemporaryDirectory()
        let made = try tlshello(["cert", "--cert", folder.file("c.pem"), "--key", folder.file("k.pem"), "--passphrase", "right"])
        #expect(made.status == 0, "\(made.stderr)")
        let wrong = try tlshello(["server", "--port", "0", "--cert", folder.file("c.pem"), "--key", folder.file("k.pem"),
                                  "--passphrase", "wrong"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("is encrypted and the passphrase is wrong or missing [GNUTLS_E_DECRYPTION_FAILED]"))
        let server = try ServerUnderTest(["--cert", folder.file("c.pem"), "--key", folder.file("k.pem"), "--passphrase", "right"])
        let exchange = try server.client(["--cafile", folder.file("c.pem")])
        #expect(exchange.status == 0, "\(exchange.stderr)")
    }

    @Test func portInUse() throws {
        let first = try ServerUnderTest()
        let second = try tlshello(["server", "--host", "127.0.0.1", "--port", String(first.port)])
        #expect(second.status == 1)
        #expect(second.stderr == "tlshello server: address 127.0.0.1:\(first.port) is already in use\n")
    }

    /// `cert` with no options writes cert.pem and key.pem where it runs, and says so: the paths,
    /// the subject and the validity.
    @Test func certWithoutOptionsSaysWhatItWrote() throws {
        let folder = try TemporaryDirectory()
        let child = try RunningProcess(Paths.tlshello, ["cert"], directory: folder.path)
        child.closeInput()
        let result = child.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "certificate: cert.pem")
        #expect(lines.contains("private key: key.pem (mode 0600)"))
        #expect(lines.contains("subject:     CN=localhost"))
        #expect(lines.contains { $0.hasPrefix("valid:       ") && $0.contains(" UTC to ") }, "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder.file("cert.pem")))
        #expect(FileManager.default.fileExists(atPath: folder.file("key.pem")))
        // Its --help example keeps every continuation within 80 columns.
        let help = try tlshello(["cert", "--help"]).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let example = help.drop { !$0.hasPrefix("Example") }.dropFirst().prefix { !$0.isEmpty }
        #expect(example.count == 3, "\(help)")
        #expect(example.dropLast().allSatisfy { $0.hasSuffix(" \\") && $0.count <= 80 }, "\(example)")
    }

    @Test func conflictingOptions() throws {
        let result = try tlshello(["client", "127.0.0.1", "--tls-version", "tlsv1.2", "--max-version", "tlsv1.3"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: --tls-version pins one version"))
        let insecure = try tlshello(["client", "127.0.0.1", "--insecure", "--cafile", "x.pem"])
        #expect(insecure.status == 64)
        #expect(insecure.stderr.contains("--insecure and --cafile contradict each other"))
    }

    @Test(arguments: [
        (["--ticket-lifetime", "0"], "--ticket-lifetime must be between 1 and 604800 seconds (7 days)"),
        (["--ticket-lifetime", "700000"], "--ticket-lifetime must be between 1 and 604800 seconds (7 days)"),
        (["--no-session-tickets", "--ticket-lifetime", "60"], "--ticket-lifetime has no effect with --no-session-tickets: drop one"),
        (["--echo", "--reply", "hi"], "--reply has no effect with --echo: drop one"),
    ])
    func serverOptionsThatContradictOrAreOutOfRange(arguments: [String], message: String) throws {
        let result = try tlshello(["server", "--port", "0"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stdout.contains("listening on"))
    }

    @Test func theDefaultsOfTheNewOptionsStillApply() throws {
        // --reply unset means the demo's reply; --ticket-lifetime unset is accepted with tickets off.
        let plain = try ServerUnderTest(["--no-session-tickets"])
        let result = try plain.client(["--cafile", Paths.demoCertificate])
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor....\n"))
        #expect(try tlshello(["bench", "127.0.0.1", "--port", String(plain.port), "--mode", "hello", "--bytes", "16777216"])
            .stderr.contains("--bytes applies to --mode bulk only"))
    }

    @Test func certRefusesToOverwriteWithoutForce() throws {
        let folder = try TemporaryDirectory()
        let args = ["cert", "--cert", folder.file("c.pem"), "--key", folder.file("k.pem"), "--subject", "CN=test", "--san", "test.invalid"]
        let first = try tlshello(args)
        #expect(first.status == 0)
        #expect(first.stdout.contains("subject:     CN=test"))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.file("k.pem"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let before = try String(contentsOfFile: folder.file("c.pem"), encoding: .utf8)
        let second = try tlshello(args)
        #expect(second.status == 2)
        // The library says what it found; the command line adds the flag that gets past it.
        #expect(second.stderr.hasPrefix("tlshello cert: "), "\(second.stderr)")
        #expect(second.stderr.hasSuffix(" already exists; not overwriting it (--force replaces it)\n"), "\(second.stderr)")
        #expect(try String(contentsOfFile: folder.file("c.pem"), encoding: .utf8) == before)
        #expect(try tlshello(args + ["--force"]).status == 0)
    }

    @Test func versionsTableShowsEveryRow() throws {
        let result = try tlshello(["versions"])
        #expect(result.status == 0)
        for row in ["tlsv1.0   NORMAL:-VERS-ALL:+VERS-TLS1.0", "tlsv1.3   NORMAL:-VERS-ALL:+VERS-TLS1.3"] {
            #expect(result.stdout.contains(row))
        }
        #expect(result.stdout.contains("accepted, enables TLS1.3 TLS1.2"))
        let json = try tlshello(["versions", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["versions"] as? [Any])?.count == 5)
    }

    @Test func helpReadsWell() throws {
        let result = try tlshello(["--help"])
        #expect(result.status == 0)
        for command in ["server", "client", "cert", "versions"] { #expect(result.stdout.contains(command)) }
        let client = try tlshello(["client", "--help"])
        #expect(client.stdout.contains("--insecure"))
        #expect(client.stdout.contains("--tls-version"))
        // The exit statuses the help promises are the ones the tests of usage errors expect.
        let flat = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Exit status: 0 success; 1 connection or TLS failure; 2 bad input"), "\(flat)")
        #expect(flat.contains("64 usage error"), "\(flat)")
    }

    /// The help's prose is wrapped by the help itself: a short line followed by more of the same
    /// paragraph is a hard line break in the source fighting the wrapping.
    @Test(arguments: [[], ["server"], ["client"], ["bench"], ["cert"], ["versions"], ["ticket-key"]])
    func helpProseHasNoHardLineBreaks(command: [String]) throws {
        let help = try tlshello(command + ["--help"]).stdout
        let prose = help.components(separatedBy: "\nUSAGE:").first?.components(separatedBy: "\n") ?? []
        for (line, next) in zip(prose, prose.dropFirst())
        where !line.isEmpty && !line.hasPrefix(" ") && !next.isEmpty && !next.hasPrefix(" ") {
            #expect(line.count + 1 + (next.split(separator: " ").first?.count ?? 0) >= 80,
                    "\(command): '\(line)' breaks before '\(next)'")
        }
    }

    @Test func keyLogRefusesAFileThatIsNotAKeyLog() throws {
        let folder = try TemporaryDirectory()
        let precious = try folder.write("notes.txt", "my notes\n")
        let result = try tlshello(["client", "127.0.0.1", "--port", "1", "--keylog", precious])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello client: key log \(precious): exists and is not a key log: refusing to append secrets to it\n")
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "my notes\n")
    }

    @Test func keyLogIsCreatedPrivateAndFilledFromSSLKEYLOGFILE() throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest()
        let path = folder.file("keys.log")
        let result = try run(Paths.tlshello, ["client", "127.0.0.1", "--port", String(server.port),
                                              "--cafile", Paths.demoCertificate, "--tls-version", "tlsv1.3"],
                             environment: ["SSLKEYLOGFILE": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("writing TLS session secrets to \(path): anyone with this file can decrypt"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let labels = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ")[0] }
        #expect(labels.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET") && labels.contains("SERVER_TRAFFIC_SECRET_0"))
        let again = try server.client(["--cafile", Paths.demoCertificate, "--keylog", path])
        #expect(again.status == 0, "appending to an existing key log: \(again.stderr)")
    }
}
