import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// ClientHellos split over many records and many TCP segments, and hellos larger than one record,
/// sent from a raw socket to a live `tlshello server`: each is answered within one second (a
/// ServerHello, or the right alert and one log line), never held until the handshake timeout.
/// Loopback only; every server is started and stopped by the test.
@Suite struct FragmentedHelloTests {
    static let answerDeadline = 1.0

    /// What came back first, and after how long.
    struct Answer {
        var records: [TLSRecords.Record]
        var seconds: Double

        var isServerHello: Bool { records.first?.contentType == TLSRecords.handshake && records.first?.payload.first == 2 }
        var alert: UInt8? {
            guard let first = records.first, first.contentType == TLSRecords.alert, first.payload.count == 2 else { return nil }
            return first.payload[1]
        }
    }

    static func connect(_ server: ServerUnderTest) throws -> TCPSocket {
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        var on: Int32 = 1
        // Each write its own segment: the server sees the split as sent.
        setsockopt(socket.descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }

    /// Writes each of `writes`, then reads until a whole first record arrived, the server closed,
    /// or 3 seconds passed. The time is the server's: from the last write to its answer (the
    /// test's own writes, a thousand one-byte writes under AddressSanitizer, are not counted).
    static func send(_ writes: [[UInt8]], to socket: TCPSocket) throws -> Answer {
        for write in writes { try socket.write(write, timeout: 5) }
        let started = Date()
        var received: [UInt8] = []
        while TLSRecords.parse(received).isEmpty {
            let left = 3 - Date().timeIntervalSince(started)
            guard left > 0, try socket.waitReadable(seconds: left), let bytes = try socket.read(maximum: 64 * 1024) else { break }
            received += bytes
        }
        return Answer(records: TLSRecords.parse(received), seconds: Date().timeIntervalSince(started))
    }

    /// A client session's first flight at `version`, and the session.
    static func clientFlight(_ version: TLSVersion?) throws -> (session: any TLSSession, flight: [UInt8]) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(Paths.demoCertificate)
        if let version { configuration.versions = .exactly(version) }
        let session = try GnuTLS().makeContext(configuration: configuration).makeSession(peerName: "127.0.0.1")
        _ = try session.handshake()
        return (session, session.takeNetworkOutput())
    }

    @Test(arguments: LargeClientHello.allCases)
    func largeHelloIsAnsweredWithinOneSecond(hello: LargeClientHello) throws {
        let server = try ServerUnderTest()
        let records = try #require(hello.records(from: Self.clientFlight(nil).flight))
        for writes in [[records], TLSRecords.parse(records).map(\.bytes), TLSRecords.reads(records, size: 1000)] {
            let socket = try Self.connect(server)
            defer { socket.close() }
            let answer = try Self.send(writes, to: socket)
            #expect(answer.isServerHello, "\(hello) in \(writes.count) writes: \(answer.records.first.map { "\($0.contentType)" } ?? "nothing")")
            #expect(answer.seconds < Self.answerDeadline, "\(hello) in \(writes.count) writes: \(answer.seconds) s")
        }
    }

    /// The hello in 1-byte records: all in one write (several records in one read), or one byte
    /// per write (one record over many reads); the hello as one record, one byte per write.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func helloInOneByteRecordsOrOneBytePerWriteIsAnswered(version: TLSVersion) throws {
        let server = try ServerUnderTest()
        let flight = try Self.clientFlight(version).flight
        let oneByteRecords = TLSRecords.reframe(flight, recordSize: 1)
        for writes in [[oneByteRecords], TLSRecords.reads(oneByteRecords, size: 1), TLSRecords.reads(flight, size: 1)] {
            let socket = try Self.connect(server)
            defer { socket.close() }
            let answer = try Self.send(writes, to: socket)
            #expect(answer.isServerHello, "\(writes.count) writes")
            #expect(answer.seconds < Self.answerDeadline, "\(writes.count) writes: \(answer.seconds) s")
        }
    }

    /// The hello cut in two at every byte, each cut on its own connection.
    @Test func helloCutAtEveryByteIsAnswered() throws {
        let server = try ServerUnderTest()
        let flight = try Self.clientFlight(nil).flight
        var slowest = 0.0
        for cut in 1..<flight.count {
            let socket = try Self.connect(server)
            defer { socket.close() }
            let answer = try Self.send([Array(flight[..<cut]), Array(flight[cut...])], to: socket)
            #expect(answer.isServerHello, "cut at \(cut)")
            slowest = max(slowest, answer.seconds)
        }
        #expect(slowest < Self.answerDeadline, "slowest answer \(slowest) s")
    }

    /// A whole exchange whose client flights go out in 1-byte records, one byte per write: the
    /// handshake completes and the server replies to the greeting.
    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func greetingCompletesOverOneByteRecords(version: TLSVersion) throws {
        let server = try ServerUnderTest()
        let (session, flight) = try Self.clientFlight(version)
        let socket = try Self.connect(server)
        defer { socket.close() }
        var outgoing = flight
        // The server's time to answer each flight, from the flight's last byte to the answer.
        var slowest = 0.0
        while session.isHandshakeComplete == false {
            for byte in TLSRecords.reframe(outgoing, recordSize: 1) { try socket.write([byte], timeout: 5) }
            let sent = Date()
            guard try socket.waitReadable(seconds: 5), let bytes = try socket.read(maximum: 64 * 1024) else {
                Issue.record("no answer within 5 s")
                return
            }
            slowest = max(slowest, Date().timeIntervalSince(sent))
            session.receiveFromNetwork(bytes)
            _ = try session.handshake()
            outgoing = session.takeNetworkOutput()
        }
        #expect(slowest < Self.answerDeadline, "slowest answer \(slowest) s")
        #expect(session.info?.version == version)
        // The handshake's last flight (and the greeting, which is encrypted: not re-framed) one byte per write.
        try session.write("Hola soy tu cliente")
        for byte in outgoing + session.takeNetworkOutput() { try socket.write([byte], timeout: 5) }
        let expected = Array("Hola soy tu servidor....".utf8)
        var reply: [UInt8] = []
        var closed = false
        while reply.count < expected.count && !closed {
            guard try socket.waitReadable(seconds: 5), let bytes = try socket.read(maximum: 64 * 1024) else { break }
            session.receiveFromNetwork(bytes)
            reading: while true {
                switch try session.read(maximum: 1024) {
                case let .data(chunk): reply += chunk
                case .closed: closed = true; break reading
                case .needsInput: break reading
                }
            }
        }
        #expect(String(decoding: reply, as: UTF8.self) == "Hola soy tu servidor....")
        #expect(server.process.waitForLine(containing: "Hola soy tu cliente", timeout: 5) != nil)
    }

    /// Over the bound (128 KiB of handshake data): the largest hello the fields allow is refused with
    /// decode_error at once, and so is a header that claims 16 MiB; one log line each.
    @Test func helloOverTheBoundIsRefusedWithAnAlertAndOneLine() throws {
        let server = try ServerUnderTest()
        var hello = try #require(ClientHelloMessage(flight: Self.clientFlight(nil).flight))
        hello.addUnknownCipherSuites(32767 - hello.cipherSuites.count / 2)
        hello.pad(extensionsTo: 65535)
        let records = TLSRecords.frame(hello.message, recordSize: 16 * 1024)
        for writes in [[records], [[0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff]]] {
            let socket = try Self.connect(server)
            defer { socket.close() }
            let answer = try Self.send(writes, to: socket)
            #expect(answer.alert == 50, "decode_error expected") // decode_error
            #expect(answer.seconds < Self.answerDeadline, "\(answer.seconds) s")
        }
        let logged = server.process.waitUntil(timeout: 5) { data in
            String(decoding: data, as: UTF8.self).count(linesContaining: "this server accepts up to 128 KiB of handshake data") == 2
        }
        #expect(logged, "\(server.process.stdout.suffix(1000))")
        #expect(server.process.stdout.contains("the client's hello is \(hello.message.count) bytes long"))
        #expect(server.process.stdout.contains("the client's hello is 16777219 bytes long"))
    }
}
