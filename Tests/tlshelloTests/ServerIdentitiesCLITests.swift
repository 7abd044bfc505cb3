import Foundation
import TestSupport
import Testing

/// `tlshello server` with several `--cert`/`--key` pairs (RSA, ECDSA, and an RSA wildcard), live on
/// 127.0.0.1: tlshello, `openssl s_client` and `gnutls-cli` clients get the certificate of the name
/// they ask for and the key type they accept, at TLS 1.2 and 1.3; the server says which one served;
/// SIGHUP reloads every pair, or none.
@Suite(.serialized) struct ServerIdentitiesCLITests {
    static let gnutlsCLI: String? = Paths.which("gnutls-cli")

    /// The three pairs, made in a temporary directory.
    final class Identities {
        let folder: TemporaryDirectory
        var rsa: (cert: String, key: String) { (folder.file("rsa.pem"), folder.file("rsa.key")) }
        var ecdsa: (cert: String, key: String) { (folder.file("ec.pem"), folder.file("ec.key")) }
        var wildcard: (cert: String, key: String) { (folder.file("wild.pem"), folder.file("wild.key")) }

        init() throws {
            folder = try TemporaryDirectory()
            try Self.make(rsa, ["--subject", "CN=rsa.test", "--san", "rsa.test", "--san", "localhost"])
            try Self.make(ecdsa, ["--subject", "CN=ec.test", "--san", "ec.test", "--san", "localhost", "--key-type", "ecdsa"])
            try Self.make(wildcard, ["--subject", "CN=wild.test", "--san", "*.wild.test"])
        }

        static func make(_ pair: (cert: String, key: String), _ extra: [String]) throws {
            let made = try tlshello(["cert", "--cert", pair.cert, "--key", pair.key, "--force"] + extra)
            try #require(made.status == 0, "\(made.stderr)")
        }

        /// The server options for all three, RSA first (the default).
        var serverArguments: [String] {
            ["--cert", rsa.cert, "--key", rsa.key, "--cert", ecdsa.cert, "--key", ecdsa.key,
             "--cert", wildcard.cert, "--key", wildcard.key]
        }
    }

    static let versions = [VersionCase.tls12, .tls13]

    @Test(arguments: versions)
    func tlshelloClientsGetTheCertificateOfTheirNameVerified(_ version: VersionCase) throws {
        let identities = try Identities()
        let server = try ServerUnderTest(identities.serverArguments + ["--tls-version", version.name])
        for (name, trust, subject) in [("rsa.test", identities.rsa.cert, "CN=rsa.test"),
                                       ("ec.test", identities.ecdsa.cert, "CN=ec.test"),
                                       ("a.wild.test", identities.wildcard.cert, "CN=wild.test")] {
            let result = try server.client(["--cafile", trust, "--server-name", name])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("server certificate: \(subject),"), "\(result.stdout)")
            #expect(server.process.waitForLine(containing: "SNI \(name), certificate \(subject) (") != nil, "\(name)")
        }
    }

    /// openssl s_client asks for a name and lists the signature algorithms it accepts.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: versions)
    func opensslClientsGetTheRightCertificate(_ version: VersionCase) throws {
        let openssl = try #require(Peers.openssl)
        let identities = try Identities()
        let server = try ServerUnderTest(identities.serverArguments + ["--tls-version", version.name])
        let rsaSigalgs = "rsa_pss_rsae_sha256:RSA+SHA256"
        for (name, sigalgs, subject) in [("rsa.test", nil, "rsa.test"),
                                         ("ec.test", nil, "ec.test"),
                                         ("a.wild.test", nil, "wild.test"),
                                         ("localhost", "ECDSA+SHA256", "ec.test"),
                                         ("localhost", rsaSigalgs, "rsa.test"),
                                         ("unknown.test", "ECDSA+SHA256", "ec.test"),
                                         ("unknown.test", rsaSigalgs, "rsa.test")] as [(String, String?, String)] {
            let result = try run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", name,
                                           version.opensslFlag] + (sigalgs.map { ["-sigalgs", $0] } ?? []),
                                 input: "", timeout: 20)
            #expect(result.stdout.contains("subject=CN = \(subject)\n"), "\(name) \(sigalgs ?? "any"): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("Protocol  : \(version.opensslName)") || result.stdout.contains("New, \(version.opensslName)"),
                    "\(result.stdout)")
        }
        // The name decides first: no ECDSA certificate carries a.wild.test, so an ECDSA-only client is refused.
        let refused = try run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "a.wild.test",
                                        version.opensslFlag, "-sigalgs", "ECDSA+SHA256"], input: "", timeout: 20)
        #expect(refused.stderr.contains("alert handshake failure"), "\(refused.stderr)")
        let failed = server.process.waitForLine(containing: "failed: handshake failed: the client asked for a.wild.test")
        #expect(failed?.contains(", and none of the certificates for that name is one it can verify: CN=wild.test (RSA 2048)") == true,
                "\(server.process.stdout)")
    }

    @Test(.enabled(if: gnutlsCLI != nil, "gnutls-cli is not on PATH"), arguments: versions)
    func gnutlsClientsGetTheRightCertificate(_ version: VersionCase) throws {
        let gnutlsCLI = try #require(Self.gnutlsCLI)
        let identities = try Identities()
        let server = try ServerUnderTest(identities.serverArguments + ["--tls-version", version.name])
        let pin = "NORMAL:-VERS-ALL:+VERS-\(version.gnutlsName)"
        let ecdsaOnly = pin + ":-SIGN-ALL:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SHA256"
        let rsaOnly = pin + ":-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-SHA256"
        for (name, priority, trust, subject) in [("a.wild.test", pin, identities.wildcard.cert, "CN=wild.test"),
                                                 ("rsa.test", pin, identities.rsa.cert, "CN=rsa.test"),
                                                 ("localhost", ecdsaOnly, identities.ecdsa.cert, "CN=ec.test"),
                                                 ("localhost", rsaOnly, identities.rsa.cert, "CN=rsa.test")] {
            let result = try run(gnutlsCLI, ["--priority", priority, "--x509cafile", trust, "--sni-hostname", name,
                                             "--verify-hostname", name, "--port", String(server.port), "127.0.0.1"],
                                 input: "", timeout: 20)
            #expect(result.stdout.contains("- Handshake was completed"), "\(name): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("subject `\(subject)'"), "\(name): \(result.stdout)")
            #expect(result.stdout.contains("- Description: (\(version.gnutlsName)-X.509)"), "\(result.stdout)")
        }
    }

    @Test func listeningLineAndJSONListTheIdentities() throws {
        let identities = try Identities()
        let plain = try ServerUnderTest(identities.serverArguments)
        let line = try #require(plain.process.waitForLine(containing: "listening on"))
        #expect(line.contains("3 identities: rsa.test (RSA 2048), ec.test (ECDSA SECP256R1), *.wild.test (RSA 2048)"), "\(line)")
        #expect(plain.process.waitForLine(containing: "identity 1 (default): certificate read: \(identities.rsa.cert) (CN=rsa.test, RSA 2048, names rsa.test localhost") != nil)
        #expect(plain.process.waitForLine(containing: "identity 3: certificate read: \(identities.wildcard.cert) (CN=wild.test, RSA 2048, names *.wild.test") != nil)

        let json = try ServerUnderTest(identities.serverArguments + ["--json"])
        let listening = try #require(json.process.waitForLine(containing: "\"event\":\"listening\""))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(listening.utf8)) as? [String: Any])
        let listed = try #require(object["identities"] as? [[String: Any]])
        #expect(listed.map { $0["subject"] as? String } == ["CN=rsa.test", "CN=ec.test", "CN=wild.test"])
        #expect(listed.map { $0["default"] as? Bool } == [true, false, false])
        #expect(listed[2]["names"] as? [String] == ["*.wild.test"])
        #expect(listed[1]["publicKey"] as? String == "ECDSA SECP256R1")
        #expect(listed[0]["certificate"] as? String == identities.rsa.cert)

        let client = try json.client(["--cafile", identities.ecdsa.cert, "--server-name", "ec.test"])
        #expect(client.status == 0, "\(client.stderr)")
        let exchange = try #require(json.process.waitForLine(containing: "\"role\":\"server\""))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(exchange.utf8)) as? [String: Any])
        let negotiated = try #require(report["negotiated"] as? [String: Any])
        let local = try #require(negotiated["localCertificate"] as? [String: Any])
        #expect(local["subject"] as? String == "CN=ec.test")
    }

    @Test func mismatchedCountsAreUsageErrors() throws {
        let twoCertificates = try tlshello(["server", "--port", "0", "--cert", "a.pem", "--cert", "b.pem", "--key", "a.key"])
        #expect(twoCertificates.status == 64)
        #expect(twoCertificates.stderr.hasPrefix("Error: --cert was given 2 times and --key once: give one --key per --cert, the n-th key belonging to the n-th certificate\n"),
                "\(twoCertificates.stderr)")
        let passphrases = try tlshello(["server", "--port", "0", "--cert", "a.pem", "--key", "a.key", "--cert", "b.pem",
                                        "--key", "b.key", "--cert", "c.pem", "--key", "c.key",
                                        "--passphrase", "x", "--passphrase", "y"])
        #expect(passphrases.status == 64)
        #expect(passphrases.stderr.hasPrefix("Error: --passphrase was given 2 times for 3 keys"), "\(passphrases.stderr)")
    }

    @Test func onePassphrasePerKeyInOrder() throws {
        let identities = try Identities()
        let first = (identities.folder.file("p1.pem"), identities.folder.file("p1.key"))
        let second = (identities.folder.file("p2.pem"), identities.folder.file("p2.key"))
        try Identities.make(first, ["--passphrase", "one"])
        try Identities.make(second, ["--passphrase", "two", "--key-type", "ecdsa", "--subject", "CN=two"])
        let swapped = try tlshello(["server", "--port", "0", "--cert", first.0, "--key", first.1, "--cert", second.0,
                                    "--key", second.1, "--passphrase", "two", "--passphrase", "one"])
        #expect(swapped.status != 0)
        #expect(swapped.stderr.contains("is encrypted and the passphrase is wrong or missing [GNUTLS_E_DECRYPTION_FAILED]"),
                "\(swapped.stderr)")
        let server = try ServerUnderTest(["--cert", first.0, "--key", first.1, "--cert", second.0, "--key", second.1,
                                          "--passphrase", "one", "--passphrase", "two"])
        #expect(server.process.waitForLine(containing: "2 identities") != nil)
    }

    @Test func sighupReloadsEveryPairOrKeepsThemAll() throws {
        let identities = try Identities()
        let server = try ServerUnderTest(["--cert", identities.rsa.cert, "--key", identities.rsa.key,
                                          "--cert", identities.ecdsa.cert, "--key", identities.ecdsa.key])
        let oldECDSA = identities.folder.file("old-ec.pem")
        try FileManager.default.copyItem(atPath: identities.ecdsa.cert, toPath: oldECDSA)
        #expect(try server.client(["--cafile", oldECDSA, "--server-name", "ec.test"]).status == 0)

        // A broken second key: the reload fails and both old pairs keep serving.
        let goodKey = try String(contentsOfFile: identities.ecdsa.key, encoding: .utf8)
        try "broken\n".write(toFile: identities.ecdsa.key, atomically: true, encoding: .utf8)
        kill(server.process.pid, SIGHUP)
        let failed = try #require(server.process.waitForLine(containing: "SIGHUP: reload failed, keeping the previous certificate"))
        #expect(failed.contains(identities.ecdsa.key), "\(failed)")
        #expect(try server.client(["--cafile", oldECDSA, "--server-name", "ec.test"]).status == 0)
        #expect(try server.client(["--cafile", identities.rsa.cert, "--server-name", "rsa.test"]).status == 0)

        // A new second pair: both reloaded, the new ECDSA certificate serves ec.test.
        try goodKey.write(toFile: identities.ecdsa.key, atomically: true, encoding: .utf8)
        try Identities.make(identities.ecdsa, ["--subject", "CN=ec.test", "--san", "ec.test", "--key-type", "ecdsa"])
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: 2 certificates and keys reloaded for new connections") != nil)
        #expect(try server.client(["--cafile", identities.ecdsa.cert, "--server-name", "ec.test"]).status == 0)
        let stale = try server.client(["--cafile", oldECDSA, "--server-name", "ec.test"])
        #expect(stale.status == 1)
        #expect(try server.client(["--cafile", identities.rsa.cert, "--server-name", "rsa.test"]).status == 0)
    }
}
