import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

extension BackendConformance {
    /// The key log: the NSS labels of each version, every line about this session's client random.
    @Suite struct KeyLog {
        static func expectedLabels(_ version: TLSVersion) -> Set<String> {
            version == .tlsv1_3
                ? ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                   "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"]
                : ["CLIENT_RANDOM"]
        }

        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func theLogHoldsEachSecretOfTheVersionForThisClientRandom(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            try backends.require(.keyLog)
            let directory = try TemporaryDirectory()
            var client = Fixtures.clientConfiguration(versions: .exactly(version))
            client.keyLog = try KeyLogFile(path: directory.file("client.log"))
            var server = Fixtures.serverConfiguration(versions: .exactly(version))
            server.keyLog = try KeyLogFile(path: directory.file("server.log"))
            let pair = try backends.sessions(client: client, server: server)

            #expect(try pair.client.handshake() == .needsInput)
            let hello = pair.client.takeNetworkOutput()
            // Record header (5), handshake header (4), legacy version (2), then the 32-byte random.
            try #require(hello.count > 43 && hello[0] == TLSRecords.handshake && hello[5] == 1)
            let clientRandom = hello[11..<43].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            pair.server.receiveFromNetwork(hello)
            try pair.handshake()

            for file in ["client.log", "server.log"] {
                let bytes = try FileContents.read(directory.file(file)).get()
                #expect(KeyLogFile.looksLikeKeyLog(bytes), "\(file)")
                let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                #expect(Set(lines.map { $0[0] }) == Self.expectedLabels(version), "\(file)")
                #expect(lines.allSatisfy { $0.count == 3 && $0[1] == clientRandom }, "\(file)")
                // A TLS 1.2 master secret is 48 bytes; a TLS 1.3 secret is as long as the suite's hash.
                #expect(lines.allSatisfy { $0.count == 3 && [64, 96].contains($0[2].count) }, "\(file)")
            }
        }
    }
}
