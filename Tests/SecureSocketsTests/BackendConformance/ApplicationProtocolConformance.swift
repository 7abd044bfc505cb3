import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// ALPN: the server's pick among the client's list, none when they share none, and a refusal
    /// on both sides when the server requires one.
    @Suite struct ApplicationProtocols {
        static func configurations(client clientList: [String], server serverList: [String],
                                   required: Bool = false) -> (client: TLSConfiguration, server: TLSConfiguration) {
            var client = Fixtures.clientConfiguration()
            client.applicationProtocols = clientList
            var server = Fixtures.serverConfiguration()
            server.applicationProtocols = serverList
            server.requiresApplicationProtocol = required
            return (client, server)
        }

        @Test(arguments: BackendPair.all)
        func theProtocolBothListIsAgreed(backends: BackendPair) throws {
            try backends.require(.encryption, .applicationProtocols)
            let configurations = Self.configurations(client: ["h2", "http/1.1"], server: ["http/1.1", "h2"])
            let pair = try backends.sessions(client: configurations.client, server: configurations.server)
            try pair.handshake()
            #expect(pair.client.applicationProtocol == "http/1.1")
            #expect(pair.server.applicationProtocol == "http/1.1")
            #expect(pair.client.info?.applicationProtocol == "http/1.1")
            #expect(pair.server.info?.applicationProtocol == "http/1.1")
        }

        @Test(arguments: BackendPair.all)
        func noCommonProtocolAgreesOnNone(backends: BackendPair) throws {
            try backends.require(.encryption, .applicationProtocols)
            for (clientList, serverList) in [(["h2"], ["http/1.1"]), ([], ["http/1.1"]), (["h2"], [])] {
                let configurations = Self.configurations(client: clientList, server: serverList)
                let pair = try backends.sessions(client: configurations.client, server: configurations.server)
                try pair.handshake()
                #expect(pair.client.applicationProtocol == nil)
                #expect(pair.server.applicationProtocol == nil)
            }
        }

        @Test(arguments: BackendPair.all)
        func aServerThatRequiresOneRefusesOnBothSides(backends: BackendPair) throws {
            try backends.require(.encryption, .applicationProtocols)
            let configurations = Self.configurations(client: ["h2"], server: ["http/1.1"], required: true)
            let pair = try backends.sessions(client: configurations.client, server: configurations.server)
            let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
            #expect(failure.server?.kind == "no-common-application-protocol")
            #expect(failure.client?.kind == "no-common-application-protocol")
        }
    }
}
