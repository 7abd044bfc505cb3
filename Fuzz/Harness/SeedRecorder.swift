import SecureSockets
import TestSupport

/// Records real handshakes, one per table version, with ``TLSSessionPair`` and turns them into
/// seed inputs for every fuzz target: client flights for the server target, server flights for
/// the client target, both byte streams for the record scanner, the first record for the
/// ClientHello summary, a tracer script for the trace, greeting scripts for the assembler.
package enum SeedRecorder {
    /// One seed file: its name (without directory) and bytes.
    package struct Seed: Sendable, Equatable {
        /// The file name, e.g. `tls1.3-client-flight`.
        package var name: String
        /// The input.
        package var bytes: [UInt8]
    }

    /// The bytes one handshake and greeting exchange put on the wire, in rounds.
    package struct Transcript: Sendable {
        /// The version both sides were held to.
        package var version: TLSVersion
        /// Per round of the exchange: what the client sent, then what the server sent.
        package var rounds: [(client: [UInt8], server: [UInt8])] = []
        /// The application data sizes, client's first.
        package var greeting: [Int] = []

        /// Everything the client sent.
        package var clientBytes: [UInt8] { rounds.flatMap(\.client) }
        /// Everything the server sent.
        package var serverBytes: [UInt8] { rounds.flatMap(\.server) }
    }

    /// Runs a full handshake at `version`, then a greeting each way and close_notify both ways.
    package static func record(_ version: TLSVersion) throws -> Transcript {
        let pair = try TLSSessionPair(client: FuzzContexts.makeClient(versions: .exactly(version), verification: .fullVerification),
                                      server: FuzzContexts.makeServer(versions: FuzzContexts.allVersions))
        var transcript = Transcript(version: version)
        func move() {
            let toServer = pair.client.takeNetworkOutput()
            let toClient = pair.server.takeNetworkOutput()
            if toServer.isEmpty && toClient.isEmpty { return }
            transcript.rounds.append((toServer, toClient))
            pair.server.receiveFromNetwork(toServer)
            pair.client.receiveFromNetwork(toClient)
        }
        var rounds = 0
        while !(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete) {
            rounds += 1
            guard rounds < 50 else { throw TLSError.timedOut(stage: .handshake, seconds: 0) }
            if !pair.client.isHandshakeComplete { _ = try pair.client.handshake() }
            if !pair.server.isHandshakeComplete { _ = try pair.server.handshake() }
            move()
        }
        let hello = Array("Hello, server".utf8)
        try pair.client.write(hello)
        move()
        _ = try pair.server.read(maximum: 16 * 1024)
        let reply = Array("Hello, client: this is the greeting".utf8)
        try pair.server.write(reply)
        move()
        _ = try pair.client.read(maximum: 16 * 1024)
        transcript.greeting = [hello.count, reply.count]
        try pair.client.close()
        try pair.server.close()
        move()
        return transcript
    }

    /// Every seed, by target, from one recorded exchange per table version.
    package static func seeds() throws -> [FuzzTarget: [Seed]] {
        var all: [FuzzTarget: [Seed]] = [:]
        for version in TLSVersion.allCases {
            let transcript = try record(version)
            let name = "tls" + version.rawValue.dropFirst(4)
            for target in FuzzTarget.allCases {
                all[target, default: []] += seeds(for: target, from: transcript, name: name)
            }
        }
        all[.clientHello, default: []] += [
            Seed(name: "http-request", bytes: Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)),
            Seed(name: "sslv2-hello", bytes: [0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10]),
        ]
        all[.greeting, default: []] += [
            Seed(name: "whole-greeting", bytes: [0x04, 0x00, 0x0d] + Array("Hello, server".utf8)),
            Seed(name: "split-greeting", bytes: [0x04, 0x00, 0x01, 0x48, 0x8c] + Array("ello, server".utf8)),
            Seed(name: "over-limit", bytes: [0x00, 0x08, 0x7f] + [UInt8](repeating: 0x61, count: 127)),
        ]
        return all
    }

    private static func seeds(for target: FuzzTarget, from transcript: Transcript, name: String) -> [Seed] {
        let client = transcript.clientBytes
        let server = transcript.serverBytes
        let secureDefault = transcript.version >= .tlsv1_2
        switch target {
        case .serverSession:
            var seeds = [
                Seed(name: "\(name)-client-flight", bytes: FeedPlan(flags: ServerSessionFuzzer.allVersionsFlag, lengths: [], payload: client).encoded),
                Seed(name: "\(name)-client-flight-traced-in-small-reads",
                     bytes: FeedPlan(flags: ServerSessionFuzzer.allVersionsFlag | ServerSessionFuzzer.traceFlag, lengths: [5, 61], payload: client).encoded),
            ]
            if secureDefault {
                seeds.append(Seed(name: "\(name)-client-flight-secure-default", bytes: FeedPlan(flags: 0, lengths: [], payload: client).encoded))
                // Hellos larger than one record, in several records: the case that once stalled.
                if let hello = paddedHello(client, padding: 4096, recordSize: 1024) {
                    seeds.append(Seed(name: "\(name)-hello-4k-padding-in-1024-byte-records", bytes: FeedPlan(flags: 0, lengths: [], payload: hello).encoded))
                }
                if let hello = paddedHello(client, padding: 17 * 1024, recordSize: 16 * 1024) {
                    seeds.append(Seed(name: "\(name)-hello-17k-padding-in-two-records-in-small-reads", bytes: FeedPlan(flags: 0, lengths: [100, 0], payload: hello).encoded))
                }
            }
            return seeds
        case .clientSession:
            return [
                Seed(name: "\(name)-server-flight", bytes: FeedPlan(flags: ClientSessionFuzzer.allVersionsFlag, lengths: [], payload: server).encoded),
                Seed(name: "\(name)-server-flight-verified-traced-in-small-reads",
                     bytes: FeedPlan(flags: ClientSessionFuzzer.verifyFlag | ClientSessionFuzzer.traceFlag, lengths: [5, 200], payload: server).encoded),
            ]
        case .recordFraming:
            return [
                Seed(name: "\(name)-client-bytes", bytes: FeedPlan(flags: 0, lengths: [], payload: client).encoded),
                Seed(name: "\(name)-server-bytes-in-small-reads", bytes: FeedPlan(flags: 0, lengths: [1, 4, 300], payload: server).encoded),
            ]
        case .clientHello:
            var scanner = TLSRecordScanner()
            guard let first = scanner.append(client).first else { return [] }
            let header: [UInt8] = [first.type, UInt8(first.version >> 8), UInt8(first.version & 0xff),
                                   UInt8(first.body.count >> 8), UInt8(first.body.count & 0xff)]
            return [Seed(name: "\(name)-client-hello", bytes: header + first.body)]
        case .handshakeTrace:
            return [Seed(name: "\(name)-client-trace", bytes: traceScript(transcript))]
        case .greeting:
            return []
        }
    }

    /// The client's ClientHello with a padding extension of `padding` bytes added, cut into
    /// handshake records of at most `recordSize` bytes; nil if the flight holds no whole ClientHello
    /// or the padding would not fit in the extensions' 16-bit length.
    package static func paddedHello(_ clientBytes: [UInt8], padding: Int, recordSize: Int) -> [UInt8]? {
        guard var hello = ClientHelloMessage(flight: clientBytes),
              let version = TLSRecords.parse(clientBytes).first?.version else { return nil }
        let total = hello.extensionsSize + 4 + padding
        guard total <= 0xffff else { return nil }
        hello.pad(extensionsTo: total)
        return TLSRecords.frame(hello.message, recordSize: recordSize, version: version)
    }

    /// A tracer script (see ``HandshakeTraceReplay``) of the exchange as the client saw it.
    private static func traceScript(_ transcript: Transcript) -> [UInt8] {
        let versionBits = UInt8(TLSVersion.allCases.firstIndex(of: transcript.version) ?? 0) << 1
        var script: [UInt8] = []
        func data(_ operation: UInt8, _ bytes: [UInt8]) {
            var offset = 0
            repeat {
                let chunk = bytes[offset..<min(bytes.count, offset + 0xffff)]
                script += [operation, UInt8(chunk.count >> 8), UInt8(chunk.count & 0xff)] + chunk
                offset += chunk.count
            } while offset < bytes.count
        }
        func messages(_ bytes: [UInt8], incoming: Bool) {
            var scanner = TLSRecordScanner()
            for record in scanner.append(bytes) {
                if record.type == TLSWire.ContentType.changeCipherSpec.rawValue { break }
                guard record.type == TLSWire.ContentType.handshake.rawValue else { continue }
                var reader = ByteReader(bytes: record.body)
                while let type = reader.u8(), let length = reader.u24(), let body = reader.take(length) {
                    data(2, [type, versionBits | (incoming ? 1 : 0)] + body)
                }
            }
        }
        let handshakeRounds = transcript.rounds.count - 3
        for (index, round) in transcript.rounds.enumerated() {
            if index == handshakeRounds { script.append(8) }
            if index == handshakeRounds && transcript.greeting.count == 2 {
                script += [3, UInt8(transcript.greeting[0] >> 8), UInt8(transcript.greeting[0] & 0xff)]
            }
            if index == handshakeRounds + 2 { script += [5, 0, 0] }
            if !round.client.isEmpty {
                if index < handshakeRounds { messages(round.client, incoming: false) }
                data(0, round.client)
                script.append(7)
            }
            if !round.server.isEmpty {
                data(1, round.server)
                if index < handshakeRounds { messages(round.server, incoming: true) }
                if index == handshakeRounds + 1 && transcript.greeting.count == 2 {
                    script += [4, UInt8(transcript.greeting[1] >> 8), UInt8(transcript.greeting[1] & 0xff)]
                }
            }
        }
        return script
    }
}
