import Foundation
import GnuTLSBackend
import GreetingFraming
import SecureSockets
import Testing

/// `tlshello server` and `tlshello client` end to end over loopback, as a user runs them.
@Suite struct CLIExchangeTests {
    static let versions = ["tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"]

    @Test(arguments: versions)
    func exchangeForEveryVersion(version: String) throws {
        let server = try ServerUnderTest(["--tls-version", version])
        let result = try server.client(["--tls-version", version, "--cafile", Paths.demoCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        let display = "TLS" + version.dropFirst(4)
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(display),"))
        #expect(result.stdout.contains("verified (chain and name 127.0.0.1)"))
        #expect(result.stdout.contains("2. message sent: Hola soy tu cliente"))
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor....\n"))
        #expect(result.stdout.contains("4. disconnected from the server"))
        let deprecated = version == "tlsv1.0" || version == "tlsv1.1"
        let warnings = result.stderr.components(separatedBy: "deprecated (RFC 8996)").count - 1
        #expect(warnings == (deprecated ? 1 : 0))
        #expect(server.process.waitForLine(containing: "3. message received: Hola soy tu cliente") != nil)
        #expect(server.process.waitForLine(containing: "2. handshake done: \(display)") != nil)
        #expect(server.process.waitForLine(containing: "4. client disconnected") != nil)
    }

    @Test func jsonOutputOnBothSides() throws {
        let server = try ServerUnderTest(["--json"])
        let result = try server.client(["--json", "--cafile", Paths.demoCertificate, "--server-name", "localhost"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["event"] as? String == "exchange")
        #expect(object["sent"] as? String == "Hola soy tu cliente")
        #expect(object["received"] as? String == "Hola soy tu servidor....")
        let negotiated = try #require(object["negotiated"] as? [String: Any])
        #expect(negotiated["protocolName"] as? String == "TLS1.3")
        #expect(negotiated["serverName"] as? String == "localhost")
        let chain = try #require(negotiated["peerCertificates"] as? [[String: Any]])
        #expect((chain.first?["subject"] as? String)?.contains("CN=diegoUcamCert") == true)
        #expect((chain.first?["sha256Fingerprint"] as? String)?.count == 95)

        let line = try #require(server.process.waitForLine(containing: "\"event\":\"exchange\""))
        let serverObject = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(serverObject["received"] as? String == "Hola soy tu cliente")
        #expect(serverObject["role"] as? String == "server")
    }

    @Test func mismatchedPinFailsClearlyAndTheServerKeepsServing() throws {
        let server = try ServerUnderTest(["--tls-version", "tlsv1.3"])
        let failed = try server.client(["--tls-version", "tlsv1.2", "--cafile", Paths.demoCertificate])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("tlshello client: no common TLS version: this side offered TLS1.2"))
        #expect(failed.stderr.split(separator: "\n").count == 1)
        #expect(server.process.waitForLine(containing: "failed: no common TLS version: the client offered TLS1.2") != nil)

        let next = try server.client(["--cafile", Paths.demoCertificate])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("3. reply received: Hola soy tu servidor...."))
    }

    @Test func garbageFromOneClientCostsOneLogLine() throws {
        let server = try ServerUnderTest()
        let socket = try RawSocket(port: server.port)
        socket.send(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(server.process.waitForLine(containing: "the client does not speak TLS: it sent plaintext 'GET / HTTP/1.0'") != nil)
        socket.close()
        let next = try server.client(["--cafile", Paths.demoCertificate])
        #expect(next.status == 0)
    }

    @Test(arguments: ["tlsv1.2", "tlsv1.3"])
    func clientResumesWithTheServersTicket(version: String) throws {
        let server = try ServerUnderTest(["--tls-version", version])
        let result = try server.client(["--resume", "--cafile", Paths.demoCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("5. reconnecting with the session ticket"))
        #expect(result.stdout.contains("(resumed from the ticket: no certificate sent, nothing signed"))
        #expect(result.stdout.components(separatedBy: "3. reply received: Hola soy tu servidor....").count == 3)
    }

    @Test func resumingFailsClearlyWithoutTickets() throws {
        let server = try ServerUnderTest(["--no-session-tickets"])
        let result = try server.client(["--resume", "--cafile", Paths.demoCertificate])
        #expect(result.status == 1)
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor...."))
        #expect(result.stderr.contains("tlshello client: the session was not resumed: the server sent no session ticket"))
    }

    @Test func echoServerSendsTheGreetingBack() throws {
        let server = try ServerUnderTest(["--echo"])
        let result = try server.client(["--cafile", Paths.demoCertificate, "--message", "eco, eco"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3. reply received: eco, eco\n"))
        #expect(server.process.waitForLine(containing: "3. client closed: 8 bytes echoed") != nil)
    }

    @Test func insecureSaysSoOnStandardError() throws {
        let server = try ServerUnderTest()
        let result = try server.client(["--insecure"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("--insecure: the server's certificate is NOT verified"))
        #expect(result.stdout.contains("not verified (insecure)"))
    }

    @Test func unknownIssuerAndNameMismatchAreExplained() throws {
        let server = try ServerUnderTest()
        let unknown = try server.client([])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("certificate verification failed: unknown issuer"))
        #expect(unknown.stderr.contains("SHA-256 "))
        #expect(unknown.stderr.hasSuffix("); trust it with --cafile or check the fingerprint\n"), "\(unknown.stderr)")
        let mismatch = try server.client(["--cafile", Paths.demoCertificate, "--server-name", "www.example.invalid"])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("name mismatch: asked for www.example.invalid, the certificate names localhost, 127.0.0.1, ::1"))
        #expect(server.process.waitForLine(containing: "GNUTLS_A_BAD_CERTIFICATE") != nil)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: Paths.seedCertificate)))
    func theDemosOwnExpiredV1CertificateIsServedWithAWarning() throws {
        let server = try ServerUnderTest(["--cert", Paths.seedCertificate, "--key", Paths.seedKey])
        #expect(server.process.stderr.contains("expired on 2021-"))
        let verifying = try server.client(["--cafile", Paths.seedCertificate, "--server-name", "diegoUcamCert"])
        #expect(verifying.status == 1)
        #expect(verifying.stderr.contains("certificate expired on 2021-"))
        let insecure = try server.client(["--insecure"])
        #expect(insecure.status == 0, "\(insecure.stderr)")
        #expect(insecure.stdout.contains("3. reply received: Hola soy tu servidor...."))
    }

    @Test func sigintStopsTheServerWithStatusZero() throws {
        let server = try ServerUnderTest()
        let result = server.process.stop(signal: SIGINT)
        #expect(result.status == 0)
        #expect(result.stdout.contains("SIGINT received: stopping"))
    }

    @Test(arguments: [true, false])
    func aServerThatClosesWithoutReplyingFailsTheClient(sendsCloseNotify: Bool) throws {
        let listener = try TLSListener(host: "127.0.0.1", port: 0, context: GnuTLS().makeContext(
            configuration: .makeServerConfiguration(certificateChain: .file(Paths.demoCertificate),
                                                    privateKey: .file(Paths.demoKey))))
        let client = try RunningProcess(Paths.tlshello, ["client", "127.0.0.1", "--port", String(listener.localEndpoint.port),
                                                        "--cafile", Paths.demoCertificate])
        let socket = try listener.accept()
        try socket.handshake()
        _ = try socket.readMessage()
        if sendsCloseNotify { socket.close() } else { socket.transport.close() }
        let result = client.wait(timeout: 20)
        #expect(result.status == 1)
        #expect(result.stderr == "tlshello client: the server closed the connection without replying\n")
    }

    @Test func connectionRefused() throws {
        let port = try RawSocket.unusedPort()
        let result = try tlshello(["client", "127.0.0.1", "--port", String(port)])
        #expect(result.status == 1)
        #expect(result.stderr == "tlshello client: connection refused by 127.0.0.1:\(port): is the server running?\n")
    }
}

/// A plain TCP client for sending bytes that are not TLS.
final class RawSocket {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 { Glibc.close(descriptor); throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func close() { Glibc.close(descriptor) }

    /// A loopback port nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
