import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// Session ticket keys shared by several servers (``TLSConfiguration/ticketKey``): a ticket from
/// one server resumes on another with the same key, not on one with another key; and the key file.
@Suite struct SharedTicketKeyTests {
    static let versions: [TLSVersion] = [.tlsv1_2, .tlsv1_3]

    private func server(key: TLSTicketKey?, version: TLSVersion) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Fixtures.server.certificatePEM, label: "server.pem"),
            privateKey: .pem(Fixtures.server.privateKeyPEM, label: "server.key"))
        configuration.versions = .exactly(version)
        configuration.ticketKey = key
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A handshake plus one reply (a TLS 1.3 ticket follows the handshake); the client's ticket.
    private func connect(_ client: any TLSContext, _ server: any TLSContext,
                         resuming ticket: TLSResumptionTicket? = nil) throws -> (resumed: Bool, ticket: TLSResumptionTicket?) {
        let pair = try TLSSessionPair(client: client, server: server, resuming: ticket)
        try pair.handshake()
        try pair.server.write("Hola soy tu servidor....")
        _ = try pair.deliver(from: pair.server, to: pair.client)
        return (pair.client.info?.resumed == true, pair.client.resumptionTicket)
    }

    @Test(arguments: versions)
    func aTicketFromOneServerResumesOnAnotherWithTheSameKey(version: TLSVersion) throws {
        let key = TLSTicketKey.generate()
        let first = try server(key: key, version: version)
        let second = try server(key: key, version: version)
        let client = try Fixtures.clientContext(versions: .exactly(version))
        let ticket = try #require(try connect(client, first).ticket)
        #expect(try connect(client, second, resuming: ticket).resumed)
    }

    @Test(arguments: versions)
    func aTicketDoesNotResumeOnAServerWithAnotherKey(version: TLSVersion) throws {
        let client = try Fixtures.clientContext(versions: .exactly(version))
        let ticket = try #require(try connect(client, try server(key: .generate(), version: version)).ticket)
        #expect(try !connect(client, try server(key: .generate(), version: version), resuming: ticket).resumed)
        #expect(try !connect(client, try server(key: nil, version: version), resuming: ticket).resumed)
    }

    @Test func aKeyIsSixtyFourRandomBytesAndNeverPrinted() throws {
        let key = TLSTicketKey.generate()
        #expect(key.bytes.count == 64)
        #expect(key != TLSTicketKey.generate())
        #expect(key.description == "session ticket key (64 bytes)")
        #expect(throws: TLSError.self) { try TLSTicketKey(bytes: [1, 2, 3]) }
    }

    @Test func theKeyFileIsWrittenPrivateReadBackAndNeverOverwrittenUnasked() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("ticket.key")
        let key = TLSTicketKey.generate()
        try key.write(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try TLSTicketKey.load(path: path) == key)

        #expect {
            try TLSTicketKey.generate().write(to: path)
        } throws: { error in
            (error as? TLSError)?.description == "ticket key \(path): exists; not overwriting it"
        }
        #expect(try TLSTicketKey.load(path: path) == key)
        let next = TLSTicketKey.generate()
        try next.write(to: path, overwrite: true)
        #expect(try TLSTicketKey.load(path: path) == next)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["ticket.key"])
    }

    @Test func aKeyFileOthersMayReadIsRefused() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("ticket.key")
        try TLSTicketKey.generate().write(to: path)
        chmod(path, 0o644)
        #expect {
            _ = try TLSTicketKey.load(path: path)
        } throws: { error in
            (error as? TLSError)?.description.hasPrefix("ticket key \(path): mode 644 lets group and others read it") == true
        }
    }

    @Test(arguments: [
        (0o620, "mode 620 lets group write it; whoever writes the key can replace it with one they know, and decrypt the sessions resumed with it (chmod 600 it)"),
        (0o640, "mode 640 lets group read it; whoever reads the key can decrypt resumed sessions (chmod 600 it)"),
        (0o606, "mode 606 lets others read and write it; whoever reads the key can decrypt resumed sessions (chmod 600 it)"),
        (0o664, "mode 664 lets group read and write it, and others read it; whoever reads the key can decrypt resumed sessions (chmod 600 it)"),
        (0o777, "mode 777 lets group and others read, write and execute it; whoever reads the key can decrypt resumed sessions (chmod 600 it)"),
    ])
    func theRefusalSaysWhatTheModeAllows(mode: Int, reason: String) throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("ticket.key")
        try TLSTicketKey.generate().write(to: path)
        chmod(path, mode_t(mode))
        #expect {
            _ = try TLSTicketKey.load(path: path)
        } throws: { error in
            (error as? TLSError)?.description == "ticket key \(path): \(reason)"
        }
    }

    @Test(arguments: [
        ("hello\n", "no SESSION TICKET KEY block"),
        ("-----BEGIN SESSION TICKET KEY-----\n!!!\n-----END SESSION TICKET KEY-----\n", "not valid base64"),
        ("-----BEGIN SESSION TICKET KEY-----\nAAAA\n-----END SESSION TICKET KEY-----\n", "the key has 3 bytes, not 64"),
    ])
    func aDamagedKeyFileIsRefusedWithItsReason(content: String, reason: String) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("ticket.key", content)
        chmod(path, 0o600)
        #expect {
            _ = try TLSTicketKey.load(path: path)
        } throws: { error in
            (error as? TLSError)?.description.contains(reason) == true
        }
        #expect(throws: TLSError.self) { _ = try TLSTicketKey.load(path: folder.file("missing.key")) }
    }
}
