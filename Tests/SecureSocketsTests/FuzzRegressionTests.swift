import Foundation
import FuzzHarness
import SecureSockets
import Testing

/// The fuzz targets run without libFuzzer: every committed seed and every input a fuzzer once
/// crashed on (Fuzz/Regressions/<Target>) replays through the same function `make fuzz` runs,
/// so a crash that comes back fails `make test`. Also checks that the harness itself works: the
/// seeds reach the handshake, the read plans cut input as documented.
@Suite struct FuzzRegressionTests {
    /// The repository's Fuzz directory.
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").path

    private func files(_ folder: String, _ target: FuzzTarget) throws -> [String] {
        let path = Self.fuzzDirectory + "/" + folder + "/" + target.rawValue
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try CorpusReplay.inputFiles(at: path)
    }

    @Test(arguments: FuzzTarget.allCases)
    func everySeedAndRegressionInputReplaysWithoutCrashing(target: FuzzTarget) throws {
        let seeds = try files("Corpus", target)
        #expect(!seeds.isEmpty, "no seeds in Fuzz/Corpus/\(target.rawValue)")
        let replayed = try CorpusReplay.replay(target, paths: seeds + files("Regressions", target))
        #expect(replayed >= seeds.count)
    }

    @Test func committedSeedsAreTheOnesTheRecorderWrites() throws {
        let recorded = try SeedRecorder.seeds()
        for target in FuzzTarget.allCases {
            let committed = try files("Corpus", target).map { URL(fileURLWithPath: $0).lastPathComponent }
            #expect(committed == (recorded[target] ?? []).map(\.name).sorted(), "Fuzz/Corpus/\(target.rawValue)")
        }
    }

    @Test(arguments: TLSVersion.allCases)
    func serverSeedsReachTheServerHello(version: TLSVersion) throws {
        let file = Self.fuzzDirectory + "/Corpus/ServerSession/tls" + version.rawValue.dropFirst(4) + "-client-flight"
        let outcome = ServerSessionFuzzer.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        // The server answers the recorded hello; the rest of the recorded flight was made for
        // another server's random, so the handshake must then fail, not hang.
        var scanner = TLSRecordScanner()
        let answer = scanner.append(outcome.output)
        #expect(answer.first?.type == TLSWire.ContentType.handshake.rawValue)
        #expect(answer.first?.body.first == 2, "the first message is not a ServerHello")
        #expect(outcome.failed && !outcome.handshakeCompleted)
    }

    @Test func clientSeedsReachTheCertificate() throws {
        let file = Self.fuzzDirectory + "/Corpus/ClientSession/tls1.2-server-flight-verified-traced-in-small-reads"
        let seed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let outcome = ClientSessionFuzzer.run(seed)
        #expect(outcome.failed && !outcome.handshakeCompleted)
        #expect(!outcome.output.isEmpty, "the client sent no alert")
    }

    @Test func traceSeedsReplayTheWholeExchange() throws {
        let file = Self.fuzzDirectory + "/Corpus/HandshakeTrace/tls1.2-client-trace"
        let lines = HandshakeTraceFuzzer.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        let names = lines.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(names.starts(with: ["→ ClientHello", "← ServerHello", "← Certificate", "← ServerKeyExchange",
                                    "← ServerHelloDone", "→ ClientKeyExchange", "→ ChangeCipherSpec"]), "\(lines)")
        #expect(names.contains("→ application") && names.contains("← application"))
    }

    @Test func replayerNamesItsTargetOrSaysHowToUseIt() {
        let corpus = Self.fuzzDirectory + "/Corpus/ClientHello"
        #expect(CorpusReplay.status(arguments: ["Fuzz"]) == 2, "no target")
        #expect(CorpusReplay.status(arguments: ["Fuzz", "ClientHello"]) == 2, "no input")
        #expect(CorpusReplay.status(arguments: ["Fuzz", "NoSuchTarget", corpus]) == 2, "unknown target")
        #expect(CorpusReplay.status(arguments: ["Fuzz", "ClientHello", Self.fuzzDirectory + "/no-such-folder"]) == 2, "unreadable input")
        #expect(CorpusReplay.status(arguments: ["Fuzz", "ClientHello", corpus]) == 0)
    }

    @Test func feedPlanCutsThePayloadAsEncoded() {
        let payload = [UInt8](0..<200)
        let plan = FeedPlan(flags: 0x18, lengths: [1, 0], payload: payload)
        let decoded = FeedPlan(plan.encoded)
        #expect(decoded == plan)
        #expect(decoded.chunks.map(\.count) == [1, 199])
        #expect(FeedPlan(flags: 0, lengths: [7], payload: payload).chunks.map(\.count) == Array(repeating: 7, count: 28) + [4])
        #expect(FeedPlan(flags: 0, lengths: [1], payload: [UInt8](repeating: 0, count: 5000)).chunks.count == FeedPlan.maximumReads)
        #expect(FeedPlan([]).chunks.map(\.count) == [0])
        // A count byte promising more lengths than the input holds takes what is there.
        #expect(FeedPlan([0x07, 3]).lengths == [3])
    }

    @Test func recordsDoNotDependOnHowTheStreamIsRead() {
        let records: [UInt8] = [22, 3, 3, 0, 2, 1, 2, 23, 3, 3, 0, 0, 21, 3, 3, 0, 2, 2, 40, 22, 3]
        #expect(RecordFramingFuzzer.run(FeedPlan(flags: 0, lengths: [1], payload: records).encoded).count == 3)
        #expect(RecordFramingFuzzer.run(FeedPlan(flags: 0, lengths: [], payload: records).encoded).count == 3)
    }

    /// Fuzz/Regressions/ClientHello/hello-cut-inside-its-cipher-suites: a hello cut inside its
    /// suite list reports the count its length field gives (a first segment of a large hello
    /// still says how many suites the client offered).
    @Test func aHelloCutInsideItsSuitesReportsTheDeclaredCount() throws {
        let file = Self.fuzzDirectory + "/Regressions/ClientHello/hello-cut-inside-its-cipher-suites"
        let summary = ClientHelloFuzzer.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(summary?.kind == .tls)
        #expect(summary?.cipherSuiteCount == 127)
    }

    @Test func greetingScriptsAssembleUpToTheLimit() {
        #expect(GreetingFuzzer.run([0x00, 0x04, 0x06] + Array("Hello!".utf8)) == Array("Hell".utf8))
        #expect(GreetingFuzzer.run([0x04, 0x00, 0x01, 0x48, 0x04] + Array("ello".utf8)) == Array("Hello".utf8))
    }
}

/// The large-hello seeds: a ClientHello longer than one record, in several, is answered, both as
/// committed and as the recorder makes it now.
@Suite struct FuzzLargeHelloSeedTests {
    static let seeds = ["tls1.2-hello-4k-padding-in-1024-byte-records", "tls1.3-hello-4k-padding-in-1024-byte-records",
                        "tls1.2-hello-17k-padding-in-two-records-in-small-reads", "tls1.3-hello-17k-padding-in-two-records-in-small-reads"]

    @Test(arguments: seeds)
    func aHelloInSeveralRecordsIsAnswered(seed: String) throws {
        let file = FuzzRegressionTests.fuzzDirectory + "/Corpus/ServerSession/" + seed
        try expectAnswered([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
    }

    @Test func theRecordersLargeHellosAreAnswered() throws {
        let recorded = try SeedRecorder.seeds()[.serverSession] ?? []
        for name in Self.seeds {
            let seed = try #require(recorded.first { $0.name == name }, "the recorder makes no \(name)")
            try expectAnswered(seed.bytes)
        }
    }

    func expectAnswered(_ input: [UInt8]) throws {
        let plan = FeedPlan(input)
        var scanner = TLSRecordScanner()
        #expect(scanner.append(plan.payload).count >= 2, "the seed's hello is in one record")
        let outcome = ServerSessionFuzzer.run(input)
        var answer = TLSRecordScanner()
        #expect(answer.append(outcome.output).first?.body.first == 2, "no ServerHello")
    }
}
