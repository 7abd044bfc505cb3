import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// Clients that misbehave, each run against a fresh server: while the abuse goes on and right after
/// it, a normal client completes the exchange within 2 seconds; the server logs one line per bad
/// connection; and at the end its open descriptors are back where they started and its memory has
/// not grown beyond a small bound. Counts and times are bounded; loopback only.
@Suite struct HostileClientTests {
    /// A server plus its baseline descriptor count and memory.
    final class Target {
        let server: ServerUnderTest
        let baselineDescriptors: Int
        let baselineMemory: Int

        init(_ extra: [String] = []) throws {
            server = try ServerUnderTest(["--handshake-timeout", "1", "--message-timeout", "1"] + extra)
            // One exchange first, so lazily made state (thread pools, caches) is in the baseline.
            _ = try server.client(["--cafile", Paths.demoCertificate])
            baselineDescriptors = Self.descriptors(server.process.pid)
            baselineMemory = Self.memoryKiB(server.process.pid)
        }

        /// A normal exchange must finish within 2 seconds.
        func expectServed(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let started = Date()
            let result = try server.client(["--cafile", Paths.demoCertificate, "--timeout", "2"], timeout: 5)
            #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(Date().timeIntervalSince(started) < 2.5, sourceLocation: sourceLocation)
        }

        /// Waits until the log has `count` lines containing `text`.
        func expectLogged(_ text: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            let seen = server.process.waitUntil(timeout: 20) { data in
                String(decoding: data, as: UTF8.self).components(separatedBy: text).count - 1 >= count
            }
            #expect(seen, "fewer than \(count) lines with '\(text)'\n\(server.process.stdout.suffix(2000))",
                    sourceLocation: sourceLocation)
        }

        /// Descriptors back to the baseline (within a deadline: closes finish asynchronously), memory bounded.
        func expectClean(sourceLocation: SourceLocation = #_sourceLocation) {
            let pid = server.process.pid
            let deadline = Date().addingTimeInterval(10)
            var now = Self.descriptors(pid)
            while now > baselineDescriptors && Date() < deadline {
                _ = server.process.waitUntil(timeout: 0.1) { _ in false }
                now = Self.descriptors(pid)
            }
            #expect(now <= baselineDescriptors, "descriptors \(baselineDescriptors) → \(now)", sourceLocation: sourceLocation)
            // Under a sanitizer freed memory is held in quarantine: resident size says nothing there.
            guard ProcessInfo.processInfo.environment["TLSHELLO_SANITIZER"] == nil else { return }
            let memory = Self.memoryKiB(pid)
            #expect(memory - baselineMemory < 32 * 1024, "RSS \(baselineMemory) KiB → \(memory) KiB", sourceLocation: sourceLocation)
        }

        static func descriptors(_ pid: Int32) -> Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        }

        static func memoryKiB(_ pid: Int32) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
    }

    /// A real ClientHello from this package's own client session.
    static func clientHello(_ version: TLSVersion? = nil) throws -> [UInt8] {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        if let version { configuration.versions = .exactly(version) }
        let session = try GnuTLS().makeContext(configuration: configuration).makeSession(peerName: "localhost")
        _ = try session.handshake()
        return session.takeNetworkOutput()
    }

    private func connect(_ target: Target) throws -> TCPSocket {
        try TCPSocket.connect(host: "127.0.0.1", port: target.server.port, timeout: 5)
    }

    /// A client context that trusts the demo certificate.
    static func trustingClient() throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(Paths.demoCertificate)
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A TLS connection to the target whose handshake is done.
    private func handshaken(_ target: Target, context: (any TLSContext)? = nil) throws -> TLSSocket {
        let socket = try TLSSocket(transport: connect(target), context: context ?? Self.trustingClient(), peerName: "127.0.0.1")
        try socket.handshake()
        return socket
    }

    /// Closes with a reset (SO_LINGER 0) instead of a FIN.
    private func reset(_ socket: TCPSocket) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket.descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        socket.close()
    }

    @Test func randomBytes() throws {
        let target = try Target()
        var generator = SystemRandomNumberGenerator()
        for index in 0..<200 {
            let socket = try connect(target)
            try socket.write((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) })
            socket.close()
            if index == 100 { try target.expectServed() }
        }
        target.expectLogged("failed:", count: 200)
        try target.expectServed()
        target.expectClean()
    }

    @Test func truncatedClientHellos() throws {
        let target = try Target()
        let hello = try Self.clientHello()
        for index in 0..<100 {
            let socket = try connect(target)
            try socket.write(Array(hello.prefix(Int.random(in: 1..<hello.count))))
            socket.close()
            if index == 50 { try target.expectServed() }
        }
        target.expectLogged("failed:", count: 100)
        try target.expectServed()
        target.expectClean()
    }

    @Test func plaintextHTTPIsNamed() throws {
        let target = try Target()
        let socket = try connect(target)
        try socket.write(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        target.expectLogged("the client does not speak TLS: it sent plaintext 'GET / HTTP/1.1'", count: 1)
        socket.close()
        try target.expectServed()
        target.expectClean()
    }

    @Test func silentAndSlowlorisClientsAreTimedOut() throws {
        let target = try Target()
        let hello = try Self.clientHello()
        var sockets: [TCPSocket] = []
        for index in 0..<100 {
            let socket = try connect(target)
            if index % 2 == 1 { try socket.write([hello[0]]) } // one byte, then nothing more
            sockets.append(socket)
        }
        try target.expectServed()
        target.expectLogged("timed out after 1 s waiting for the peer (handshake)", count: 100)
        try target.expectServed()
        sockets.forEach { $0.close() }
        target.expectClean()
    }

    @Test func resetsInTheMiddleOfTheHandshake() throws {
        let target = try Target()
        let hello = try Self.clientHello()
        for _ in 0..<50 {
            let socket = try connect(target)
            try socket.write(Array(hello.prefix(hello.count / 2)))
            reset(socket)
        }
        target.expectLogged("failed:", count: 50)
        try target.expectServed()
        target.expectClean()
    }

    @Test func clientsThatVanishAfterTheHandshake() throws {
        let target = try Target()
        let context = try Self.trustingClient()
        for _ in 0..<100 {
            let socket = try handshaken(target, context: context)
            socket.transport.close() // no close_notify, no message
        }
        target.expectLogged("failed:", count: 100)
        try target.expectServed()
        target.expectClean()
    }

    @Test func aClientThatNeverSendsItsMessageIsClosed() throws {
        let target = try Target()
        let socket = try handshaken(target)
        try target.expectServed()
        target.expectLogged("timed out after 1 s waiting for the peer (read)", count: 1)
        #expect(try socket.read() == nil, "the server closed the connection")
        socket.close()
        target.expectClean()
    }

    @Test func aMessageFarBeyondTheLimitIsCutAndTheRestDiscarded() throws {
        let target = try Target()
        let socket = try handshaken(target)
        try? socket.write([UInt8](repeating: 0x41, count: 1024 * 1024)) // the server may close before all is sent
        target.expectLogged("3. message received: " + String(repeating: "A", count: 1024), count: 1)
        try target.expectServed()
        socket.close()
        target.expectClean()
    }

    @Test func sslv2AndUnknownVersionHellos() throws {
        let target = try Target()
        let v2: [UInt8] = [0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
                           0x07, 0x00, 0xc0, 0x05, 0x00, 0x80, 0x03, 0x00, 0x80, 0x01, 0x00, 0x80,
                           0x06, 0x00, 0x40, 0x04, 0x00, 0x80, 0x02, 0x00, 0x80]
            + [UInt8](repeating: 0x11, count: 16)
        let socket = try connect(target)
        try socket.write(v2)
        target.expectLogged("SSL 2.0 hello", count: 1)
        socket.close()

        var future = try Self.clientHello(.tlsv1_2)
        future[9] = 0x03
        future[10] = 0x05 // legacy_version 3.5: a version from the future
        let other = try connect(target)
        try other.write(future)
        #expect(try other.waitReadable(seconds: 5))
        let answer = try other.read(maximum: 5) ?? []
        #expect(answer.first == 0x16, "a ServerHello for the highest common version, not a failure: \(answer)")
        other.close()
        try target.expectServed()
        target.expectClean()
    }

    @Test(.enabled(if: Peers.openssl != nil)) func renegotiationIsRefused() throws {
        let target = try Target(["--tls-version", "tlsv1.2"])
        let client = try RunningProcess(Peers.openssl!, ["s_client", "-connect", "127.0.0.1:\(target.server.port)",
                                                          "-tls1_2", "-CAfile", Paths.demoCertificate])
        #expect(client.waitForLine(containing: "Verify return code: 0") != nil)
        client.send("R\n")
        #expect(client.waitForLine(containing: "RENEGOTIATING") != nil)
        let result = client.wait(timeout: 10)
        #expect(result.stdout.contains("no renegotiation") || result.stderr.contains("no renegotiation")
                || result.stdout.contains("NO_RENEGOTIATION") || result.stderr.contains("no_renegotiation"),
                "\(result.stdout)\n\(result.stderr)")
        try target.expectServed()
        target.expectClean()
    }

    @Test func closeNotifyWithoutAMessageGetsNoAnswer() throws {
        let target = try Target()
        let socket = try handshaken(target)
        try socket.session.close()
        try socket.transport.write(socket.session.takeNetworkOutput())
        #expect(try socket.read() == nil, "no reply to a client that sent no message")
        target.expectLogged("the client closed without sending a message", count: 1)
        #expect(target.server.process.stdout.components(separatedBy: "reply sent").count - 1 == 1,
                "only the baseline exchange was answered")
        socket.close()
        try target.expectServed()
        target.expectClean()
    }

    @Test func runningOutOfDescriptorsPausesAcceptingAndRecovers() throws {
        // The server gets only 48 descriptors: about 30 are its own, so most of these connections
        // cannot be accepted until the others are gone.
        let server = try RunningProcess("/bin/sh", ["-c", "ulimit -n 48 && exec \"$0\" server --host 127.0.0.1 --port 0",
                                                    Paths.tlshello])
        let line = try #require(server.waitForLine(containing: "listening on 127.0.0.1:"))
        let port = try #require(Int(line.split(separator: " ")[2].split(separator: ":")[1]))
        var sockets: [TCPSocket] = []
        for _ in 0..<60 { sockets.append(try TCPSocket.connect(host: "127.0.0.1", port: port, timeout: 5)) }
        #expect(server.waitForLine(containing: "accept failed: Too many open files; pausing new connections briefly") != nil)
        sockets.forEach { $0.close() }
        var result = try tlshello(["client", "127.0.0.1", "--port", String(port), "--cafile", Paths.demoCertificate])
        for _ in 0..<5 where result.status != 0 {
            result = try tlshello(["client", "127.0.0.1", "--port", String(port), "--cafile", Paths.demoCertificate])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.stop().status == 0)
    }
}
