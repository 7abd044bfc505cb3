import Foundation
import Testing

/// OCSP stapling through the CLI: `server --ocsp-response` with responses made by `openssl ocsp`
/// from a throw-away CA, `client` showing the stapled status and `--require-ocsp`, and OpenSSL's
/// `s_server -status_file` and `s_client -status` as the other side.
@Suite(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
struct CLIOCSPTests {
    static let versions = ["tlsv1.2", "tlsv1.3"]

    @Test(arguments: versions)
    func aGoodStapledStatusIsShownAndSatisfiesRequireOCSP(version: String) throws {
        let ca = try ThrowawayCA()
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", try ca.response(.good)])
        #expect(server.process.stdout.contains("OCSP response read: "))
        #expect(server.process.stdout.contains(".der (good (this update "))
        #expect(server.process.stdout.contains(", OCSP stapling)"))
        let result = try server.client(["--cafile", ca.ca, "--tls-version", version, "--require-ocsp", "--trace"])
        #expect(result.status == 0, "\(result.stderr)")
        let step = try #require(result.stdout.line(containing: "OCSP status stapled:"))
        #expect(step.contains("OCSP status stapled: good (this update "), "\(step)")
        #expect(step.contains(", next update "), "\(step)")
        #expect(!step.contains("not verified"))
        let traced = version == "tlsv1.2" ? result.stdout.line(containing: "← CertificateStatus")
                                          : result.stdout.line(containing: "← Certificate ")
        #expect(traced?.contains("OCSP good, this update ") == true, "\(result.stdout)")

        let json = try server.client(["--cafile", ca.ca, "--tls-version", version, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let negotiated = try #require(object["negotiated"] as? [String: Any])
        let ocsp = try #require(negotiated["ocspStatus"] as? [String: Any])
        #expect(ocsp["certificateStatus"] as? String == "good")
        #expect(ocsp["verified"] as? Bool == true)
        #expect(ocsp["thisUpdate"] is String && ocsp["nextUpdate"] is String)
    }

    /// GnuTLS staples no revoked status, so the revoked response comes from `openssl s_server`.
    @Test(arguments: [VersionCase.tls12, VersionCase.tls13], [false, true])
    func aRevokedStapledStatusFailsVerificationAlways(_ version: VersionCase, insecure: Bool) throws {
        let ca = try ThrowawayCA()
        let server = try OpenSSLServer(["-cert", ca.leaf, "-key", ca.leafKey, "-status_file", try ca.response(.revoked), version.opensslFlag])
        let client = try RunningProcess(Paths.tlshello, ["client", "127.0.0.1", "--port", String(server.port), "--timeout", "5"]
                                        + (insecure ? ["--insecure"] : ["--cafile", ca.ca]))
        if insecure {
            // --insecure verifies nothing: the status is only shown.
            #expect(server.process.waitForLine(containing: InteropTests.greeting, timeout: 15) != nil, "\(client.stderr)")
            #expect(server.process.sendIfRunning(InteropTests.reply + "\n"))
            let result = client.wait(timeout: 15)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("OCSP status stapled: revoked on 2026-11-01 00:00:00 UTC (keyCompromise), this update "),
                    "\(result.stdout)")
            #expect(result.stdout.contains(", not verified"))
        } else {
            let result = client.wait(timeout: 15)
            #expect(result.status == 1)
            #expect(result.stderr.nonEmptyLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("certificate verification failed: certificate revoked: the OCSP response the server stapled says revoked on 2026-11-01 00:00:00 UTC (keyCompromise)"),
                    "\(result.stderr)")
        }
    }

    /// A response whose signature was damaged after signing fails verification, even without
    /// --require-ocsp (OpenSSL staples it unchecked).
    @Test func aStapledResponseThatDoesNotVerifyFailsVerification() throws {
        let ca = try ThrowawayCA()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try ca.response(.good))))
        bytes[bytes.count - 5] ^= 0xff  // inside the signature
        let damaged = ca.folder.file("damaged.der")
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let server = try OpenSSLServer(["-cert", ca.leaf, "-key", ca.leafKey, "-status_file", damaged])
        let result = try tlshello(["client", "127.0.0.1", "--port", String(server.port), "--cafile", ca.ca, "--timeout", "5"])
        #expect(result.status == 1)
        #expect(result.stderr == "tlshello client: certificate verification failed: the OCSP response the server stapled does not verify (not signed by the certificate's issuer or a responder it named)\n")
    }

    @Test func aRevokedOrForeignResponseIsRefusedAtStartUp() throws {
        let ca = try ThrowawayCA()
        let revoked = try ca.response(.revoked)
        let result = try tlshello(["server", "--port", "0", "--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", revoked])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tlshello server: OCSP response \(revoked): it says the certificate is revoked on 2026-11-01 00:00:00 UTC (keyCompromise), this update "),
                "\(result.stderr)")
        #expect(result.stderr.hasSuffix("; a revoked status is not stapled\n"), "\(result.stderr)")
    }

    @Test func theServersJSONSaysWhatItStapledForEachClient() throws {
        let ca = try ThrowawayCA()
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", try ca.response(.good), "--json"])
        #expect(server.process.stdout.contains("\"event\":\"ocsp\""))
        let result = try server.client(["--cafile", ca.ca, "--resume"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.process.waitUntil(timeout: 10) { String(decoding: $0, as: UTF8.self).count(linesContaining: "\"event\":\"exchange\"") == 2 })
        let exchanges = try server.process.stdout.nonEmptyLines.filter { $0.contains("\"event\":\"exchange\"") }.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let stapled = exchanges.map { (($0["negotiated"] as? [String: Any])?["ocspStatus"] as? [String: Any])?["certificateStatus"] as? String }
        // The full handshake stapled the response; the resumed one sent no certificate and no status.
        #expect(stapled == ["good", nil])
    }

    @Test(arguments: versions)
    func anUnknownStatusIsShownAndFailsOnlyWithRequireOCSP(version: String) throws {
        let ca = try ThrowawayCA()
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", try ca.response(.unknown)])
        let shown = try server.client(["--cafile", ca.ca, "--tls-version", version])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("OCSP status stapled: unknown (this update "))
        let required = try server.client(["--cafile", ca.ca, "--tls-version", version, "--require-ocsp"])
        #expect(required.status == 1)
        #expect(required.stderr.hasPrefix("tlshello client: no good OCSP status: the response the server stapled says unknown (this update"),
                "\(required.stderr)")
        #expect(server.process.waitForLine(containing: "bad_certificate_status_response") != nil, "\(server.process.stdout)")
    }

    @Test(arguments: versions)
    func noStapledStatusFailsOnlyWithRequireOCSP(version: String) throws {
        let ca = try ThrowawayCA()
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey])
        let plain = try server.client(["--cafile", ca.ca, "--tls-version", version])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stdout.contains("OCSP"))
        let required = try server.client(["--cafile", ca.ca, "--tls-version", version, "--require-ocsp", "--json"])
        #expect(required.status == 1)
        #expect(required.stderr == "tlshello client: no good OCSP status: the server stapled no OCSP response\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(required.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "ocsp-status-required")
    }

    @Test func sighupRereadsTheResponse() throws {
        let ca = try ThrowawayCA()
        let staple = try ca.response(.good, file: "staple.der")
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", staple])
        #expect(try server.client(["--cafile", ca.ca]).stdout.contains("OCSP status stapled: good"))
        try ca.response(.unknown, file: "staple.der")
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: certificate and key reloaded") != nil)
        #expect(server.process.stdout.contains("SIGHUP: OCSP response re-read: \(staple) (unknown (this update"))
        #expect(try server.client(["--cafile", ca.ca]).stdout.contains("OCSP status stapled: unknown"))

        try "garbage".write(toFile: staple, atomically: true, encoding: .utf8)
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: reload failed, keeping the previous certificate: OCSP response \(staple): not a DER OCSP response") != nil)
        #expect(try server.client(["--cafile", ca.ca]).stdout.contains("OCSP status stapled: unknown"))
    }

    @Test func aResponseTheServerCannotStapleIsABadInput() throws {
        let ca = try ThrowawayCA()
        try ca.issue(name: "second", serial: "3003")
        let good = try ca.response(.good)
        let other = try tlshello(["server", "--port", "0", "--cert", ca.folder.file("second.pem"), "--key", ca.folder.file("second.key"),
                                  "--ocsp-response", good])
        #expect(other.status == 2)
        #expect(other.stderr == "tlshello server: OCSP response \(good): the response is about serial 1001, not about CN=localhost, serial 3003 [GNUTLS_E_OCSP_MISMATCH_WITH_CERTS]\n")
        let garbage = try ca.folder.write("garbage.der", "not DER")
        let broken = try tlshello(["server", "--port", "0", "--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", garbage])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("tlshello server: OCSP response \(garbage): not a DER OCSP response ["))
        let missing = try tlshello(["server", "--port", "0", "--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", ca.folder.file("none.der")])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("none.der: "))
    }

    @Test func requireOCSPWithInsecureIsAUsageError() throws {
        let result = try tlshello(["client", "127.0.0.1", "--insecure", "--require-ocsp"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--require-ocsp needs verification"))
    }

    // MARK: - OpenSSL

    /// tlshello client → `openssl s_server -status_file`: the status OpenSSL staples is shown and verified.
    @Test(arguments: [VersionCase.tls12, VersionCase.tls13])
    func clientReadsTheStatusOpenSSLStaples(_ version: VersionCase) throws {
        let ca = try ThrowawayCA()
        let server = try OpenSSLServer(["-cert", ca.leaf, "-key", ca.leafKey, "-status_file", try ca.response(.good), version.opensslFlag])  // the later -cert and -key replace the demo's
        let client = try RunningProcess(Paths.tlshello, ["client", "127.0.0.1", "--port", String(server.port), "--cafile", ca.ca,
                                                        "--require-ocsp", "--timeout", "5"])
        #expect(server.process.waitForLine(containing: InteropTests.greeting, timeout: 15) != nil, "\(client.stderr)")
        #expect(server.process.sendIfRunning(InteropTests.reply + "\n"))
        let result = client.wait(timeout: 15)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(version.gnutlsName), "))
        #expect(result.stdout.contains("OCSP status stapled: good (this update "), "\(result.stdout)")
    }

    /// `openssl s_client -status` → tlshello server: OpenSSL receives and prints the stapled response.
    @Test(arguments: [VersionCase.tls12, VersionCase.tls13])
    func openSSLClientReceivesTheStapledStatus(_ version: VersionCase) throws {
        let ca = try ThrowawayCA()
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", try ca.response(.good)])
        let result = try run(Peers.openssl!, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-status", "-CAfile", ca.ca,
                                              "-verify_return_error", version.opensslFlag, "-ign_eof"],
                             input: InteropTests.greeting, timeout: 20)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OCSP Response Status: successful (0x0)"), "\(result.stdout)")
        #expect(result.stdout.contains("Cert Status: good"))
        #expect(result.stdout.contains(InteropTests.reply))
    }
}
