import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

extension BackendConformance {
    /// What crosses the pair and how it ends: data both ways, large writes, input cut into single
    /// bytes, a handshake whose flights span several records, close_notify and a transport that
    /// ends without it.
    @Suite struct Transport {
        @Test(arguments: BackendPair.all)
        func dataCrossesBothWays(backends: BackendPair) throws {
            let pair = try backends.sessions()
            try pair.handshake()
            try pair.client.write("Hola soy tu cliente")
            #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("Hola soy tu cliente".utf8))
            let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try pair.server.write(payload)
            #expect(try pair.deliver(from: pair.server, to: pair.client) == payload)
            try pair.client.write(payload)
            #expect(try pair.deliver(from: pair.client, to: pair.server) == payload)
        }

        /// Runs the handshake handing every byte over on its own, driving the receiver after each.
        static func handshakeOneByteAtATime(_ pair: TLSSessionPair) throws {
            var clientDone = try pair.client.handshake() == .complete
            var serverDone = false
            for _ in 0..<20 {
                let toServer = pair.client.takeNetworkOutput()
                for byte in toServer {
                    pair.server.receiveFromNetwork([byte])
                    serverDone = try pair.server.handshake() == .complete
                }
                if toServer.isEmpty { serverDone = try pair.server.handshake() == .complete }
                let toClient = pair.server.takeNetworkOutput()
                for byte in toClient {
                    pair.client.receiveFromNetwork([byte])
                    clientDone = try pair.client.handshake() == .complete
                }
                if clientDone && serverDone && toServer.isEmpty && toClient.isEmpty { return }
            }
            Issue.record("the handshake did not complete in 20 rounds of single bytes")
        }

        /// Reads what `bytes` hold, fed to `receiver` one byte at a time.
        static func readOneByteAtATime(_ bytes: [UInt8], into receiver: any TLSSession) throws -> [UInt8] {
            var plaintext: [UInt8] = []
            for byte in bytes {
                receiver.receiveFromNetwork([byte])
                while case let .data(chunk) = try receiver.read(maximum: 4096) { plaintext += chunk }
            }
            return plaintext
        }

        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func inputOneByteAtATimeCompletesTheExchange(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(versions: .exactly(version)),
                                             server: Fixtures.serverConfiguration(versions: .exactly(version)))
            try Self.handshakeOneByteAtATime(pair)
            #expect(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
            #expect(pair.client.info?.version == pair.server.info?.version)
            let message = Array(String(repeating: "Hola soy tu cliente ", count: 100).utf8)
            try pair.client.write(message)
            #expect(try Self.readOneByteAtATime(pair.client.takeNetworkOutput(), into: pair.server) == message)
            try pair.server.write("Hola soy tu servidor....")
            #expect(try Self.readOneByteAtATime(pair.server.takeNetworkOutput(), into: pair.client) == Array("Hola soy tu servidor....".utf8))
        }

        @Test(arguments: BackendPair.all, [TLSVersion.tlsv1_2, .tlsv1_3])
        func largeHandshakeSpansSeveralRecords(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            let certificate = FragmentedHandshakeTests.largeCertificate
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(trust: certificate, versions: .exactly(version)),
                                             server: Fixtures.serverConfiguration(certificate, versions: .exactly(version)))
            #expect(try pair.client.handshake() == .needsInput)
            pair.transfer()
            #expect(try pair.server.handshake() == .needsInput)
            let flight = pair.server.takeNetworkOutput()
            // The Certificate message alone is larger than a record (16 KiB of plaintext).
            #expect(flight.count > 16 * 1024)
            #expect(TLSRecords.parse(flight).count > 2)
            pair.client.receiveFromNetwork(flight)
            try pair.handshake()
            #expect(pair.client.info?.peerCertificates.first?.sha256Fingerprint == certificate.info.sha256Fingerprint)
            #expect(pair.client.info?.verification == "verified (chain and name localhost)")
        }

        @Test(arguments: BackendPair.all)
        func closeNotifyEndsEachDirection(backends: BackendPair) throws {
            try backends.require(.closeNotify)
            let pair = try backends.sessions()
            try pair.handshake()
            try pair.client.write("last words")
            try pair.client.close()
            #expect(throws: TLSError.self) { try pair.client.write("too late") }
            #expect(try pair.deliver(from: pair.client, to: pair.server) == Array("last words".utf8))
            #expect(try pair.server.read(maximum: 100) == .closed)
            // The other direction stays open until the server closes it too.
            try pair.server.write("reply")
            try pair.server.close()
            #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("reply".utf8))
            #expect(try pair.client.read(maximum: 100) == .closed)
        }

        @Test(arguments: BackendPair.all)
        func endOfInputWithoutCloseNotifyIsAPrematureClose(backends: BackendPair) throws {
            try backends.require(.closeNotify)
            let pair = try backends.sessions()
            try pair.handshake()
            try pair.client.write("cut short")
            pair.transfer()
            pair.server.receiveEndOfInput()
            var received: [UInt8] = []
            let error = try #require(throws: TLSError.self) {
                while case let .data(chunk) = try pair.server.read(maximum: 100) { received += chunk }
            }
            #expect(received == Array("cut short".utf8))
            #expect(error.kind == "premature-close")
        }
    }
}
