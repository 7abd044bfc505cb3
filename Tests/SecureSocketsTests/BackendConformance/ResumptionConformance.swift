import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// A ticket resumes the session with the server that issued it, and with another server that
    /// shares its ticket key.
    @Suite struct Resumption {
        static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

        /// A handshake plus one reply (a TLS 1.3 ticket follows the handshake); the client's ticket.
        static func connect(_ client: any TLSContext, _ server: any TLSContext,
                            resuming ticket: TLSResumptionTicket? = nil) throws -> (pair: TLSSessionPair, ticket: TLSResumptionTicket?) {
            let pair = try TLSSessionPair(client: client, server: server, resuming: ticket)
            try pair.handshake()
            try pair.server.write("Hola soy tu servidor....")
            #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("Hola soy tu servidor....".utf8))
            return (pair, pair.client.resumptionTicket)
        }

        @Test(arguments: BackendPair.all, versions)
        func aTicketResumesTheSession(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .resumption)
            let contexts = try backends.contexts(client: Fixtures.clientConfiguration(versions: .exactly(version)),
                                                 server: Fixtures.serverConfiguration(versions: .exactly(version)))
            let first = try Self.connect(contexts.client, contexts.server)
            #expect(first.pair.client.isResumed == false)
            #expect(first.pair.server.isResumed == false)
            let ticket = try #require(first.ticket)

            let second = try Self.connect(contexts.client, contexts.server, resuming: ticket).pair
            #expect(second.client.isResumed)
            #expect(second.server.isResumed)
            #expect(second.client.info?.resumed == true)
            #expect(second.server.info?.resumed == true)
            #expect(second.client.info?.version == version)
            #expect(second.client.info?.cipherSuite == first.pair.client.info?.cipherSuite)
        }

        @Test(arguments: BackendPair.all, versions)
        func withoutTicketsNothingResumes(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .resumption)
            var server = Fixtures.serverConfiguration(versions: .exactly(version))
            server.sessionTickets = false
            let contexts = try backends.contexts(client: Fixtures.clientConfiguration(versions: .exactly(version)), server: server)
            #expect(try Self.connect(contexts.client, contexts.server).ticket == nil)
        }

        @Test(arguments: BackendPair.all, versions)
        func aSharedTicketKeyResumesOnAnotherServer(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(.encryption, .resumption, .sharedTicketKeys)
            var server = Fixtures.serverConfiguration(versions: .exactly(version))
            server.ticketKey = TLSTicketKey.generate()
            let first = try backends.contexts(client: Fixtures.clientConfiguration(versions: .exactly(version)), server: server)
            let second = try backends.server.backend.makeContext(configuration: server)
            let ticket = try #require(try Self.connect(first.client, first.server).ticket)
            #expect(try Self.connect(first.client, second, resuming: ticket).pair.client.isResumed)

            server.ticketKey = TLSTicketKey.generate()
            let stranger = try backends.server.backend.makeContext(configuration: server)
            #expect(try Self.connect(first.client, stranger, resuming: ticket).pair.client.isResumed == false)
        }
    }
}
