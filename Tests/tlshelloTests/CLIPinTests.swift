import Foundation
import Testing

/// `tlshello client --pin` against a live `tlshello server` and `openssl s_server`: the pin of
/// the demo certificate (computed here by OpenSSL) is accepted, another is refused in one line
/// that gives the pins the server presented, and `--json` shows each certificate's pin.
@Suite(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
struct CLIPinTests {
    /// The demo certificate's pin as OpenSSL computes it: SHA-256 of the DER SubjectPublicKeyInfo, base64.
    static let demoPin: String = {
        guard let openssl = Peers.openssl,
              let result = try? run("/bin/sh", ["-c", "\"$0\" x509 -in \"$1\" -pubkey -noout | \"$0\" pkey -pubin -outform DER"
                                               + " | \"$0\" dgst -sha256 -binary | base64 -w0", openssl, Paths.demoCertificate]),
              result.status == 0 else { return "" }
        return "sha256/" + result.stdout
    }()
    static let otherPin = "sha256/" + Data(repeating: 7, count: 32).base64EncodedString()

    @Test func theRightPinIsAcceptedAndJSONShowsEachCertificatesPin() throws {
        #expect(Self.demoPin.count == 51, "\(Self.demoPin)")
        let server = try ServerUnderTest()
        let result = try server.client(["--cafile", Paths.demoCertificate, "--pin", Self.otherPin, "--pin", Self.demoPin])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("verified (chain and name 127.0.0.1), public key pin matched"))

        let json = try server.client(["--cafile", Paths.demoCertificate, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let chain = try #require((object["negotiated"] as? [String: Any])?["peerCertificates"] as? [[String: Any]])
        #expect(chain.first?["publicKeyPin"] as? String == Self.demoPin)
    }

    @Test(arguments: ["tlsv1.2", "tlsv1.3"])
    func aWrongPinFailsInOneLineAndTheServerHearsBadCertificate(version: String) throws {
        let server = try ServerUnderTest(["--tls-version", version])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--pin", Self.otherPin, "--json"])
        #expect(result.status == 1)
        #expect(result.stderr == "tlshello client: public key pin mismatch: the server presented \(Self.demoPin) (CN=diegoUcamCert); expected \(Self.otherPin)\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "pin-mismatch")
        #expect(server.process.waitForLine(containing: "failed: handshake failed: the peer sent a fatal alert: certificate is bad (GNUTLS_A_BAD_CERTIFICATE)") != nil,
                "\(server.process.stdout)")
        // The trace shows the alert going out right after the server's verified flight.
        let traced = try server.client(["--cafile", Paths.demoCertificate, "--pin", Self.otherPin, "--trace"])
        let lines = traced.stdout.nonEmptyLines
        #expect(lines.last?.hasPrefix("→ Alert              bad_certificate (fatal") == true, "\(traced.stdout)")
        #expect(lines.contains { $0.hasPrefix(version == "tlsv1.2" ? "← ServerHelloDone" : "← Finished") })
        #expect(!lines.contains { $0.hasPrefix("→ Finished") }, "the client refuses before its own Finished")
        // The server goes on serving.
        #expect(try server.client(["--cafile", Paths.demoCertificate, "--pin", Self.demoPin]).status == 0)
    }

    @Test func withInsecureTheLeafsPinIsStillChecked() throws {
        let server = try ServerUnderTest()
        #expect(try server.client(["--insecure", "--pin", Self.demoPin]).status == 0)
        let refused = try server.client(["--insecure", "--pin", Self.otherPin])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("public key pin mismatch: the server presented \(Self.demoPin) (CN=diegoUcamCert)"))
    }

    @Test(arguments: ["sha1/AAAA", "sha256/AAAA", "sha256/%%%"])
    func aBadPinIsAUsageError(pin: String) throws {
        let result = try tlshello(["client", "127.0.0.1", "--pin", pin])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: --pin: invalid public key pin '\(pin)': "), "\(result.stderr)")
    }

    @Test(arguments: [VersionCase.tls12, VersionCase.tls13], [true, false])
    func againstOpenSSLServer(_ version: VersionCase, matching: Bool) throws {
        let server = try OpenSSLServer(version.opensslArguments)
        let client = try RunningProcess(Paths.tlshello, ["client", "127.0.0.1", "--port", String(server.port), "--cafile", Paths.demoCertificate,
                                                        "--pin", matching ? Self.demoPin : Self.otherPin, "--timeout", "5"])
        if matching {
            #expect(server.process.waitForLine(containing: InteropTests.greeting, timeout: 15) != nil, "\(client.stderr)")
            #expect(server.process.sendIfRunning(InteropTests.reply + "\n"))
        }
        let result = client.wait(timeout: 15)
        let served = server.process.wait(timeout: 10)
        if matching {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("public key pin matched"))
        } else {
            #expect(result.status == 1)
            #expect(result.stderr.contains("public key pin mismatch: the server presented \(Self.demoPin)"))
            #expect(served.stdout.contains("bad certificate") || served.stderr.contains("bad certificate"),
                    "\(served.stdout)\(served.stderr)")
        }
    }
}
