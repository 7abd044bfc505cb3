#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// Two OpenSSL server contexts given the same ``TLSTicketKey`` resume each other's sessions, as
/// two server processes behind a load balancer would; contexts with their own keys do not.
@Suite struct OpenSSLSharedTicketKeyTests {
    static let cases: [(TLSVersion, Backend)] = [TLSVersion.tlsv1_2, .tlsv1_3].flatMap { version in
        Backend.allCases.map { (version, $0) }
    }

    private func server(_ version: TLSVersion, key: TLSTicketKey?) throws -> any TLSContext {
        var configuration = Fixtures.serverConfiguration(versions: .exactly(version))
        configuration.ticketKey = key
        return try OpenSSL().makeContext(configuration: configuration)
    }

    /// Whether a session begun on `first` resumes on `second`.
    private func resumes(_ version: TLSVersion, client backend: Backend, from first: any TLSContext, on second: any TLSContext) throws -> Bool {
        let client = try backend.backend.makeContext(configuration: Fixtures.clientConfiguration(versions: .exactly(version)))
        let pair = try TLSSessionPair(client: client, server: first)
        try pair.handshake()
        // In TLS 1.3 the ticket follows the handshake: the client reads it with the first data.
        try pair.server.write("ticket")
        #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("ticket".utf8))
        let ticket = try #require(pair.client.resumptionTicket)
        let again = try TLSSessionPair(client: client, server: second, resuming: ticket)
        try again.handshake()
        #expect(again.client.isResumed == again.server.isResumed)
        try again.server.write("data")
        #expect(try again.deliver(from: again.server, to: again.client) == Array("data".utf8))
        return again.server.isResumed
    }

    @Test(arguments: cases)
    func contextsSharingAKeyResumeEachOthersSessions(version: TLSVersion, client: Backend) throws {
        let key = TLSTicketKey.generate()
        #expect(try resumes(version, client: client, from: server(version, key: key), on: server(version, key: key)))
    }

    @Test(arguments: cases)
    func contextsWithTheirOwnKeysDoNot(version: TLSVersion, client: Backend) throws {
        #expect(try !resumes(version, client: client, from: server(version, key: nil), on: server(version, key: nil)))
        #expect(try !resumes(version, client: client, from: server(version, key: .generate()), on: server(version, key: .generate())))
    }
}
#endif
