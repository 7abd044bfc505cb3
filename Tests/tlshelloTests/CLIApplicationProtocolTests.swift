import Foundation
import Testing

/// `--alpn` and `--alpn-strict` between `tlshello server`, `client` and `bench` on loopback: the
/// numbered steps, the trace and `--json` show the offer and the choice; bad lists fail before
/// any socket opens.
@Suite struct CLIApplicationProtocolTests {
    private func json(_ line: String?) throws -> [String: Any] {
        let text = try #require(line)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: ["tlsv1.2", "tlsv1.3"])
    func theServersOrderDecidesAndBothSidesSayWhat(version: String) throws {
        let server = try ServerUnderTest(["--alpn", "h2,http/1.1", "--tls-version", version])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "http/1.1,h2", "--trace"])
        let disconnected = server.process.waitForLine(containing: "4. client disconnected", timeout: 10)
        let log = server.process.stdout

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains("   ALPN: offered http/1.1, h2; agreed on h2"), "\(result.stdout)")
        #expect(result.stdout.line(containing: "→ ClientHello")?.hasSuffix(", ALPN http/1.1 h2") == true, "\(result.stdout)")
        let answer = version == "tlsv1.3" ? "← EncryptedExtensions" : "← ServerHello"
        #expect(result.stdout.line(containing: answer)?.hasSuffix("ALPN h2") == true, "\(result.stdout)")
        #expect(disconnected != nil)
        #expect(log.line(containing: "listening on")?.hasSuffix(", ALPN h2, http/1.1)") == true, "\(log)")
        #expect(log.line(containing: "2. handshake done:")?.hasSuffix(", ALPN h2") == true, "\(log)")
    }

    @Test func aServerWithoutALPNAgreesOnNothingAndTheExchangeGoesOn() throws {
        let server = try ServerUnderTest()
        let result = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "h2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains(
            "   ALPN: offered h2; no protocol agreed (the server does not use ALPN, or shares none of these)"), "\(result.stdout)")
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor...."))
        // Without --alpn the client says nothing of ALPN.
        let plain = try server.client(["--cafile", Paths.demoCertificate])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("ALPN"))
    }

    @Test func jsonShowsTheOfferAndTheChoiceOnBothSides() throws {
        let server = try ServerUnderTest(["--alpn", "h2,http/1.1", "--json"])
        let agreed = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "http/1.1", "--json"])
        #expect(agreed.status == 0, "\(agreed.stderr)")
        let client = try json(agreed.stdout.nonEmptyLines.last)
        let alpn = try #require(client["alpn"] as? [String: Any])
        #expect(alpn["protocols"] as? [String] == ["http/1.1"])
        #expect(alpn["agreed"] as? String == "http/1.1")
        #expect(alpn["strict"] as? Bool == false)
        #expect((client["negotiated"] as? [String: Any])?["applicationProtocol"] as? String == "http/1.1")

        let spaced = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "spdy/3, http/1.1 ", "--json"])
        let spacedAlpn = try #require(try json(spaced.stdout.nonEmptyLines.last)["alpn"] as? [String: Any])
        #expect(spacedAlpn["protocols"] as? [String] == ["spdy/3", "http/1.1"])
        #expect(spacedAlpn["agreed"] as? String == "http/1.1")

        let none = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "spdy/3", "--json"])
        #expect(none.status == 0, "\(none.stderr)")
        let noneAlpn = try #require(try json(none.stdout.nonEmptyLines.last)["alpn"] as? [String: Any])
        #expect(noneAlpn["agreed"] is NSNull, "agreed must be present and null: \(none.stdout)")

        let listening = try json(server.process.stdout.line(containing: "\"listening\""))
        #expect(listening["alpn"] as? String == "h2,http/1.1")
        #expect(listening["alpnStrict"] as? String == "false")
        #expect(server.process.waitUntil(timeout: 10) { String(decoding: $0, as: UTF8.self).count(linesContaining: "\"exchange\"") == 3 })
        let exchanges = server.process.stdout.nonEmptyLines.filter { $0.contains("\"exchange\"") }
        let first = try #require(try json(exchanges.first)["alpn"] as? [String: Any])
        #expect(first["protocols"] as? [String] == ["h2", "http/1.1"])
        #expect(first["agreed"] as? String == "http/1.1")
        #expect(try #require(try json(exchanges.last)["alpn"] as? [String: Any])["agreed"] is NSNull)
    }

    @Test func aStrictServerRefusesAndAStrictClientRefuses() throws {
        let strict = try ServerUnderTest(["--alpn", "h2", "--alpn-strict"])
        let refused = try strict.client(["--cafile", Paths.demoCertificate, "--alpn", "http/1.1", "--json"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("tlshello client: no common application protocol (ALPN): this side offered http/1.1; "
            + "the server accepts none of them and refused the handshake with the no_application_protocol alert"), "\(refused.stderr)")
        #expect(try json(refused.stdout.nonEmptyLines.last)["kind"] as? String == "no-common-application-protocol")
        let failed = strict.process.waitForLine(containing: "failed:", timeout: 10)
        #expect(failed?.hasSuffix("the client offered http/1.1; this server accepts h2 and requires one [GNUTLS_E_NO_APPLICATION_PROTOCOL]") == true)
        // A client offering nothing is served, without ALPN.
        let plain = try strict.client(["--cafile", Paths.demoCertificate])
        #expect(plain.status == 0, "\(plain.stderr)")

        let lenient = try ServerUnderTest()
        let strictClient = try lenient.client(["--cafile", Paths.demoCertificate, "--alpn", "h2", "--alpn-strict"])
        #expect(strictClient.status == 1)
        #expect(strictClient.stderr == "tlshello client: no common application protocol (ALPN): this side offered h2 and requires one; "
            + "the server agreed to none (it answered without ALPN)\n")
        let failure = lenient.process.waitForLine(containing: "failed:", timeout: 10)
        // The server's handshake had completed: the alert ends the connection there.
        #expect(failure?.hasSuffix("failed: the peer sent a fatal alert: no supported application protocol could be negotiated "
            + "(GNUTLS_A_NO_APPLICATION_PROTOCOL) [GNUTLS_E_FATAL_ALERT_RECEIVED]") == true, "\(lenient.process.stdout)")
    }

    @Test func benchReportsTheAgreedProtocol() throws {
        let server = try ServerUnderTest(["--quiet", "--alpn", "h2,http/1.1"])
        let result = try tlshello(["bench", "127.0.0.1", "--port", String(server.port), "--duration", "0.3", "--alpn", "http/1.1"],
                                  timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.first?.hasSuffix(", ALPN http/1.1") == true, "\(result.stdout)")
        let json = try tlshello(["bench", "127.0.0.1", "--port", String(server.port), "--duration", "0.3", "--alpn", "spdy/3", "--json"],
                                timeout: 60)
        let object = try self.json(json.stdout.nonEmptyLines.last)
        #expect(object["applicationProtocols"] as? [String] == ["spdy/3"])
        #expect(object["applicationProtocol"] == nil)
        #expect((object["exchanges"] as? Int ?? 0) > 0)
    }

    private static let nine = (1...9).map { "p\($0)" }.joined(separator: ",")
    private static let x256 = String(repeating: "x", count: 256)
    private static let y32 = String(repeating: "y", count: 32)
    private static let badLists: [([String], String)] = [
        (["client", "127.0.0.1", "--alpn", ""], "--alpn: application protocol 1 of 1 is empty; GnuTLS accepts names of 1 to 31 bytes"),
        (["client", "127.0.0.1", "--alpn", "h2,,http/1.1"], "--alpn: application protocol 2 of 3 is empty; GnuTLS accepts names of 1 to 31 bytes"),
        (["client", "127.0.0.1", "--alpn", "h2, "], "--alpn: application protocol 2 of 2 is empty; GnuTLS accepts names of 1 to 31 bytes"),
        (["server", "--port", "0", "--alpn", "h2,h2"], "--alpn: application protocol 'h2' is listed twice"),
        (["client", "127.0.0.1", "--alpn", "h2", "--alpn", "http/1.1,h2"], "--alpn: application protocol 'h2' is listed twice"),
        (["bench", "127.0.0.1", "--alpn", "h2", "--alpn", "h2"], "--alpn: application protocol 'h2' is listed twice"),
        (["bench", "127.0.0.1", "--alpn", x256], "--alpn: application protocol '\(String(repeating: "x", count: 64))…' is 256 bytes long; GnuTLS accepts at most 31"),
        // GnuTLS's own limits, below RFC 7301's, are refused here too, in the same format.
        (["server", "--port", "0", "--alpn", y32], "--alpn: application protocol '\(y32)' is 32 bytes long; GnuTLS accepts at most 31"),
        (["client", "127.0.0.1", "--alpn", nine], "--alpn: 9 application protocols given; GnuTLS accepts at most 8"),
        (["client", "127.0.0.1", "--alpn", "p1,p2,p3,p4,p5", "--alpn", "p6,p7,p8,p9"], "--alpn: 9 application protocols given; GnuTLS accepts at most 8"),
        (["server", "--port", "0", "--alpn", nine], "--alpn: 9 application protocols given; GnuTLS accepts at most 8"),
        (["server", "--port", "0", "--alpn-strict"], "--alpn-strict needs --alpn (the protocols to require)"),
        (["client", "127.0.0.1", "--alpn-strict"], "--alpn-strict needs --alpn (the protocols to require)"),
    ]

    @Test(arguments: badLists)
    func badListsAreRefusedBeforeAnythingOpens(arguments: [String], message: String) throws {
        let result = try tlshello(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.nonEmptyLines.first == "Error: \(message)", "\(result.stderr)")
        #expect(!result.stdout.contains("listening on"))
    }

    @Test func aRepeatedOptionAddsToTheList() throws {
        // The server's repeated option adds up too: h2 comes first, so it is chosen over http/1.1.
        let server = try ServerUnderTest(["--alpn", "h2", "--alpn", "spdy/2"])
        #expect(server.process.stdout.line(containing: "listening on")?.contains("ALPN h2, spdy/2") == true, "\(server.process.stdout)")
        let result = try server.client(["--cafile", Paths.demoCertificate, "--alpn", "spdy/3", "--alpn", "http/1.1, h2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.nonEmptyLines.contains("   ALPN: offered spdy/3, http/1.1, h2; agreed on h2"), "\(result.stdout)")
        let bench = try tlshello(["bench", "127.0.0.1", "--port", String(server.port), "--duration", "0.3",
                                  "--alpn", "spdy/3", "--alpn", "h2", "--json"], timeout: 60)
        #expect(bench.status == 0, "\(bench.stderr)")
        let object = try json(bench.stdout.nonEmptyLines.last)
        #expect(object["applicationProtocols"] as? [String] == ["spdy/3", "h2"])
        #expect(object["applicationProtocol"] as? String == "h2")
    }

    @Test func helpDescribesTheOptions() throws {
        for command in ["server", "client", "bench"] {
            let help = try tlshello([command, "--help"])
            #expect(help.stdout.contains("--alpn <list>"), "\(command)")
            #expect(help.stdout.contains("comma-separated (e.g. h2,http/1.1)"), "\(command)")
        }
        // The limits said are the ones refused (GnuTLS's, below RFC 7301's 255 bytes).
        for command in ["server", "client", "bench"] {
            let help = try tlshello([command, "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.contains("at most 8 names of 1 to 31 bytes, none twice"), "\(command): \(help)")
        }
        #expect(try tlshello(["server", "--help"]).stdout.contains("--alpn-strict"))
        #expect(try tlshello(["client", "--help"]).stdout.contains("--alpn-strict"))
    }
}
