import Foundation
import GnuTLSBackend
import GreetingFraming
import SecureSockets
import TestSupport
import Testing

/// The server's limits and signals: connection limit, certificate reload, graceful and immediate stop.
@Suite struct ServerLifecycleTests {
    private func clientContext(trusting certificate: String = Paths.demoCertificate) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(certificate)
        return try GnuTLS().makeContext(configuration: configuration)
    }

    @Test func connectionsPastTheLimitAreClosedAtOnce() throws {
        let server = try ServerUnderTest(["--max-connections", "2"])
        let first = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        let second = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        #expect(server.process.waitForLine(containing: "[#2 ") != nil)
        let third = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        #expect(server.process.waitForLine(containing: "refused: 2 connections are open (--max-connections)") != nil)
        #expect(try third.waitReadable(seconds: 5))
        #expect(try third.read(maximum: 16) == nil, "the refused connection is closed, not queued")
        first.close()
        second.close()
        // Once the two idle ones are gone (each logs its failure), a normal client is served again.
        #expect(server.process.waitUntil(timeout: 10) { data in
            String(decoding: data, as: UTF8.self).components(separatedBy: "closed the connection during the handshake").count == 3
        })
        var next = try server.client(["--cafile", Paths.demoCertificate])
        for _ in 0..<3 where next.status != 0 && next.stderr.contains("closed the connection") {
            next = try server.client(["--cafile", Paths.demoCertificate]) // the count drops just after the log line
        }
        #expect(next.status == 0, "\(next.stderr)")
    }

    @Test func sighupReloadsTheCertificateAndKeepsTheOldOneWhenTheNewIsBroken() throws {
        let folder = try TemporaryDirectory()
        let cert = folder.file("cert.pem")
        let key = folder.file("key.pem")
        let old = folder.file("old.pem")
        #expect(try tlshello(["cert", "--cert", cert, "--key", key]).status == 0)
        try FileManager.default.copyItem(atPath: cert, toPath: old)
        let server = try ServerUnderTest(["--cert", cert, "--key", key])
        #expect(try server.client(["--cafile", old]).status == 0)

        #expect(try tlshello(["cert", "--cert", cert, "--key", key, "--key-type", "ecdsa", "--force"]).status == 0)
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: certificate and key reloaded") != nil)
        #expect(try server.client(["--cafile", cert]).status == 0)
        let stale = try server.client(["--cafile", old])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("certificate verification failed"))

        try "broken\n".write(toFile: key, atomically: true, encoding: .utf8)
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: reload failed, keeping the previous certificate") != nil)
        #expect(try server.client(["--cafile", cert]).status == 0)
    }

    @Test func sigtermLetsTheExchangeInFlightFinish() throws {
        let server = try ServerUnderTest()
        let transport = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        #expect(server.process.waitForLine(containing: "1. client connected") != nil)
        kill(server.process.pid, SIGTERM)
        #expect(server.process.waitForLine(containing: "SIGTERM received: stopping; no new connections, 1 in flight") != nil)
        let socket = try TLSSocket(transport: transport, context: clientContext(), peerName: "127.0.0.1")
        try socket.handshake()
        try socket.write("Hola soy tu cliente")
        #expect(String(decoding: try socket.readMessage(), as: UTF8.self) == "Hola soy tu servidor....")
        socket.close()
        let result = server.process.wait(timeout: 15)
        #expect(result.status == 0)
        #expect(result.stdout.contains("stopped"))
    }

    @Test func sigtermRightAfterStartingIsNeverLost() throws {
        // The signals are blocked from the first instruction and taken by one thread: a SIGTERM
        // sent the moment the listening line appears stops the server every time.
        for _ in 0..<10 {
            let server = try ServerUnderTest()
            let result = server.process.stop(signal: SIGTERM, timeout: 10)
            #expect(result.status == 0)
            #expect(result.stdout.contains("SIGTERM received: stopping"), "\(result.stdout)")
        }
    }

    @Test func aSecondSignalExitsAtOnce() throws {
        let server = try ServerUnderTest(["--grace", "60"])
        let idle = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        #expect(server.process.waitForLine(containing: "1. client connected") != nil)
        kill(server.process.pid, SIGINT)
        #expect(server.process.waitForLine(containing: "1 in flight (up to 60 s to finish)") != nil)
        let started = Date()
        kill(server.process.pid, SIGINT)
        let result = server.process.wait(timeout: 15)
        #expect(result.status == 0)
        #expect(result.stdout.contains("SIGINT received again: exiting now"))
        #expect(Date().timeIntervalSince(started) < 10)
        idle.close()
    }
}
