import Foundation
import GnuTLSBackend
import GreetingFraming
import SecureSockets
import Testing

/// The blocking socket API over loopback: listener and client, timeouts, refused connections,
/// split records. Every server here runs on its own thread and ends with the test.
@Suite struct SocketTests {
    /// Runs `body` on a new thread and returns a way to wait for its result (with a deadline).
    final class Background<Value: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private var result: Result<Value, any Error>?

        init(_ body: @escaping @Sendable () throws -> Value) {
            let thread = Thread { [self] in
                let outcome = Result { try body() }
                condition.lock()
                result = outcome
                condition.broadcast()
                condition.unlock()
            }
            thread.start()
        }

        func value(timeout: Double = 20) throws -> Value {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while result == nil {
                if !condition.wait(until: deadline) { throw TLSError.timedOut(stage: .read, seconds: timeout) }
            }
            return try result!.get()
        }
    }

    /// A listener on a free loopback port.
    private func listener(versions: TLSVersionPolicy = .secureDefault, host: String = "127.0.0.1") throws -> TLSListener {
        try TLSListener(host: host, port: 0, context: Fixtures.serverContext(versions: versions))
    }

    /// Serves one greeting exchange on `listener` in the background; returns what the server read.
    private func serveOnce(_ listener: TLSListener) -> Background<String> {
        nonisolated(unsafe) let listener = listener
        return Background {
            let socket = try listener.accept()
            defer { socket.close() }
            try socket.handshake()
            let message = try socket.readMessage(limit: 1024)
            try socket.write("Hola soy tu servidor....")
            return String(decoding: message, as: UTF8.self)
        }
    }

    @Test(arguments: TLSVersion.allCases)
    func greetingOverLoopback(version: TLSVersion) throws {
        let listener = try listener(versions: .exactly(version))
        let server = serveOnce(listener)
        let client = try TLSSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port,
                                           context: Fixtures.clientContext(versions: .exactly(version)))
        try client.write("Hola soy tu cliente")
        let reply = try client.readMessage()
        client.close()
        #expect(String(decoding: reply, as: UTF8.self) == "Hola soy tu servidor....")
        #expect(client.info?.version == version)
        #expect(try server.value() == "Hola soy tu cliente")
    }

    @Test func ipv6Loopback() throws {
        let listener = try listener(host: "::1")
        let server = serveOnce(listener)
        let client = try TLSSocket.connect(host: "::1", port: listener.localEndpoint.port, context: Fixtures.clientContext())
        try client.write("Hola soy tu cliente")
        #expect(String(decoding: try client.readMessage(), as: UTF8.self) == "Hola soy tu servidor....")
        client.close()
        #expect(try server.value() == "Hola soy tu cliente")
        #expect(listener.localEndpoint.description.hasPrefix("[::1]:"))
    }

    @Test func splitRecordsAreJoinedIntoOneMessage() throws {
        // 1/n−1 record splitting: 'H' in one record, the rest in the next, sent separately.
        let listener = try listener(versions: .exactly(.tlsv1_0))
        let server = serveOnce(listener)
        let client = try TLSSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port,
                                           context: Fixtures.clientContext(versions: .exactly(.tlsv1_0)))
        try client.write("H")
        try client.write("ola soy tu cliente")
        _ = try client.readMessage()
        client.close()
        #expect(try server.value() == "Hola soy tu cliente")
    }

    @Test func messagesAreCutAtTheLimit() throws {
        let listener = try listener()
        nonisolated(unsafe) let shared = listener
        let server = Background {
            let socket = try shared.accept()
            defer { socket.close() }
            try socket.handshake()
            return try socket.readMessage(limit: 1024).count
        }
        let client = try TLSSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port, context: Fixtures.clientContext())
        try client.write([UInt8](repeating: 0x41, count: 5000))
        #expect(try server.value() == 1024)
        client.close()
    }

    @Test func connectionRefusedIsSaidInWords() throws {
        let port = try listener().localEndpoint.port // bound, then closed when released
        let context = try Fixtures.clientContext()
        do throws(TLSError) {
            _ = try TLSSocket.connect(host: "127.0.0.1", port: port, context: context)
            Issue.record("connected to a closed port")
        } catch {
            #expect(error == .connectionRefused(host: "127.0.0.1", port: port))
            #expect(error.description == "connection refused by 127.0.0.1:\(port): is the server running?")
        }
    }

    @Test func portInUseIsSaidInWords() throws {
        let first = try listener()
        let port = first.localEndpoint.port
        #expect(throws: TLSError.addressInUse(host: "127.0.0.1", port: port)) {
            _ = try TLSListener(host: "127.0.0.1", port: port, context: Fixtures.serverContext())
        }
    }

    @Test func silentServerTimesOutTheHandshake() throws {
        let listener = try listener() // accepts in the kernel, never answers
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        configuration.handshakeTimeout = 0.5
        let context = try GnuTLS().makeContext(configuration: configuration)
        #expect(throws: TLSError.timedOut(stage: .handshake, seconds: 0.5)) {
            _ = try TLSSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port, context: context)
        }
    }

    @Test func aPeerThatStopsReadingTimesOutTheWrite() throws {
        let listener = try listener()
        nonisolated(unsafe) let shared = listener
        let released = NSCondition()
        /// Set once the client gave up; read and written under `released`.
        final class Flag: @unchecked Sendable { var done = false }
        let flag = Flag()
        // The server completes the handshake, then reads nothing until the client gave up.
        let server = Background { () throws -> Bool in
            let socket = try shared.accept()
            defer { socket.close() }
            try socket.handshake()
            let deadline = Date().addingTimeInterval(20)
            released.lock()
            while !flag.done && released.wait(until: deadline) {}
            released.unlock()
            return true
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        configuration.writeTimeout = 0.5
        let client = try TLSSocket.connect(host: "localhost", port: listener.localEndpoint.port,
                                           context: GnuTLS().makeContext(configuration: configuration))
        let chunk = [UInt8](repeating: 0x41, count: 1 << 20)
        var written = 0
        var failure: TLSError?
        // The socket buffers take a few MiB at most; 256 MiB can only end in the timeout.
        while written < 256 << 20 && failure == nil {
            do { try client.write(chunk); written += chunk.count } catch { failure = error }
        }
        #expect(failure == .timedOut(stage: .write, seconds: 0.5), "\(String(describing: failure)) after \(written) bytes")
        #expect(written < 256 << 20)
        client.close()
        released.lock()
        flag.done = true
        released.broadcast()
        released.unlock()
        #expect(try server.value() == true)
    }

    @Test func plaintextPeerIsRecognised() throws {
        let listener = try listener()
        nonisolated(unsafe) let shared = listener
        let server = Background { () -> TLSError? in
            let socket = try shared.accept()
            defer { socket.close() }
            do throws(TLSError) { try socket.handshake() } catch { return error }
            return nil
        }
        let raw = try TCPSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port, timeout: 5)
        try raw.write(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        let outcome = try server.value()
        let error = try #require(outcome)
        #expect(error.description.contains("the client does not speak TLS: it sent plaintext 'GET / HTTP/1.1'"))
        raw.close()
    }
}
