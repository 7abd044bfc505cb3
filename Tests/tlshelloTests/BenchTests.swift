import Foundation
import Testing

/// `tlshello bench` against a live `tlshello server`, every mode once, briefly: the figures are
/// checked for consistency (counts, bytes, resumptions), never for speed.
@Suite struct BenchTests {
    private func bench(_ server: ServerUnderTest, _ extra: [String]) throws -> (ProcessResult, [String: Any]) {
        let result = try tlshello(["bench", "127.0.0.1", "--port", String(server.port), "--json"] + extra, timeout: 60)
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    private func failures(_ object: [String: Any]) -> Int {
        (object["failures"] as? [String: Int])?.values.reduce(0, +) ?? -1
    }

    @Test func helloCountsExchangesAndLatency() throws {
        let server = try ServerUnderTest(["--quiet"])
        let (result, object) = try bench(server, ["--connections", "2", "--duration", "0.5", "--tls-version", "tlsv1.2"])
        #expect(result.status == 0, "\(result.stderr)")
        let exchanges = try #require(object["exchanges"] as? Int)
        #expect(exchanges >= 2)
        #expect(failures(object) == 0)
        #expect(object["protocol"] as? String == "TLS1.2")
        #expect((object["backend"] as? String)?.hasPrefix("GnuTLS ") == true)
        let latency = try #require(object["latencyMilliseconds"] as? [String: Double])
        let p50 = try #require(latency["p50"]), p99 = try #require(latency["p99"]), max = try #require(latency["max"])
        #expect(p50 > 0 && p50 <= p99 && p99 <= max)
        #expect((object["clientCPUMillisecondsPerExchange"] as? Double ?? 0) > 0)
        // --quiet: the server printed nothing per connection.
        #expect(server.process.stop().stdout.contains("[#") == false)
    }

    @Test(arguments: ["tlsv1.2", "tlsv1.3"])
    func resumeModeResumesAfterEachLoopsFirstHandshake(version: String) throws {
        let server = try ServerUnderTest(["--quiet"])
        let (result, object) = try bench(server, ["--mode", "resume", "--connections", "2", "--duration", "0.5",
                                                  "--tls-version", version])
        #expect(result.status == 0, "\(result.stderr)")
        let exchanges = try #require(object["exchanges"] as? Int)
        let resumed = try #require(object["resumed"] as? Int)
        #expect(exchanges > 2)
        #expect(resumed == exchanges - 2)
        #expect(failures(object) == 0)
    }

    /// With --cert, every full handshake presents the client certificate a server requires;
    /// without it, every exchange is refused and the run says why. (The refusal is checked with
    /// the greeting: under TLS 1.3 a client's handshake ends before the server has judged its
    /// certificate, so --mode handshake alone cannot see it.)
    @Test func handshakesPresentTheClientCertificate() throws {
        let files = try ClientCertificateFiles()
        let server = try ServerUnderTest(["--client-auth", "require", "--client-cafile", files.authority])
        let (result, object) = try bench(server, ["--mode", "handshake", "--connections", "2", "--duration", "0.5"] + files.ecdsa.options)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((object["exchanges"] as? Int ?? 0) >= 2)
        #expect(failures(object) == 0)
        #expect(server.process.stdout.contains("client certificate \(files.ecdsa.subject) (verified)"))

        let (refused, _) = try bench(server, ["--mode", "hello", "--connections", "1", "--duration", "0.3"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("tlshello bench: no exchange completed: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("the server requires a client certificate and this side has none to send"), "\(refused.stderr)")
    }

    @Test func bulkStreamsThroughTheEchoServer() throws {
        let server = try ServerUnderTest(["--echo", "--quiet"])
        let (result, object) = try bench(server, ["--mode", "bulk", "--bytes", "1000000", "--duration", "0.5"])
        #expect(result.status == 0, "\(result.stderr)")
        let exchanges = try #require(object["exchanges"] as? Int)
        #expect(exchanges >= 1)
        #expect(object["bytes"] as? Int == exchanges * 1_000_000)
        #expect((object["megabytesPerSecond"] as? Double ?? 0) > 0)
        #expect(failures(object) == 0)
    }

    @Test func idleHoldsConnectionsUntilInputCloses() throws {
        let server = try ServerUnderTest(["--quiet"])
        let child = try RunningProcess(Paths.tlshello, ["bench", "127.0.0.1", "--port", String(server.port), "--mode", "idle",
                                                        "--connections", "40", "--source", "127.0.0.2", "--source", "127.0.0.3",
                                                        "--duration", "60", "--json"])
        let holding = try #require(child.waitForLine(containing: "\"event\":\"holding\"", timeout: 60))
        #expect(holding.contains("\"connections\":40"))
        #expect(holding.contains("\"failed\":0"))
        child.closeInput()
        let result = child.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"mode\":\"idle\""))
    }

    @Test func handshakeModeAgainstAServerThatDoesNotSpeakTheExchange() throws {
        let openssl = try #require(Peers.openssl)
        // openssl s_server serves one connection at a time, for as long as it runs.
        let peer = try RunningProcess(openssl, ["s_server", "-accept", "127.0.0.1:0", "-cert", Paths.demoCertificate,
                                                "-key", Paths.demoKey])
        defer { peer.stop(signal: SIGKILL, timeout: 5) }
        let line = try #require(peer.waitForLine(containing: "ACCEPT 127.0.0.1:", timeout: 10))
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let result = try tlshello(["bench", "127.0.0.1", "--port", String(port), "--mode", "handshake", "--resume",
                                   "--duration", "0.5", "--json"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"handshake\":0"))
        #expect(result.stdout.contains("\"exchange\":0"))
        #expect(!result.stdout.contains("\"resumed\":0,"), "openssl s_server resumes with its tickets: \(result.stdout)")
    }

    @Test func nothingListeningFailsWithTheReason() throws {
        let result = try tlshello(["bench", "127.0.0.1", "--port", "1", "--duration", "0.3"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("connect:"))
        #expect(result.stderr.contains("no exchange completed: connection refused"))
    }

    @Test(arguments: [
        (["--bytes", "10"], "--bytes applies to --mode bulk only"),
        (["--connections", "0"], "--connections must be at least 1"),
        (["--source", "localhost"], "--source 'localhost' is not an IP address"),
        (["--mode", "idle", "--resume"], "--resume does not apply to --mode idle"),
        (["--mode", "fast"], "fast"),
    ])
    func badInputIsRefusedBeforeAnyConnection(arguments: [String], message: String) throws {
        let result = try tlshello(["bench", "127.0.0.1", "--port", "1"] + arguments)
        #expect(result.status == 64 || result.status == 2, "\(result.status)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
