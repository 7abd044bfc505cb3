import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// `--diagram`: the ladder diagrams the server and the client draw of each connection.
@Suite struct DiagramTests {
    private static func jsonObject(_ line: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The trace of a JSON report as `from→to message` from the client's side.
    private static func traceMessages(_ object: [String: Any], drawnBy side: String) throws -> [String] {
        let trace = try #require(object["trace"] as? [[String: Any]])
        let other = side == "client" ? "server" : "client"
        return try trace.map { event in
            let sent = try #require(event["direction"] as? String) == "sent"
            let name = try #require(event["message"] as? String)
            return sent ? "\(side)→\(other) \(name)" : "\(other)→\(side) \(name)"
        }
    }

    @Test func bothSidesDrawTheExchangeTheyTraced() throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest(["--json", "--trace", "--diagram", folder.file("server-{n}.svg")])
        let clientFile = folder.file("client.svg")
        let result = try server.client(["--json", "--trace", "--cafile", Paths.demoCertificate, "--diagram", clientFile])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.jsonObject(try #require(result.stdout.split(separator: "\n").first))
        #expect(report["diagram"] as? String == clientFile)

        let drawn = try LadderSVG(path: clientFile)
        #expect(drawn.messages.map(\.description) == (try Self.traceMessages(report, drawnBy: "client")))
        #expect(drawn.messages.first?.description == "client→server ClientHello")
        #expect(drawn.messages.contains { $0.name == "application data" && $0.encrypted == "true" })
        #expect(drawn.messages.last?.name == "Alert")
        #expect(drawn.text.contains("close_notify"))
        #expect(drawn.text.contains("127.0.0.1:\(server.port)"))
        // Times since the connection opened, for every message.
        #expect(drawn.text.components(separatedBy: "class=\"time\"").count - 1 == drawn.messages.count)

        // The server reports its file once the connection closed; its trace ends with the closing alerts.
        let line = try #require(server.process.waitForLine(containing: "\"event\":\"diagram\""))
        let event = try Self.jsonObject(line)
        let serverFile = folder.file("server-1.svg")
        #expect(event["file"] as? String == serverFile)
        let exchange = try Self.jsonObject(try #require(server.process.waitForLine(containing: "\"event\":\"exchange\"")))
        let serverDrawn = try LadderSVG(path: serverFile)
        let serverTrace = try Self.traceMessages(exchange, drawnBy: "server")
        #expect(Array(serverDrawn.messages.map(\.description).prefix(serverTrace.count)) == serverTrace)
        #expect(serverDrawn.messages.contains { $0.description == "client→server Alert" })

        for file in [clientFile, serverFile] {
            #expect(try xmlProblems(file) == nil)
            let size = try renderedSize(file, into: file + ".png")
            #expect(size > 20_000, "rsvg-convert of \(file): \(size)")
        }
    }

    @Test func tls13EncryptsAfterServerHelloInOneRoundTrip() throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest()
        var drawings: [String: LadderSVG] = [:]
        for version in ["tlsv1.2", "tlsv1.3"] {
            let file = folder.file("\(version).svg")
            let result = try server.client(["--tls-version", version, "--cafile", Paths.demoCertificate, "--diagram", file])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("   diagram written to \(file)\n"))
            drawings[version] = try LadderSVG(path: file)
        }
        let tls13 = try #require(drawings["tlsv1.3"])
        let tls12 = try #require(drawings["tlsv1.2"])
        func kind(_ drawing: LadderSVG, _ description: String) -> String? {
            drawing.messages.first { $0.description == description }?.encrypted
        }
        // TLS 1.3: everything after ServerHello (but the compatibility ChangeCipherSpec) is encrypted.
        let serverHello = try #require(tls13.messages.firstIndex { $0.name == "ServerHello" })
        #expect(tls13.messages[..<serverHello].allSatisfy { $0.encrypted == "false" })
        #expect(tls13.messages[(serverHello + 1)...].filter { $0.name != "ChangeCipherSpec" }.allSatisfy { $0.encrypted == "true" })
        #expect(kind(tls13, "server→client Certificate") == "true")
        #expect(tls13.roundTrips == 1)
        #expect(tls13.text.contains("1 round trip before the client may send application data"))
        // TLS 1.2: the certificate crosses in the clear; only Finished follows ChangeCipherSpec encrypted.
        #expect(kind(tls12, "server→client Certificate") == "false")
        #expect(kind(tls12, "server→client ServerKeyExchange") == "false")
        #expect(kind(tls12, "client→server ClientKeyExchange") == "false")
        #expect(tls12.messages.filter { $0.name == "Finished" }.allSatisfy { $0.encrypted == "true" })
        #expect(tls12.roundTrips == 2)
        #expect(tls12.text.contains("2 round trips before the client may send application data"))
    }

    @Test func versionMismatchEndsWithTheAlertOnBothSides() throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", "tlsv1.3", "--diagram", folder.file("server.svg")])
        let file = folder.file("client.svg")
        let result = try server.client(["--tls-version", "tlsv1.2", "--cafile", Paths.demoCertificate, "--diagram", file, "--json"])
        #expect(result.status == 1)
        let report = try Self.jsonObject(try #require(result.stdout.split(separator: "\n").first))
        #expect(report["event"] as? String == "error")
        #expect(report["diagram"] as? String == file)
        let client = try LadderSVG(path: file)
        #expect(client.messages.map(\.description) == ["client→server ClientHello", "server→client Alert"])
        #expect(client.messages.last?.kind == "alert")
        #expect(client.text.contains("protocol_version"))
        #expect(client.text.contains("failed: no common TLS version"))
        #expect(client.text.contains("#dc2626"))
        // The connection existed before the handshake failed: the client's own address is drawn.
        #expect(client.text.contains("client 127.0.0.1:"), "the client's address")
        #expect(!client.text.contains("client and server"))

        #expect(server.process.waitForLine(containing: "diagram written to \(folder.file("server-1.svg"))") != nil)
        let serverSide = try LadderSVG(path: folder.file("server-1.svg"))
        #expect(serverSide.messages.map(\.description) == ["client→server ClientHello", "server→client Alert"])
        #expect(serverSide.text.contains("refused"))
        #expect(serverSide.text.contains("failed: no common TLS version: the client offered TLS1.2"))
        for path in [file, folder.file("server-1.svg")] {
            #expect(try xmlProblems(path) == nil)
            #expect(try renderedSize(path, into: path + ".png") > 5_000)
        }
    }

    @Test func expiredCertificateShowsTheClientsAlert() throws {
        let folder = try TemporaryDirectory()
        var request = CertificateRequest(subject: "CN=localhost,O=expired", subjectAltNames: ["127.0.0.1"])
        request.notBefore = Date(timeIntervalSince1970: 1_500_000_000)
        request.notAfter = Date(timeIntervalSince1970: 1_600_000_000)
        let made = try CertificateGenerator.generate(request)
        let certificate = try folder.write("expired.pem", made.certificatePEM)
        let key = try folder.write("expired.key", made.privateKeyPEM)
        let server = try ServerUnderTest(["--cert", certificate, "--key", key, "--diagram", folder.file("server-{n}.svg")])
        for version in ["tlsv1.2", "tlsv1.3"] {
            let file = folder.file("client-\(version).svg")
            let result = try server.client(["--tls-version", version, "--cafile", certificate, "--diagram", file])
            #expect(result.status == 1)
            #expect(result.stderr.contains("expired"))
            let drawn = try LadderSVG(path: file)
            let alert = try #require(drawn.messages.last)
            #expect(alert.description == "client→server Alert")
            #expect(alert.kind == "alert")
            // The server's certificate came before the alert, in the clear only in TLS 1.2.
            let served = try #require(drawn.messages.first { $0.name == "Certificate" })
            #expect(served.encrypted == (version == "tlsv1.2" ? "false" : "true"))
            #expect(alert.encrypted == (version == "tlsv1.2" ? "false" : "true"))
            #expect(drawn.text.contains("certificate_expired") || drawn.text.contains("bad_certificate"))
            #expect(drawn.text.contains("failed: "))
            #expect(drawn.text.contains("client 127.0.0.1:"), "the client's address")
        }
    }

    @Test func aServerWritesOneFilePerConnection() throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest(["--diagram", folder.file("hs.svg")])
        for _ in 1...2 {
            let result = try server.client(["--cafile", Paths.demoCertificate])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for number in 1...2 {
            let path = folder.file("hs-\(number).svg")
            #expect(server.process.waitForLine(containing: "diagram written to \(path)") != nil)
            #expect(try LadderSVG(path: path).messages.first?.name == "ClientHello")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("hs.svg")))
        // Only the two pictures: no temporary file is left beside them.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["hs-1.svg", "hs-2.svg"])
    }

    @Test(arguments: [
        (["client", "127.0.0.1", "--diagram", ""], "--diagram needs a file name, e.g. --diagram handshake.svg\n"),
        (["client", "127.0.0.1", "--diagram", "pictures/"], "--diagram needs a file name"),
        (["server", "--diagram", "hs-{n}-{n}.svg"], "{n} may appear once"),
        (["server", "--echo", "--diagram", "hs.svg"], "--diagram draws the greeting exchange"),
    ])
    func badValuesAreRefusedAtParseTime(arguments: [String], message: String) throws {
        let result = try tlshello(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// The help says what a client writes, and that the numbering is the server's.
    @Test func helpTellsTheClientsNameFromTheServers() throws {
        for command in ["client", "server"] {
            let help = try tlshello([command, "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.contains("A client writes the name as given (with --resume the second connection's gets -2 before the extension); "
                                  + "a server writes one file per connection"), "\(help)")
            #expect(help.contains("A client writes the name as given (with --resume the second connection's page gets -2 before the extension); "
                                  + "a server writes one page per connection"), "\(help)")
        }
    }

    /// A path that cannot be written is refused before anything connects or listens (as --keylog
    /// is): on port 1 nothing listens, so a client that tried would fail with exit status 1.
    @Test func aPathThatCannotBeWrittenIsRefusedBeforeConnectingOrListening() throws {
        let folder = try TemporaryDirectory()
        let plainFile = try folder.write("plain.txt", "not a directory")
        let cases = [(folder.path, "--diagram \(folder.path): is a directory"),
                     (folder.file("missing/hs.svg"), "--diagram \(folder.file("missing/hs.svg")): cannot use the directory \(folder.file("missing")): No such file or directory"),
                     (plainFile + "/hs.svg", "--diagram \(plainFile)/hs.svg: \(plainFile) is not a directory")]
        for (path, reason) in cases {
            let client = try tlshello(["client", "127.0.0.1", "--port", "1", "--diagram", path])
            #expect(client.status == 2, "\(client.stderr)")
            #expect(client.stderr == "tlshello client: invalid configuration: \(reason)\n")
            #expect(client.stdout.isEmpty)
            let server = try tlshello(["server", "--host", "127.0.0.1", "--port", "0", "--diagram", path])
            #expect(server.status == 2, "\(server.stderr)")
            #expect(!server.stdout.contains("listening"))
            #expect(server.stderr == "tlshello server: invalid configuration: \(reason)\n")
        }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    /// What fails after the check (here the directory removed while the server runs) costs one
    /// warning at write time; the exchange goes on.
    @Test func aDiagramThatCannotBeWrittenLaterCostsOneWarning() throws {
        let folder = try TemporaryDirectory()
        let pictures = folder.file("pictures")
        try FileManager.default.createDirectory(atPath: pictures, withIntermediateDirectories: false)
        let server = try ServerUnderTest(["--diagram", pictures + "/hs.svg"])
        try FileManager.default.removeItem(atPath: pictures)
        let result = try server.client(["--cafile", Paths.demoCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor...."))
        let warning = server.process.waitForLine(containing: "--diagram: ")
        #expect(warning?.contains("no diagram written") == true, "\(warning ?? "no warning")")
    }

    /// The diagrams in docs/ (make diagrams) against a fresh run of the same exchanges.
    @Test(arguments: [
        ("handshake-tls13", ["--tls-version", "tlsv1.3"], ["--tls-version", "tlsv1.3"]),
        ("handshake-tls12", ["--tls-version", "tlsv1.2"], ["--tls-version", "tlsv1.2"]),
        ("handshake-version-mismatch", ["--tls-version", "tlsv1.3"], ["--tls-version", "tlsv1.2"]),
    ])
    func committedDiagramsMatchAFreshRun(name: String, serverArguments: [String], clientArguments: [String]) throws {
        let committed = try LadderSVG(path: Paths.root + "/docs/\(name).svg")
        #expect(committed.messages.count >= 2)
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest(serverArguments)
        let file = folder.file("\(name).svg")
        _ = try server.client(clientArguments + ["--cafile", Paths.demoCertificate, "--diagram", file])
        let fresh = try LadderSVG(path: file)
        #expect(fresh.shape.handshake == committed.shape.handshake, "run make diagrams to redraw docs/\(name).svg")
        #expect(fresh.shape.after == committed.shape.after, "run make diagrams to redraw docs/\(name).svg")
        let handshake = committed.shape.handshake.count
        #expect(fresh.messages.prefix(handshake).map(\.encrypted) == committed.messages.prefix(handshake).map(\.encrypted))
    }
}
