#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import AsyncGreeting
import GnuTLSBackend
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SecureSockets
import SecureSocketsNIO
import Testing

/// The async/await way in (`ServerBootstrap.bind(host:port:tlsContext:)`, `TLSServer.run`,
/// `ClientBootstrap.connect(host:port:tlsContext:)`) over loopback, with verification on: the
/// greeting example of docs/examples.md, failures reported without stopping the server, and a cancelled
/// server closing its listener and connections. Every server here is stopped by its test.
@Suite struct AsyncTLSTests {
    /// How long any step may take before the test fails instead of hanging.
    static let deadline: Duration = .seconds(10)

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func greetingExampleRunsOverLoopback(version: TLSVersion) async throws {
        let server = try await bind(Fixtures.serverContext(versions: .exactly(version)))
        let log = Lines()
        let serving = Task { try await serveGreetings(on: server, log: log.append) }
        defer { serving.cancel() }

        let (info, reply) = try await within {
            try await sendGreeting("Hola soy tu cliente", host: "127.0.0.1", port: try port(of: server),
                                   context: Fixtures.clientContext(versions: .exactly(version)))
        }
        #expect(reply == "Hola soy tu servidor....")
        #expect(info.version == version)
        #expect(info.verification.hasPrefix("verified"))
        #expect(info.peerCertificates.first?.subject.contains("CN=localhost") == true)
        // The server logs the greeting before it replies.
        #expect(log.all == ["\(info.protocolName) client says: \"Hola soy tu cliente\""])

        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func bothSidesSeeTheApplicationProtocolAgreedThroughALPNOrRefused() async throws {
        var serverConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        serverConfiguration.applicationProtocols = ["h2", "http/1.1"]
        serverConfiguration.requiresApplicationProtocol = true
        let server = try await bind(GnuTLS().makeContext(configuration: serverConfiguration))
        let served = Events<SessionInfo>()
        let failures = Events<any Error>()
        let serving = Task {
            try await server.run(onFailure: { error, _ in failures.yield(error) }) { connection in
                served.yield(connection.info)
                try await connection.channel.executeThenClose { _, _ in }
            }
        }
        defer { serving.cancel() }

        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.trustRoots = .pem(Fixtures.server.certificatePEM, label: "trust.pem")
        clientConfiguration.applicationProtocols = ["http/1.1"]
        let clientContext = try GnuTLS().makeContext(configuration: clientConfiguration)
        let port = try port(of: server)
        let clientInfo = try await within {
            let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .connect(host: "127.0.0.1", port: port, tlsContext: clientContext)
            try await connection.channel.executeThenClose { _, _ in }
            return connection.info
        }
        #expect(clientInfo.applicationProtocol == "http/1.1")
        #expect(try await served.next().applicationProtocol == "http/1.1")

        // No protocol in common: the strict server refuses (no_application_protocol), the client
        // throws, and the connection never reaches the handler.
        clientConfiguration.applicationProtocols = ["spdy/3"]
        let strangerContext = try GnuTLS().makeContext(configuration: clientConfiguration)
        let refusal = await #expect(throws: TLSError.self) {
            try await within {
                let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                    .connect(host: "127.0.0.1", port: port, tlsContext: strangerContext)
                try await connection.channel.executeThenClose { _, _ in }
            }
        }
        #expect(refusal?.kind == "no-common-application-protocol", "client threw \(String(describing: refusal))")
        let reported = try await failures.next()
        #expect((reported as? TLSError)?.kind == "no-common-application-protocol", "server reported \(reported)")
        #expect(served.count == 1)

        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func examplesPageShowsTheExampleTheTestsRun() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/examples.md"), encoding: .utf8)
        for name in ["GreetingServer.swift", "GreetingClient.swift"] {
            let source = try String(contentsOf: root.appendingPathComponent("Examples/AsyncGreeting/\(name)"), encoding: .utf8)
            #expect(page.contains(source), "docs/examples.md does not show Examples/AsyncGreeting/\(name) as it is")
        }
    }

    @Test func clientThrowsVerificationFailureAndTheServerCarriesOn() async throws {
        let server = try await bind(Fixtures.serverContext())
        let failures = Events<any Error>()
        let served = Events<SessionInfo>()
        let serving = Task {
            try await server.run(onFailure: { error, _ in failures.yield(error) }) { connection in
                served.yield(connection.info)
                try await connection.channel.executeThenClose { inbound, outbound in
                    for try await bytes in inbound { try await outbound.write(bytes) }
                }
            }
        }
        defer { serving.cancel() }
        let port = try port(of: server)

        // A client that does not trust the server's certificate: it throws, and tells the server why.
        let untrusting = try Fixtures.clientContext(trust: Fixtures.other)
        let thrown = await #expect(throws: TLSError.self) {
            try await within {
                let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                    .connect(host: "127.0.0.1", port: port, tlsContext: untrusting)
                try await connection.channel.executeThenClose { _, _ in }
            }
        }
        #expect(thrown?.kind == "verification-failed")
        let reported = try await failures.next()
        #expect((reported as? TLSError)?.kind == "handshake-failed", "server reported \(reported)")
        #expect("\(reported)".contains("GNUTLS_A_UNKNOWN_CA"), "server reported \(reported)")

        // The next client is served.
        let echoed = try await within {
            let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .connect(host: "127.0.0.1", port: port, tlsContext: Fixtures.clientContext())
            return try await connection.channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "eco"))
                var iterator = inbound.makeAsyncIterator()
                return try await iterator.next().map { String(buffer: $0) }
            }
        }
        #expect(echoed == "eco")
        let info = try await served.next()
        #expect(info.verification == "no client certificate requested")
        #expect(served.count == 1)
        #expect(failures.count == 1)

        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func handshakeFailuresAreReportedAndNeverServed() async throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        // Long enough for the real client's handshake on a loaded machine (it shares the bound),
        // short enough that the silent client is dropped well inside the test's deadline.
        configuration.handshakeTimeout = 3
        let server = try await bind(GnuTLS().makeContext(configuration: configuration))
        let failures = Events<any Error>()
        let served = Events<SessionInfo>()
        let serving = Task {
            try await server.run(onFailure: { error, _ in failures.yield(error) }) { connection in
                served.yield(connection.info)
                try await connection.channel.executeThenClose { _, _ in }
            }
        }
        defer { serving.cancel() }
        let port = try port(of: server)

        // Plaintext HTTP: refused with an alert, the connection closed.
        let answer = try await within { try await rawExchange(port: port, send: "GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        #expect(answer.first == 0x15, "expected a TLS alert record, got \(answer.prefix(8))")
        let plaintext = try await failures.next()
        #expect((plaintext as? TLSError) != nil, "server reported \(plaintext)")

        // A client that says nothing: dropped after the handshake timeout.
        let silent = try await within { try await rawExchange(port: port, send: nil) }
        #expect(silent.isEmpty)
        let timeout = try await failures.next()
        #expect((timeout as? TLSError)?.kind == "timed-out", "server reported \(timeout)")

        // And a real client after them is served.
        try await within {
            let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .connect(host: "127.0.0.1", port: port, tlsContext: Fixtures.clientContext())
            try await connection.channel.executeThenClose { _, _ in }
        }
        _ = try await served.next()
        #expect(served.count == 1)
        #expect(failures.count == 2)

        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func cancellingTheServerClosesTheListenerAndEveryConnection() async throws {
        // A handshake timeout far past the test's deadline: only the cancellation can close the
        // connection that never sends its hello.
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.handshakeTimeout = 60
        let server = try await bind(GnuTLS().makeContext(configuration: configuration))
        let port = try port(of: server)
        let entered = Events<Void>()
        let failures = Events<any Error>()
        let serving = Task {
            try await server.run(onFailure: { error, _ in failures.yield(error) }) { connection in
                try await connection.channel.executeThenClose { inbound, outbound in
                    entered.yield(())
                    for try await bytes in inbound { try await outbound.write(bytes) }
                }
            }
        }
        defer { serving.cancel() }

        // One connection still in its handshake (it sends nothing), then two clients being served:
        // one reading (it answers close_notify at once), one that reads only after the server has
        // stopped (the server's close waits for it only up to the handler's bound). The server
        // accepts in order, so the silent one was accepted when the clients' handlers run.
        let silentChannel = try await rawConnect(port: port)
        let silent = Task { try await exchange(silentChannel, send: nil) }
        let reading = try await within { try await tlsConnect(port: port) }
        try await entered.next()
        let idle = try await within { try await tlsConnect(port: port) }
        try await entered.next()
        let reader = Task { try await drain(reading) }

        serving.cancel()
        try await within { try await serving.value }

        // Both clients got close_notify: their inbound streams end cleanly.
        #expect(try await within { try await reader.value } == 0)
        #expect(try await within { try await drain(idle) } == 0)
        // The one in its handshake was closed, and nobody listens any more.
        #expect(try await within { try await silent.value }.isEmpty)
        await #expect(throws: TLSError.connectionRefused(host: "127.0.0.1", port: port)) {
            try await drain(tlsConnect(port: port))
        }
        // Stopping is not a failure.
        #expect(failures.count == 0)
    }

    @Test func handlerErrorsAreReportedAndTheConnectionClosed() async throws {
        struct Refusal: Error, Equatable {}
        let server = try await bind(Fixtures.serverContext())
        let failures = Events<any Error>()
        // The handler throws without touching the channel: the server still closes it properly.
        let serving = Task { try await server.run(onFailure: { error, _ in failures.yield(error) }) { _ in throw Refusal() } }
        defer { serving.cancel() }
        let port = try port(of: server)

        for _ in 0..<2 {
            let received = try await within {
                let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                    .connect(host: "127.0.0.1", port: port, tlsContext: Fixtures.clientContext())
                return try await connection.channel.executeThenClose { inbound, _ in
                    var count = 0
                    for try await bytes in inbound { count += bytes.readableBytes }
                    return count
                }
            }
            #expect(received == 0)
            #expect(try await failures.next() as? Refusal == Refusal())
        }
        await #expect(throws: TLSError.invalidState("TLSServer.run was already called: a server runs once")) {
            try await server.run(onFailure: { _, _ in }) { _ in }
        }
        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func cancellingAClientMidHandshakeClosesItsConnection() async throws {
        // A TCP server that reads the ClientHello and never answers.
        let listener = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = try #require(listener.channel.localAddress?.port)
        let hello = Events<Int>()
        let peer = Task {
            try await listener.executeThenClose { accepted in
                for try await child in accepted {
                    // What the client sent, counted until it closed the connection.
                    return try await child.executeThenClose { inbound, _ in
                        var count = 0
                        for try await bytes in inbound {
                            if count == 0 { hello.yield(bytes.readableBytes) }
                            count += bytes.readableBytes
                        }
                        return count
                    }
                }
                return 0
            }
        }
        defer { peer.cancel() }

        let client = Task {
            try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .connect(host: "127.0.0.1", port: port, tlsContext: Fixtures.clientContext())
        }
        #expect(try await hello.next() > 0)
        client.cancel()
        await #expect(throws: CancellationError.self) {
            try await within { try await client.value }
        }
        // The client closed its connection: the peer's read ends.
        #expect(try await within { try await peer.value } > 0)
    }

    @Test func bindingAnAddressInUseThrowsTypedError() async throws {
        let server = try await bind(Fixtures.serverContext())
        let port = try port(of: server)
        let serving = Task { try await server.run(onFailure: { _, _ in }) { _ in } }
        defer { serving.cancel() }
        await #expect(throws: TLSError.addressInUse(host: "127.0.0.1", port: port)) {
            _ = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .bind(host: "127.0.0.1", port: port, tlsContext: Fixtures.serverContext())
        }
        serving.cancel()
        try await within { try await serving.value }
    }

    @Test func portsOutOfRangeAreRefusedBeforeAnySocket() async throws {
        let context = try Fixtures.serverContext()
        await #expect(throws: TLSError.invalidConfiguration("port 70000 is out of range (0 to 65535)")) {
            _ = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .bind(host: "127.0.0.1", port: 70000, tlsContext: context)
        }
        await #expect(throws: TLSError.invalidConfiguration("port 0 is out of range (1 to 65535)")) {
            let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .connect(host: "127.0.0.1", port: 0, tlsContext: Fixtures.clientContext())
            try await connection.channel.executeThenClose { _, _ in }
        }
    }

    // MARK: - Helpers

    private func bind(_ context: any TLSContext) async throws -> TLSServer {
        try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
            .bind(host: "127.0.0.1", port: 0, tlsContext: context)
    }

    private func port(of server: TLSServer) throws -> Int {
        try #require(server.localAddress?.port)
    }

    /// A TLS client connection to the server, trusting its certificate.
    private func tlsConnect(port: Int) async throws -> TLSConnection {
        try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
            .connect(host: "127.0.0.1", port: port, tlsContext: Fixtures.clientContext())
    }

    /// Reads `connection` until its end and closes it; returns how many bytes came.
    private func drain(_ connection: TLSConnection) async throws -> Int {
        try await connection.channel.executeThenClose { inbound, _ in
            var count = 0
            for try await bytes in inbound { count += bytes.readableBytes }
            return count
        }
    }

    /// Connects over plain TCP, sends `text` (or nothing), and returns every byte the server sent
    /// until it closed the connection.
    private func rawExchange(port: Int, send text: String?) async throws -> [UInt8] {
        try await exchange(rawConnect(port: port), send: text)
    }

    /// A plain TCP connection to the server.
    private func rawConnect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Sends `text` (or nothing) on `channel`, and returns every byte the server sent until it
    /// closed the connection (or reset it).
    private func exchange(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, send text: String?) async throws -> [UInt8] {
        try await channel.executeThenClose { inbound, outbound in
            if let text { try await outbound.write(ByteBuffer(string: text)) }
            var received: [UInt8] = []
            do {
                for try await bytes in inbound { received += bytes.readableBytesView }
            } catch let error as IOError where error.errnoCode == ECONNRESET {
                // A reset after the alert still ends the exchange.
            }
            return received
        }
    }

    /// Runs `body`, failing if it takes longer than ``deadline``.
    @discardableResult
    private func within<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(Self.deadline, body)
    }
}

/// Runs `body`, throwing `TLSError.timedOut` if it has not returned a value within `deadline`
/// (the timer is the deadline of a wait on a condition, not a pause: it is cancelled as soon as
/// `body` returns).
private func withDeadline<T: Sendable>(_ deadline: Duration, _ body: @escaping @Sendable () async throws -> T?) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: deadline)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TLSError.timedOut(stage: .read, seconds: Double(deadline.components.seconds))
        }
        return value
    }
}

/// Lines logged from any task.
private final class Lines: Sendable {
    private let lines = NIOLockedValueBox([String]())
    var all: [String] { lines.withLockedValue { $0 } }
    @Sendable func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
}

/// Values reported from callbacks, awaited one by one with a deadline.
private final class Events<Value: Sendable>: Sendable {
    private let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation
    private let seen = NIOLockedValueBox(0)

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Value.self)
    }

    /// How many values were reported so far.
    var count: Int { seen.withLockedValue { $0 } }

    func yield(_ value: Value) {
        seen.withLockedValue { $0 += 1 }
        continuation.yield(value)
    }

    /// The next value, waiting at most ``AsyncTLSTests/deadline``.
    func next() async throws -> Value {
        let stream = self.stream
        return try await withDeadline(AsyncTLSTests.deadline) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }
    }
}
