import Foundation
import Testing

/// Pins and OCSP stapling against GnuTLS's own tools: `gnutls-serv --ocsp-response` stapling to
/// tlshello client, `gnutls-cli --save-ocsp` receiving what tlshello server staples, and
/// `tlshello client --pin` against gnutls-serv. TLS 1.2 and 1.3.
@Suite struct TrustInteropTests {
    static let gnutlsCli: String? = Paths.which("gnutls-cli")
    static let priorities = ["tlsv1.2": "NORMAL:-VERS-ALL:+VERS-TLS1.2", "tlsv1.3": "NORMAL:-VERS-ALL:+VERS-TLS1.3"]

    @Test(.enabled(if: gnutlsCli != nil && Peers.openssl != nil, "gnutls-cli or openssl is not on PATH"),
          arguments: ["tlsv1.2", "tlsv1.3"])
    func gnutlsCliReceivesTheResponseTlshelloServerStaples(version: String) throws {
        let ca = try ThrowawayCA()
        let response = try ca.response(.good)
        let server = try ServerUnderTest(["--cert", ca.leaf, "--key", ca.leafKey, "--ocsp-response", response, "--tls-version", version])
        let saved = ca.folder.file("saved.der")
        let result = try run(Self.gnutlsCli!, ["--x509cafile", ca.ca, "--verify-hostname", "localhost", "--port", String(server.port),
                                              "--priority", Self.priorities[version]!, "--save-ocsp", saved, "127.0.0.1"],
                             input: InteropTests.greeting, timeout: 20)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.line(containing: "- Options:")?.contains("OCSP status request") == true, "\(result.stdout)")
        #expect(result.stdout.contains(InteropTests.reply))
        #expect(FileManager.default.contents(atPath: saved) == FileManager.default.contents(atPath: response))
    }

    @Test(.enabled(if: GnuTLSServer.isAvailable && Peers.openssl != nil, "gnutls-serv cannot run in a namespace here, or no openssl"),
          arguments: ["tlsv1.2", "tlsv1.3"])
    func tlshelloClientReadsTheStatusGnutlsServStaples(version: String) throws {
        let ca = try ThrowawayCA()
        let server = try GnuTLSServer(["--ocsp-response", try ca.response(.good)], certificate: ca.leaf, key: ca.leafKey)
        let result = try server.client(["--cafile", ca.ca, "--tls-version", version, "--require-ocsp", "--message", "eco\n", "--timeout", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OCSP status stapled: good (this update "), "\(result.stdout)")
        #expect(result.stdout.contains("3. reply received: eco"))
    }

    @Test(.enabled(if: GnuTLSServer.isAvailable, "gnutls-serv cannot run in a namespace here"))
    func tlshelloClientPinsGnutlsServ() throws {
        let server = try GnuTLSServer([])
        let json = try server.client(["--cafile", Paths.demoCertificate, "--json", "--message", "eco\n", "--timeout", "5"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let chain = try #require((object["negotiated"] as? [String: Any])?["peerCertificates"] as? [[String: Any]])
        let pin = try #require(chain.first?["publicKeyPin"] as? String)
        let pinned = try server.client(["--cafile", Paths.demoCertificate, "--pin", pin, "--message", "eco\n", "--timeout", "5"])
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stdout.contains("public key pin matched"))
        let other = "sha256/" + Data(repeating: 1, count: 32).base64EncodedString()
        let refused = try server.client(["--cafile", Paths.demoCertificate, "--pin", other, "--message", "eco\n", "--timeout", "5"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "tlshello client: public key pin mismatch: the server presented \(pin) (CN=diegoUcamCert); expected \(other)\n")
    }
}
