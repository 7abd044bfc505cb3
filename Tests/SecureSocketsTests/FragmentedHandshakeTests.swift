import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// Handshakes whose messages span several records, whose records span several reads, and hellos far
/// larger than one record, all in memory: each is answered at once (the handshake completes or the
/// right alert comes back), whatever the split. Times are measured and bounded.
@Suite struct FragmentedHandshakeTests {
    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]
    /// Every case must be answered well within this (the issue asks for one second).
    static let answerDeadline: Duration = .seconds(1)

    /// A server certificate whose Certificate message is larger than one record (over 16 KiB).
    static let largeCertificate: GeneratedCertificate = Fixtures.make(CertificateRequest(
        subject: "CN=localhost,O=tlshello tests large",
        subjectAltNames: ["localhost", "127.0.0.1"] + (0..<900).map { "host-\($0).a-rather-long-name.invalid" }))

    /// The client's first flight (its ClientHello record) at `version`.
    static func clientFlight(_ version: TLSVersion) throws -> (client: any TLSSession, flight: [UInt8]) {
        let client = try Fixtures.clientContext(versions: .exactly(version)).makeSession(peerName: "localhost")
        #expect(try client.handshake() == .needsInput)
        return (client, client.takeNetworkOutput())
    }

    /// Feeds `reads` to a fresh server one read at a time, driving its handshake after each, and
    /// returns what it sent back plus the error it failed with, if any.
    static func answer(_ reads: [[UInt8]], server: (any TLSSession)? = nil,
                       versions: TLSVersionPolicy = .secureDefault) throws -> (output: [UInt8], error: TLSError?, time: Duration) {
        let server = try server ?? Fixtures.serverContext(versions: versions).makeSession(peerName: nil)
        var output: [UInt8] = []
        let clock = ContinuousClock()
        let started = clock.now
        for read in reads {
            server.receiveFromNetwork(read)
            do {
                _ = try server.handshake()
            } catch {
                output += server.takeNetworkOutput()
                return (output, error, clock.now - started)
            }
            output += server.takeNetworkOutput()
        }
        return (output, nil, clock.now - started)
    }

    /// True when `output` starts with a ServerHello record.
    static func isServerHello(_ output: [UInt8]) -> Bool {
        guard let first = TLSRecords.parse(output).first else { return false }
        return first.contentType == TLSRecords.handshake && first.payload.first == 2
    }

    /// The alert description of the first record of `output`, if it is an alert.
    static func alert(_ output: [UInt8]) -> UInt8? {
        guard let first = TLSRecords.parse(output).first, first.contentType == TLSRecords.alert,
              first.payload.count == 2 else { return nil }
        return first.payload[1]
    }

    /// Runs a whole handshake between `client` and `server`, moving each side's output through
    /// `toServer` / `toClient` (which may re-frame it and cut it into reads) and driving the
    /// receiver after every read. Returns how long it took.
    @discardableResult
    static func handshake(client: any TLSSession, server: any TLSSession, pending: [UInt8] = [],
                          toServer: ([UInt8]) -> [[UInt8]], toClient: ([UInt8]) -> [[UInt8]]) throws -> Duration {
        let clock = ContinuousClock()
        let started = clock.now
        var toServerBytes = pending
        var clientDone = false
        var serverDone = false
        for _ in 0..<20 {
            for read in toServer(toServerBytes) {
                server.receiveFromNetwork(read)
                serverDone = try server.handshake() == .complete
            }
            if !serverDone { serverDone = try server.handshake() == .complete }
            for read in toClient(server.takeNetworkOutput()) {
                client.receiveFromNetwork(read)
                clientDone = try client.handshake() == .complete
            }
            if !clientDone { clientDone = try client.handshake() == .complete }
            toServerBytes = client.takeNetworkOutput()
            if clientDone && serverDone && toServerBytes.isEmpty { return clock.now - started }
        }
        Issue.record("the handshake did not complete (client \(clientDone), server \(serverDone))")
        return clock.now - started
    }

    /// After a handshake, one message each way must arrive intact.
    static func expectExchange(client: any TLSSession, server: any TLSSession) throws {
        try client.write("Hola soy tu cliente")
        server.receiveFromNetwork(client.takeNetworkOutput())
        var received: [UInt8] = []
        while case let .data(bytes) = try server.read(maximum: 1024) { received += bytes }
        #expect(received == Array("Hola soy tu cliente".utf8))
    }

    static func sessions(_ version: TLSVersion, certificate: GeneratedCertificate = Fixtures.server) throws
        -> (client: any TLSSession, server: any TLSSession) {
        let client = try Fixtures.clientContext(trust: certificate, versions: .exactly(version)).makeSession(peerName: "localhost")
        let server = try Fixtures.serverContext(certificate, versions: .exactly(version)).makeSession(peerName: nil)
        return (client, server)
    }

    // MARK: The client's hello split into records and reads

    @Test(arguments: versions, [1, 7, 100, 1024])
    func helloInSmallRecordsCompletesTheHandshake(version: TLSVersion, recordSize: Int) throws {
        let (client, server) = try Self.sessions(version)
        let time = try Self.handshake(client: client, server: server,
                                      toServer: { [TLSRecords.reframe($0, recordSize: recordSize)].filter { !$0.isEmpty } },
                                      toClient: { [$0] })
        #expect(time < Self.answerDeadline)
        try Self.expectExchange(client: client, server: server)
    }

    @Test(arguments: versions)
    func helloInTwentyRecordsCompletesTheHandshake(version: TLSVersion) throws {
        let (client, server) = try Self.sessions(version)
        try Self.handshake(client: client, server: server, toServer: { bytes in
            let size = max(1, (bytes.count + 19) / 20)
            return [TLSRecords.reframe(bytes, recordSize: size)].filter { !$0.isEmpty }
        }, toClient: { [$0] })
        try Self.expectExchange(client: client, server: server)
    }

    /// Both directions one byte per read (every record boundary and every byte boundary is a read
    /// boundary), and both directions in 1-byte records.
    @Test(arguments: versions)
    func everyFlightOneBytePerReadCompletesTheHandshake(version: TLSVersion) throws {
        let (client, server) = try Self.sessions(version)
        let time = try Self.handshake(client: client, server: server,
                                      toServer: { TLSRecords.reads($0, size: 1) }, toClient: { TLSRecords.reads($0, size: 1) })
        #expect(time < Self.answerDeadline)
        try Self.expectExchange(client: client, server: server)
    }

    @Test(arguments: versions)
    func oneByteRecordsOneBytePerReadBothWaysCompleteTheHandshake(version: TLSVersion) throws {
        let (client, server) = try Self.sessions(version)
        let split: ([UInt8]) -> [[UInt8]] = { TLSRecords.reads(TLSRecords.reframe($0, recordSize: 1), size: 1) }
        let time = try Self.handshake(client: client, server: server, toServer: split, toClient: split)
        #expect(time < Self.answerDeadline)
        try Self.expectExchange(client: client, server: server)
    }

    /// The hello as one record cut in two at every byte, and the hello in 1-byte records cut in two
    /// at every byte of its first 12 records (every offset inside a record) and at every record
    /// boundary after them: the first read ends mid-record or on a boundary, the second brings the
    /// rest (many records at once). The server answers each time.
    @Test(arguments: versions)
    func helloSplitAtEveryByteIsAnswered(version: TLSVersion) throws {
        let (_, flight) = try Self.clientFlight(version)
        let records = TLSRecords.reframe(flight, recordSize: 1)
        let context = try Fixtures.serverContext(versions: .exactly(version))
        var slowest: Duration = .zero
        for cut in 1..<records.count where cut < 12 * 6 || cut % 6 == 0 {
            let (output, error, time) = try Self.answer([Array(records[..<cut]), Array(records[cut...])],
                                                        server: context.makeSession(peerName: nil))
            #expect(error == nil, "cut at \(cut): \(String(describing: error))")
            #expect(Self.isServerHello(output), "cut at \(cut): no ServerHello")
            slowest = max(slowest, time)
        }
        #expect(slowest < Self.answerDeadline)
        // The same for the hello as one record.
        for cut in 1..<flight.count {
            let (output, _, _) = try Self.answer([Array(flight[..<cut]), Array(flight[cut...])],
                                                 server: context.makeSession(peerName: nil))
            #expect(Self.isServerHello(output), "cut at \(cut) of the single record: no ServerHello")
        }
    }

    // MARK: The server's flight split into records and reads (the client side)

    /// TLS 1.2's server flight is plaintext up to its ChangeCipherSpec: its Certificate message is
    /// cut into many records. In TLS 1.3 only the ServerHello is plaintext; the rest goes byte by byte.
    @Test(arguments: versions, [1, 50, 1000])
    func serverFlightInSmallRecordsCompletesTheHandshake(version: TLSVersion, recordSize: Int) throws {
        let (client, server) = try Self.sessions(version)
        let time = try Self.handshake(client: client, server: server, toServer: { [$0].filter { !$0.isEmpty } },
                                      toClient: { TLSRecords.reads(TLSRecords.reframe($0, recordSize: recordSize), size: 512) })
        #expect(time < Self.answerDeadline)
        try Self.expectExchange(client: client, server: server)
    }

    /// A certificate chain larger than one record: the Certificate message spans several records
    /// (encrypted ones in TLS 1.3), read one byte at a time or all at once.
    @Test(arguments: versions, [1, 65536])
    func certificateLargerThanOneRecordCompletesTheHandshake(version: TLSVersion, readSize: Int) throws {
        #expect(Self.largeCertificate.certificatePEM.utf8.count > 4 * 16 * 1024 / 3)
        let (client, server) = try Self.sessions(version, certificate: Self.largeCertificate)
        var serverFlight = 0
        try Self.handshake(client: client, server: server, toServer: { [$0].filter { !$0.isEmpty } }, toClient: { bytes in
            serverFlight += bytes.count
            return TLSRecords.reads(bytes, size: readSize)
        })
        #expect(serverFlight > 16 * 1024 + 5)
        #expect(client.info?.peerCertificates.first?.subject.contains("large") == true)
        try Self.expectExchange(client: client, server: server)
    }

    // MARK: Large hellos

    /// Each large hello is answered with a ServerHello, whether its records arrive in one read, in
    /// reads of 1,000 bytes, or one per read.
    @Test(arguments: versions, LargeClientHello.allCases)
    func largeHelloIsAnswered(version: TLSVersion, hello: LargeClientHello) throws {
        let (_, flight) = try Self.clientFlight(version)
        let records = try #require(hello.records(from: flight))
        #expect(TLSRecords.parse(records).count >= 2, "the hello should span several records")
        let perRecord = TLSRecords.parse(records).map(\.bytes)
        for reads in [[records], TLSRecords.reads(records, size: 1000), perRecord] {
            let (output, error, time) = try Self.answer(reads, versions: .exactly(version))
            #expect(error == nil, "\(String(describing: error))")
            #expect(Self.isServerHello(output))
            #expect(time < Self.answerDeadline, "\(time)")
        }
    }

    // MARK: Limits

    /// The largest hello the fields allow (64 KiB of suites and 64 KiB of extensions, 131 KiB) is
    /// over the bound: refused with decode_error as soon as its header is read, not held.
    @Test func helloOverTheBoundIsRefusedAtOnce() throws {
        let (_, flight) = try Self.clientFlight(.tlsv1_3)
        var hello = try #require(ClientHelloMessage(flight: flight))
        hello.addUnknownCipherSuites(32767 - hello.cipherSuites.count / 2)
        hello.pad(extensionsTo: 65535)
        let records = TLSRecords.frame(hello.message, recordSize: 16 * 1024)
        #expect(records.count > 128 * 1024)
        // Only the first record: the header already says it is too large.
        let (output, error, time) = try Self.answer([Array(records.prefix(16 * 1024 + 5))])
        let failure = try #require(error)
        #expect(failure.kind == "handshake-failed")
        #expect(failure.description.contains("is \(hello.message.count) bytes long; this server accepts up to 128 KiB of handshake data"))
        #expect(failure.description.contains("GNUTLS_E_HANDSHAKE_TOO_LARGE"))
        #expect(Self.alert(output) == 50) // decode_error
        #expect(time < Self.answerDeadline)
    }

    /// A header that claims 16 MiB is refused on its 9 bytes alone.
    @Test func helloThatClaimsSixteenMiBIsRefusedOnItsHeader() throws {
        let (output, error, _) = try Self.answer([[0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff]])
        #expect(error?.description.contains("is 16777219 bytes long") == true)
        #expect(Self.alert(output) == 50)
    }

    /// GnuTLS bounds the handshake data of a session (the client's messages and this side's) at
    /// 128 KiB: a 126 KiB hello leaves room for the server's flight and is answered; one of 130,960
    /// bytes is refused with decode_error. Neither is held.
    @Test(arguments: [(126 * 1024, true), (130_960, false)])
    func helloAtTheBound(size: Int, answered: Bool) throws {
        let (_, flight) = try Self.clientFlight(.tlsv1_3)
        var hello = try #require(ClientHelloMessage(flight: flight))
        hello.pad(extensionsTo: 65535)
        if (size - hello.message.count) % 2 != 0 { hello.pad(extensionsTo: 65534) }
        hello.addUnknownCipherSuites((size - hello.message.count) / 2)
        try #require(hello.message.count == size)
        let (output, error, time) = try Self.answer([TLSRecords.frame(hello.message, recordSize: 16 * 1024)])
        #expect(Self.isServerHello(output) == answered, "\(String(describing: error))")
        if !answered {
            #expect(error?.description.contains("GNUTLS_E_HANDSHAKE_TOO_LARGE") == true)
            #expect(Self.alert(output) == 50)
        }
        #expect(time < Self.answerDeadline)
    }

    /// A record over 16 KiB is refused with record_overflow and named as such.
    @Test func recordOverSixteenKiBIsRefused() throws {
        let record = [0x16, 0x03, 0x01, 0x40, 0x01, 0x01] + [UInt8](repeating: 0, count: 16 * 1024)
        let (output, error, _) = try Self.answer([record])
        #expect(error?.description.contains("the client sent a record longer than TLS allows") == true)
        #expect(Self.alert(output) == 22) // record_overflow
    }

    // MARK: Failure explanations read the whole hello

    /// A TLS 1.1-only hello in 1-byte records is still recognised as such by the explanation.
    @Test func explanationReadsAHelloSpreadOverManyRecords() throws {
        let client = try Fixtures.clientContext(versions: .exactly(.tlsv1_1)).makeSession(peerName: "localhost")
        _ = try client.handshake()
        let flight = client.takeNetworkOutput()
        let records = TLSRecords.reframe(flight, recordSize: 1)
        #expect(ClientHelloSummary.parse(records) == ClientHelloSummary.parse(flight))
        let (output, error, _) = try Self.answer([records])
        let failure = try #require(error)
        #expect(failure.kind == "no-common-version")
        #expect(failure.description.contains("the client offered TLS1.1"))
        #expect(Self.alert(output) == 70) // protocol_version
    }

    @Test func summaryOfALargeHelloInManyRecordsFindsItsServerName() throws {
        let (_, flight) = try Self.clientFlight(.tlsv1_3)
        var hello = try #require(ClientHelloMessage(flight: flight))
        hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0, count: 4000))
        let summary = try #require(ClientHelloSummary.parse(TLSRecords.frame(hello.message, recordSize: 100)))
        #expect(summary.serverName == "localhost")
        #expect(summary.offeredVersions == [.tlsv1_3])
    }
}

