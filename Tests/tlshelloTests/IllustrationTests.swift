import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// `--illustrate`: the page of one real exchange, checked against facts known from elsewhere (the
/// key log, `--json`, the certificate file) and by decrypting a captured record with the key and
/// IV the page shows.
@Suite struct IllustrationTests {
    /// The page's facts: `data-fact="NAME" data-hex="HEX"` on field rows, and `data-fact="NAME"><code …>HEX`
    /// on the key schedule's and the decryption's rows.
    struct Page {
        let html: String

        init(path: String) throws {
            html = try String(contentsOfFile: path, encoding: .utf8)
        }

        /// Every value of the field fact `name`, in page order.
        func fieldHex(_ name: String) -> [String] {
            matches(#"data-fact="\#(name)" data-hex="([0-9a-f]*)""#)
        }

        /// Every value of the table fact `name`, in page order.
        func tableHex(_ name: String) -> [String] {
            matches(#"data-fact="\#(name)"><code class="wrap">([0-9a-f]*)</code>"#)
        }

        /// The records: sender, content type (inner, when decrypted) and the whole block of HTML that describes each.
        var records: [(sender: String, type: Int, block: String)] {
            let parts = html.components(separatedBy: "<details open id=\"r").dropFirst()
            return parts.compactMap { part in
                guard let sender = Page.first(#"data-sender="(\w+)""#, in: part),
                      let type = Page.first(#"data-type="(\d+)""#, in: part).flatMap(Int.init) else { return nil }
                return (sender, type, part)
            }
        }

        func matches(_ pattern: String) -> [String] { Page.all(pattern, in: html) }

        static func all(_ pattern: String, in text: String) -> [String] {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
            return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        }

        static func first(_ pattern: String, in text: String) -> String? { all(pattern, in: text).first }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index != hex.endIndex {
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    /// The DER of the first certificate in a PEM file.
    static func der(pem path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = text.components(separatedBy: "-----BEGIN CERTIFICATE-----")[1].components(separatedBy: "-----END CERTIFICATE-----")[0]
        return Array(try #require(Data(base64Encoded: body.filter { !$0.isWhitespace })))
    }

    @Test func pageAgreesWithTheKeyLogTheJSONAndTheCertificateFile() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", "tlsv1.3"])
        let page = directory.file("client.html"), keyLog = directory.file("keys.log")
        let result = try server.client(["--cafile", Paths.demoCertificate, "--json", "--keylog", keyLog, "--illustrate", page])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("--illustrate: writing the TLS session secrets to \(page)"))
        #expect(Self.mode(page) == 0o600)
        let illustrated = try Page(path: page)

        // The client random of the ClientHello is the one every key log line names.
        let random = try #require(illustrated.fieldHex("client-random").first)
        let lines = try String(contentsOfFile: keyLog, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 4)
        for line in lines { #expect(line.split(separator: " ")[1] == random) }
        // Every secret the key log received is on the page.
        for line in lines {
            let parts = line.split(separator: " ")
            #expect(illustrated.tableHex("secret-\(parts[0])") == [String(parts[2])])
        }

        // The suite the ServerHello chose is the one --json reports (GnuTLS's name drops IANA's "WITH").
        let code = try #require(illustrated.fieldHex("cipher-suite").first)
        let suite = try #require(CipherSuiteParameters(id: UInt16(code, radix: 16) ?? 0))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let negotiated = try #require(object["negotiated"] as? [String: Any])
        #expect((negotiated["cipherSuite"] as? String)?.replacingOccurrences(of: "_WITH_", with: "_") == suite.name)

        // The certificate the server sent is the certificate file's DER, byte for byte.
        #expect(illustrated.fieldHex("certificate-der").first.map(Self.bytes) == (try Self.der(pem: Paths.demoCertificate)))
    }

    /// Decrypts the client's first application data record with the key and IV the page shows.
    @Test(arguments: ["tlsv1.3", "tlsv1.2"])
    func recordDecryptsWithTheKeyAndIVThePageShows(version: String) throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", version])
        let page = directory.file("client.html")
        let result = try server.client(["--cafile", Paths.demoCertificate, "--illustrate", page])
        #expect(result.status == 0, "\(result.stderr)")
        let illustrated = try Page(path: page)
        let code = try #require(illustrated.fieldHex("cipher-suite").first)
        let suite = try #require(CipherSuiteParameters(id: UInt16(code, radix: 16) ?? 0))
        #expect(suite.isAEAD)
        let record = try #require(illustrated.records.first { $0.sender == "client" && $0.type == 23 })
        let ciphertext = Self.bytes(try #require(Page.first(#"data-fact="record-ciphertext" data-hex="([0-9a-f]*)""#, in: record.block)))
        let sequence = try #require(Page.first(#"data-fact="sequence">(\d+)"#, in: record.block).flatMap(UInt64.init))
        let header: [UInt8] = [23, 3, 3, UInt8(ciphertext.count >> 8), UInt8(ciphertext.count & 0xff)]
        let sequenceBytes = (0..<8).reversed().map { UInt8(truncatingIfNeeded: sequence >> (UInt64($0) * 8)) }
        let plaintext: [UInt8]?
        if version == "tlsv1.3" {
            let key = Self.bytes(try #require(illustrated.tableHex("key-client-application").first))
            let iv = Self.bytes(try #require(illustrated.tableHex("iv-client-application").first))
            let nonce = zip(iv, [0, 0, 0, 0] + sequenceBytes).map { $0 ^ $1 }
            plaintext = KeyScheduleCrypto.aeadOpen(suite, key: key, nonce: nonce, additionalData: header, ciphertext: ciphertext)
            #expect(plaintext?.last == 23, "TLS 1.3 hides the real content type at the end")
        } else {
            let key = Self.bytes(try #require(illustrated.tableHex("key-client-write").first))
            let salt = Self.bytes(try #require(illustrated.tableHex("iv-client-write").first))
            #expect(salt.count == 4)
            let body = Array(ciphertext.dropFirst(8))
            let length = body.count - suite.tagLength
            let additional = sequenceBytes + [23, 3, 3, UInt8(length >> 8), UInt8(length & 0xff)]
            plaintext = KeyScheduleCrypto.aeadOpen(suite, key: key, nonce: salt + ciphertext.prefix(8), additionalData: additional, ciphertext: body)
        }
        let text = String(decoding: try #require(plaintext), as: UTF8.self)
        #expect(text.hasPrefix("Hola soy tu cliente"))
    }

    @Test(arguments: ["tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"])
    func bothSidesWriteAPageForEveryVersion(version: String) throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", version, "--illustrate", directory.file("server-{n}.html")])
        let clientPage = directory.file("client.html")
        let result = try server.client(["--tls-version", version, "--cafile", Paths.demoCertificate, "--illustrate", clientPage])
        #expect(result.status == 0, "\(result.stderr)")
        let serverPage = directory.file("server-1.html")
        // The server writes its page when the connection closes, and says so.
        #expect(server.process.waitForLine(containing: "] illustrated in \(serverPage)") != nil)
        let display = "TLS " + version.dropFirst(4)
        for path in [clientPage, serverPage] {
            #expect(Self.mode(path) == 0o600)
            let illustrated = try Page(path: path)
            #expect(illustrated.html.contains("<h1>Illustrated \(display) exchange</h1>"))
            #expect(!illustrated.html.contains("could not open"), "every encrypted record decrypts")
            #expect(illustrated.html.contains("data-fact=\"plaintext\">Hola soy tu cliente</pre>"))
            #expect(illustrated.html.contains("data-fact=\"plaintext\">Hola soy tu servidor....</pre>"))
            #expect(illustrated.html.contains("data-message=\"Finished\""))
            #expect(illustrated.html.contains("verified"))
        }
    }

    @Test func failedHandshakeShowsTheAlertOnBothSides() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", "tlsv1.3", "--illustrate", directory.file("server.html")])
        let clientPage = directory.file("client.html")
        let result = try server.client(["--tls-version", "tlsv1.2", "--cafile", Paths.demoCertificate, "--illustrate", clientPage])
        #expect(result.status == 1)
        #expect(server.process.waitForLine(containing: "failed: no common TLS version") != nil)
        let serverPage = directory.file("server-1.html")
        #expect(server.process.waitForLine(containing: "] illustrated in \(serverPage)") != nil)
        for path in [clientPage, serverPage] {
            let illustrated = try Page(path: path)
            #expect(illustrated.html.contains("Alert: protocol_version (fatal)"))
            #expect(illustrated.html.contains("the peer offered no version this side accepts"))
            #expect(illustrated.html.contains("class=\"outcome failed\""))
            #expect(illustrated.records.count == 2, "the ClientHello and the alert")
        }
    }

    @Test func badNamesAndOtherBackendsAreRefusedAtParseTime() throws {
        let empty = try tlshello(["client", "127.0.0.1", "--illustrate", ""])
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("--illustrate needs a file name, e.g. --illustrate handshake.html\n"))
        let twice = try tlshello(["server", "--illustrate", "a-{n}-{n}.html"])
        #expect(twice.status == 64)
        let openssl = try tlshello(["client", "127.0.0.1", "--backend", "openssl", "--illustrate", "x.html"])
        #expect(openssl.status == 64)
        #expect(openssl.stderr.contains("--illustrate needs the GnuTLS backend"))
    }

    @Test func aPageThatCannotBeWrittenIsRefusedBeforeConnectingOrListening() throws {
        let folder = try TemporaryDirectory()
        for command in [["client", "127.0.0.1", "--port", "1"], ["server", "--host", "127.0.0.1", "--port", "0"]] {
            let missing = try tlshello(command + ["--illustrate", "/nonexistent-directory/page.html"])
            #expect(missing.status == 2, "\(missing.stderr)")
            #expect(missing.stderr == "tlshello \(command[0]): invalid configuration: --illustrate /nonexistent-directory/page.html: "
                    + "cannot use the directory /nonexistent-directory: No such file or directory\n")
            #expect(!missing.stdout.contains("listening"))
            let directory = try tlshello(command + ["--illustrate", folder.path])
            #expect(directory.status == 2, "\(directory.stderr)")
            #expect(directory.stderr == "tlshello \(command[0]): invalid configuration: --illustrate \(folder.path): is a directory\n")
        }
    }

    /// The failed page's overview names no version (none was agreed), and a TLS 1.2 ServerHello's
    /// legacy_version is explained as the version chosen.
    @Test func versionFieldsReadRightOnFailedAndTLS12Pages() throws {
        let directory = try TemporaryDirectory()
        let refusing = try ServerUnderTest(["--tls-version", "tlsv1.3"])
        let failedPage = directory.file("failed.html")
        _ = try refusing.client(["--tls-version", "tlsv1.2", "--cafile", Paths.demoCertificate, "--illustrate", failedPage])
        let failed = try Page(path: failedPage).html
        #expect(failed.contains("<tr><th>version</th><td><code class=\"wrap\">none agreed (no ServerHello chose one)</code>"))
        #expect(!failed.contains("<code class=\"wrap\">TLS</code>"))
        for version in ["tlsv1.2", "tlsv1.3"] {
            let server = try ServerUnderTest(["--tls-version", version])
            let page = directory.file("\(version).html")
            let result = try server.client(["--cafile", Paths.demoCertificate, "--illustrate", page])
            #expect(result.status == 0, "\(result.stderr)")
            let html = try Page(path: page).html
            #expect(html.contains("1.2 in a TLS 1.3 ServerHello") == (version == "tlsv1.3"))
            #expect(html.contains("the version the server chose") == (version == "tlsv1.2"))
        }
    }
}
