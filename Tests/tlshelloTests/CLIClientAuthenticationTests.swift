import Foundation
import Testing
import TestSupport

/// Mutual TLS through the CLI: `tlshello server --client-auth request|require --client-cafile`
/// against `tlshello client --cert --key`, over loopback. The verified client certificate is in
/// the server's handshake line and both sides' --json; each refusal is one line on each side,
/// naming the alert; SIGHUP reloads the client CA file.
@Suite struct CLIClientAuthenticationTests {
    static let versions = ["tlsv1.2", "tlsv1.3"]

    private func server(_ files: ClientCertificateFiles, _ mode: String = "require", _ extra: [String] = []) throws -> ServerUnderTest {
        try ServerUnderTest(["--client-auth", mode, "--client-cafile", files.authority] + extra)
    }

    private func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test(arguments: versions)
    func verifiedClientIsInTheHandshakeLineAndBothSidesJSON(version: String) throws {
        let files = try ClientCertificateFiles()
        let server = try server(files, "require", ["--tls-version", version])
        #expect(server.process.stdout.contains(", client certificates required (CAs from \(files.authority))"))
        let result = try server.client(["--cafile", Paths.demoCertificate] + files.rsa.options)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains("   client certificate sent: \(files.rsa.subject), SHA-256 \(files.rsa.fingerprint)"))
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor...."))
        let done = try #require(server.process.waitForLine(containing: "2. handshake done:"))
        #expect(done.hasSuffix(", client certificate \(files.rsa.subject) (verified)"), "\(done)")

        let client = try server.client(["--cafile", Paths.demoCertificate, "--json"] + files.ecdsa.options)
        #expect(client.status == 0, "\(client.stderr)")
        let negotiated = try #require(try json(client.stdout)["negotiated"] as? [String: Any])
        #expect(negotiated["clientCertificateRequested"] as? Bool == true)
        #expect((negotiated["localCertificate"] as? [String: Any])?["subject"] as? String == files.ecdsa.subject)

        let jsonServer = try self.server(files, "require", ["--tls-version", version, "--json"])
        let served = try jsonServer.client(["--cafile", Paths.demoCertificate] + files.ed25519.options
                                           + ["--passphrase", ClientCertificateFiles.passphrase])
        #expect(served.status == 0, "\(served.stderr)")
        let exchange = try json(try #require(jsonServer.process.waitForLine(containing: "\"event\":\"exchange\"")))
        let reported = try #require(exchange["negotiated"] as? [String: Any])
        #expect(reported["verification"] as? String == "client certificate verified (chain and TLS client authentication)")
        let chain = try #require(reported["peerCertificates"] as? [[String: Any]])
        #expect(chain.first?["subject"] as? String == files.ed25519.subject)
        #expect((chain.first?["publicKey"] as? String)?.contains("Ed25519") == true)
        #expect(reported["clientCertificateRequested"] as? Bool == true)
        let listening = try json(try #require(jsonServer.process.waitForLine(containing: "\"event\":\"listening\"")))
        #expect(listening["clientAuth"] as? String == "require")
        #expect(listening["clientCAFile"] as? String == files.authority)
    }

    /// The shortest way in docs/guide.md: a self-signed certificate from `tlshello cert` is its own CA.
    @Test func selfSignedClientCertificateFromTheCertCommandIsItsOwnCA() throws {
        let folder = try TemporaryDirectory()
        let made = try tlshello(["cert", "--cert", folder.file("alice.pem"), "--key", folder.file("alice.key"),
                                 "--subject", "CN=alice", "--key-type", "ecdsa"])
        #expect(made.status == 0, "\(made.stderr)")
        let server = try ServerUnderTest(["--client-auth", "require", "--client-cafile", folder.file("alice.pem")])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--cert", folder.file("alice.pem"), "--key", folder.file("alice.key")])
        #expect(result.status == 0, "\(result.stderr)")
        let done = try #require(server.process.waitForLine(containing: "2. handshake done:"))
        #expect(done.hasSuffix(", client certificate CN=alice (verified)"), "\(done)")
    }

    @Test func requestServesAClientWithoutACertificate() throws {
        let files = try ClientCertificateFiles()
        let server = try server(files, "request")
        let result = try server.client(["--cafile", Paths.demoCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains("   client certificate: the server asked for one; none sent (give one with --cert and --key)"))
        let done = try #require(server.process.waitForLine(containing: "2. handshake done:"))
        #expect(done.hasSuffix(", no client certificate"), "\(done)")
    }

    @Test func aCertificateTheServerDidNotAskForIsNotSent() throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest()
        let result = try server.client(["--cafile", Paths.demoCertificate] + files.ecdsa.options)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains("   client certificate: the server asked for none; \(files.ecdsa.certificate) not sent"))
    }

    /// Each refusal: the client's one line, the server's failure line, the alert between them.
    @Test(arguments: versions)
    func refusalsAreOneLineOnEachSide(version: String) throws {
        let files = try ClientCertificateFiles()
        let server = try server(files, "require", ["--tls-version", version])
        let none = version == "tlsv1.3" ? "certificate_required" : "handshake_failure"
        let missing = version == "tlsv1.3" ? "GNUTLS_E_CERTIFICATE_REQUIRED" : "GNUTLS_E_NO_CERTIFICATE_FOUND"
        let cases: [(options: [String], client: String, server: String)] = [
            ([], "handshake failed: the server requires a client certificate and this side has none to send; it answered \(none) [GNUTLS_E_FATAL_ALERT_RECEIVED]",
             "failed: handshake failed: the client sent no certificate, and this server requires one [\(missing)]"),
            (files.stranger.options, "handshake failed: the server refused this side's certificate CN=mallory: it does not trust the certificate's issuer (unknown_ca) [GNUTLS_E_FATAL_ALERT_RECEIVED]",
             "failed: client certificate verification failed: unknown issuer CN=another client CA (certificate SHA-256 \(files.stranger.fingerprint)): no trusted client certificate authority issued it"),
            // The client warns about its own expired certificate first (see the line before the error).
            (files.expired.options, "handshake failed: the server refused this side's certificate CN=dave: it finds the certificate expired or not yet valid (certificate_expired) [GNUTLS_E_FATAL_ALERT_RECEIVED]",
             "failed: client certificate verification failed: certificate expired on 2020-09-13 12:26:40 UTC"),
            (files.serverOnly.options, "handshake failed: the server refused this side's certificate CN=erin: the certificate is not for TLS client authentication, or of a kind it does not take (unsupported_certificate) [GNUTLS_E_FATAL_ALERT_RECEIVED]",
             "failed: client certificate verification failed: the certificate is for TLS server authentication only, not for TLS client authentication"),
        ]
        for (index, check) in cases.enumerated() {
            let result = try server.client(["--cafile", Paths.demoCertificate] + check.options)
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stderr.nonEmptyLines.last == "tlshello client: \(check.client)")
            #expect(!result.stdout.contains("3. reply received"))
            if check.options == files.expired.options {
                #expect(result.stderr.hasPrefix("tlshello client: warning: certificate \(files.expired.certificate) (CN=dave,O=expired) expired on 2020-09-13 12:26:40 UTC: a peer that verifies will refuse it\n"))
            }
            let line = try #require(server.process.failureLine(connection: index + 1), "\(server.process.stdout)")
            #expect(line.hasSuffix(check.server), "\(line)")
        }
    }

    /// A certificate whose key usage forbids signing cannot authenticate a client: said when the
    /// client starts, and as the reason its TLS 1.2 handshake fails (under TLS 1.3 GnuTLS leaves
    /// the version out of its offer, and the warning explains the version refusal).
    @Test func certificateThatMayNotSignIsNamed() throws {
        let files = try ClientCertificateFiles()
        let server = try server(files, "require", ["--tls-version", "tlsv1.2"])
        let result = try server.client(["--cafile", Paths.demoCertificate] + files.noSignature.options)
        let problem = "certificate \(files.noSignature.certificate) may not sign (its key usage lacks digitalSignature), so it cannot authenticate a TLS client"
        #expect(result.status == 1)
        #expect(result.stderr == "tlshello client: warning: \(problem)\ntlshello client: handshake failed: \(problem) [GNUTLS_E_KEY_USAGE_VIOLATION]\n")
    }

    @Test func traceShowsTheRequestTheCertificateAndTheSignature() throws {
        let files = try ClientCertificateFiles()
        let server = try server(files, "require", ["--tls-version", "tlsv1.3", "--trace"])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--trace"] + files.ecdsa.options)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.nonEmptyLines
        let request = try #require(lines.first { $0.hasPrefix("← CertificateRequest ") })
        #expect(request.hasPrefix("← CertificateRequest signatures "))
        #expect(request.hasSuffix(", CA CN=tlshello test client CA,O=tlshello tests"))
        #expect(lines.contains { $0.hasPrefix("→ Certificate        CN=bob (ECDSA SECP256R1") })
        #expect(lines.contains("→ CertificateVerify  signed ecdsa_secp256r1_sha256"))
        let received = try #require(server.process.waitForLine(containing: "← CertificateVerify"))
        #expect(received.hasSuffix("← CertificateVerify  signed ecdsa_secp256r1_sha256"))
        #expect(server.process.stdout.contains("← Certificate        CN=bob (ECDSA SECP256R1"))
    }

    @Test func sighupReloadsTheClientCAFile() throws {
        let files = try ClientCertificateFiles()
        let caFile = try files.folder.write("reloaded-ca.pem", try String(contentsOfFile: files.authority, encoding: .utf8))
        let server = try ServerUnderTest(["--client-auth", "require", "--client-cafile", caFile])
        let refused = try server.client(["--cafile", Paths.demoCertificate] + files.stranger.options)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("(unknown_ca)"))

        // A broken file keeps the CAs in force.
        _ = try files.folder.write("reloaded-ca.pem", "not a certificate\n")
        kill(server.process.pid, SIGHUP)
        let failed = try #require(server.process.waitForLine(containing: "SIGHUP: reload failed"))
        #expect(failed.hasSuffix("trust store \(caFile): no PEM certificate found in the file"))
        let kept = try server.client(["--cafile", Paths.demoCertificate] + files.rsa.options)
        #expect(kept.status == 0, "\(kept.stderr)")

        _ = try files.folder.write("reloaded-ca.pem", try String(contentsOfFile: files.otherAuthority, encoding: .utf8))
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: certificate and key reloaded") != nil)
        let accepted = try server.client(["--cafile", Paths.demoCertificate] + files.stranger.options)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let nowRefused = try server.client(["--cafile", Paths.demoCertificate] + files.rsa.options)
        #expect(nowRefused.status == 1)
        #expect(nowRefused.stderr.contains("(unknown_ca)"))
    }

    @Test func badInputIsOneLine() throws {
        let files = try ClientCertificateFiles()
        let usage: [([String], String)] = [
            (["server", "--port", "0", "--client-auth", "require"], "--client-auth require needs --client-cafile (the CAs that issue client certificates)"),
            (["server", "--port", "0", "--client-cafile", files.authority], "--client-cafile has no effect without --client-auth request or require"),
            (["client", "127.0.0.1", "--cert", files.rsa.certificate], "--cert needs --key (the certificate's private key)"),
            (["client", "127.0.0.1", "--key", files.rsa.key], "--key needs --cert (the certificate it belongs to)"),
            (["client", "127.0.0.1", "--passphrase", "x"], "--passphrase needs --key (the encrypted key)"),
            (["client", "127.0.0.1", "--cert", files.rsa.certificate, "--cert", files.rsa.certificate, "--key", files.rsa.key],
             "--cert was given 2 times: a client presents one certificate chain"),
            (["bench", "127.0.0.1"] + files.rsa.options + ["--key", files.rsa.key],
             "--key was given 2 times: a client presents one certificate chain, with one key"),
        ]
        for (arguments, message) in usage {
            let result = try tlshello(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("Error: \(message)"), "\(result.stderr)")
        }
        let mode = try tlshello(["server", "--port", "0", "--client-auth", "always"])
        #expect(mode.status == 64)
        #expect(mode.stderr.contains("The value 'always' is invalid for '--client-auth <mode>'"), "\(mode.stderr)")

        let wrong = try tlshello(["client", "127.0.0.1", "--port", "1"] + files.ed25519.options + ["--passphrase", "wrong"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr == "tlshello client: private key \(files.ed25519.key) is encrypted and the passphrase is wrong or missing [GNUTLS_E_DECRYPTION_FAILED]\n")
        let emptyCAs = try files.folder.write("empty.pem", "")
        let server = try tlshello(["server", "--port", "0", "--client-auth", "request", "--client-cafile", emptyCAs])
        #expect(server.status == 2)
        #expect(server.stderr == "tlshello server: trust store \(emptyCAs): no PEM certificate found in the file\n")
    }

    @Test func helpDescribesTheOptions() throws {
        let server = try tlshello(["server", "--help"])
        #expect(server.stdout.contains("--client-auth <mode>"))
        #expect(server.stdout.contains("--client-cafile <pem>"))
        let client = try tlshello(["client", "--help"])
        #expect(client.stdout.contains("--cert <pem>"))
        #expect(client.stdout.contains("--passphrase <passphrase>"))
    }
}
