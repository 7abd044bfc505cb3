import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// Session tickets: a client resumes with the ticket of an earlier session, a server without
/// tickets or with another key runs a full handshake, and a ticket older than its lifetime stops
/// resuming.
@Suite struct ResumptionTests {
    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

    /// Handshake plus one reply, so a TLS 1.3 ticket (sent after the handshake) reaches the client.
    private func session(client: any TLSContext, server: any TLSContext,
                         resuming ticket: TLSResumptionTicket? = nil) throws -> TLSSessionPair {
        let pair = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try pair.handshake()
        try pair.server.write("Hola soy tu servidor....")
        #expect(try pair.deliver(from: pair.server, to: pair.client) == Array("Hola soy tu servidor....".utf8))
        return pair
    }

    private func server(version: TLSVersion, tickets: Bool = true, lifetime: Double = 3600) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.versions = .exactly(version)
        configuration.sessionTickets = tickets
        configuration.ticketLifetime = lifetime
        return try GnuTLS().makeContext(configuration: configuration)
    }

    @Test(arguments: versions)
    func aTicketResumesTheSession(version: TLSVersion) throws {
        let server = try server(version: version)
        let client = try Fixtures.clientContext(versions: .exactly(version))
        let first = try session(client: client, server: server)
        #expect(first.client.info?.resumed == false)
        let ticket = try #require(first.client.resumptionTicket)
        #expect(!ticket.bytes.isEmpty)

        let second = try session(client: client, server: server, resuming: ticket)
        #expect(second.client.info?.resumed == true)
        #expect(second.server.info?.resumed == true)
        #expect(second.client.info?.version == version)
        // A resumed session gets a fresh ticket of its own, which resumes again.
        let next = try #require(second.client.resumptionTicket)
        let third = try session(client: client, server: server, resuming: next)
        #expect(third.client.info?.resumed == true)
    }

    @Test(arguments: versions)
    func noTicketsMeansNoResumption(version: TLSVersion) throws {
        let server = try server(version: version, tickets: false)
        let client = try Fixtures.clientContext(versions: .exactly(version))
        let first = try session(client: client, server: server)
        #expect(first.client.resumptionTicket == nil)
    }

    @Test(arguments: versions)
    func anotherServersTicketOrGarbageGetsAFullHandshake(version: TLSVersion) throws {
        let client = try Fixtures.clientContext(versions: .exactly(version))
        let issuer = try session(client: client, server: try server(version: version))
        let ticket = try #require(issuer.client.resumptionTicket)
        // A new context has a new ticket key (as after a SIGHUP reload): the ticket is refused, quietly.
        let other = try server(version: version)
        let refused = try session(client: client, server: other, resuming: ticket)
        #expect(refused.client.info?.resumed == false)
        #expect(refused.server.info?.resumed == false)

        let garbage = TLSResumptionTicket(bytes: (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let fresh = try session(client: client, server: other, resuming: garbage)
        #expect(fresh.client.info?.resumed == false)
    }

    @Test func aTicketOlderThanItsLifetimeStopsResuming() throws {
        let server = try server(version: .tlsv1_3, lifetime: 1)
        let client = try Fixtures.clientContext(versions: .exactly(.tlsv1_3))
        let ticket = try #require(try session(client: client, server: server).client.resumptionTicket)
        let issued = Date()
        #expect(try session(client: client, server: server, resuming: ticket).client.info?.resumed == true)
        // The condition itself, checked resumption after resumption until a deadline (no fixed
        // wait): the lifetime is 1 s, the key period too. Each check is an in-memory handshake.
        var resumed = true
        while resumed && Date().timeIntervalSince(issued) < 10 {
            resumed = try session(client: client, server: server, resuming: ticket).client.info?.resumed ?? false
        }
        #expect(!resumed)
        #expect(Date().timeIntervalSince(issued) >= 1)
    }

    @Test func theLifetimeIsChecked() {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.ticketLifetime = 0
        #expect(throws: TLSError.self) { try GnuTLS().makeContext(configuration: configuration) }
    }
}
