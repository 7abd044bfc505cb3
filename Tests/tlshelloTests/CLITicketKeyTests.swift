import Foundation
import GnuTLSBackend
import GreetingFraming
import SecureSockets
import TestSupport
import Testing

/// `tlshello ticket-key` and `server --ticket-key-file`: two server processes sharing the key file
/// resume each other's sessions (TLS 1.2 and 1.3); with different files they do not; SIGHUP
/// re-reads the file (a rotation); a file others may read is refused. OpenSSL's client resumes
/// across the two servers too.
@Suite struct CLITicketKeyTests {
    /// One greeting exchange with the server on `port`, resuming `ticket` if given: whether it
    /// resumed, and the ticket to resume it later.
    private func exchange(port: Int, version: TLSVersion,
                          resuming ticket: TLSResumptionTicket? = nil) throws -> (resumed: Bool, ticket: TLSResumptionTicket?) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(Paths.demoCertificate)
        configuration.versions = .exactly(version)
        let socket = try TLSSocket.connect(host: "127.0.0.1", port: port, context: GnuTLS().makeContext(configuration: configuration),
                                           resuming: ticket)
        try socket.write("Hola soy tu cliente")
        #expect(String(decoding: try socket.readMessage(), as: UTF8.self) == "Hola soy tu servidor....")
        socket.close(waitingForPeer: 1)
        return (socket.info?.resumed == true, socket.resumptionTicket)
    }

    private func newKey(_ folder: TemporaryDirectory, _ name: String) throws -> String {
        let path = folder.file(name)
        let result = try tlshello(["ticket-key", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "session ticket key written: \(path) (64 random bytes, mode 0600)\n")
        return path
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func aSessionFromOneServerResumesOnAnotherWithTheSameKeyFile(version: TLSVersion) throws {
        let folder = try TemporaryDirectory()
        let key = try newKey(folder, "ticket.key")
        let first = try ServerUnderTest(["--ticket-key-file", key])
        let second = try ServerUnderTest(["--ticket-key-file", key])
        #expect(first.process.stdout.contains("session ticket key read: \(key)"))
        #expect(first.process.stdout.contains("session tickets (shared key)"))
        let ticket = try #require(try exchange(port: first.port, version: version).ticket)
        let resumed = try exchange(port: second.port, version: version, resuming: ticket)
        #expect(resumed.resumed, "a ticket from the first server resumes on the second")
        // And back: the second server's ticket resumes on the first.
        let back = try #require(resumed.ticket)
        #expect(try exchange(port: first.port, version: version, resuming: back).resumed)
    }

    /// `openssl s_client` saves the session from one server and offers it to another sharing the
    /// key file: OpenSSL reports it reused there; a third server without the file does not resume it.
    @Test(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"), arguments: ["-tls1_2", "-tls1_3"])
    func anOpenSSLSessionFromOneServerResumesOnAnother(version: String) throws {
        let openssl = try #require(Peers.openssl)
        let folder = try TemporaryDirectory()
        let key = try newKey(folder, "ticket.key")
        let first = try ServerUnderTest(["--ticket-key-file", key])
        let second = try ServerUnderTest(["--ticket-key-file", key])
        let plain = try ServerUnderTest()
        let session = folder.file("session.pem")
        func connect(_ server: ServerUnderTest, _ sessionArguments: [String]) throws -> ProcessResult {
            // -ign_eof: s_client reads until the server closes, so a TLS 1.3 ticket is received and saved.
            try run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", version, "-CAfile", Paths.demoCertificate,
                              "-verify_return_error", "-servername", "localhost", "-ign_eof"] + sessionArguments,
                    input: "Hola soy tu cliente", timeout: 15)
        }
        let saved = try connect(first, ["-sess_out", session])
        #expect(saved.status == 0 && saved.stdout.contains("\nNew, "), "\(saved.stdout)\n\(saved.stderr)")
        let resumed = try connect(second, ["-sess_in", session])
        #expect(resumed.status == 0 && resumed.stdout.contains("\nReused, "), "\(resumed.stdout)\n\(resumed.stderr)")
        #expect(resumed.stdout.contains("Hola soy tu servidor...."))
        let elsewhere = try connect(plain, ["-sess_in", session])
        #expect(elsewhere.status == 0 && elsewhere.stdout.contains("\nNew, "), "\(elsewhere.stdout)\n\(elsewhere.stderr)")
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func withDifferentKeyFilesOrNoneASessionDoesNotResumeElsewhere(version: TLSVersion) throws {
        let folder = try TemporaryDirectory()
        let first = try ServerUnderTest(["--ticket-key-file", try newKey(folder, "a.key")])
        let second = try ServerUnderTest(["--ticket-key-file", try newKey(folder, "b.key")])
        let plain = try ServerUnderTest()
        let ticket = try #require(try exchange(port: first.port, version: version).ticket)
        #expect(try !exchange(port: second.port, version: version, resuming: ticket).resumed)
        #expect(try !exchange(port: plain.port, version: version, resuming: ticket).resumed)
        #expect(try exchange(port: first.port, version: version, resuming: ticket).resumed)
    }

    @Test func sighupRereadsTheKeyFileForRotation() throws {
        let folder = try TemporaryDirectory()
        let key = try newKey(folder, "ticket.key")
        let server = try ServerUnderTest(["--ticket-key-file", key])
        let ticket = try #require(try exchange(port: server.port, version: .tlsv1_3).ticket)
        #expect(try exchange(port: server.port, version: .tlsv1_3, resuming: ticket).resumed)

        // Without --force the key is kept; with it, a new key, read on SIGHUP.
        let refused = try tlshello(["ticket-key", key])
        #expect(refused.status == 2)
        #expect(refused.stderr == "tlshello ticket-key: ticket key \(key): exists; not overwriting it (--force replaces it)\n")
        #expect(try tlshello(["ticket-key", key, "--force"]).status == 0)
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: certificate and key reloaded") != nil)
        #expect(server.process.stdout.contains("SIGHUP: session ticket key re-read: \(key)"))
        #expect(try !exchange(port: server.port, version: .tlsv1_3, resuming: ticket).resumed)

        // A key file made readable by others is refused on reload, and the current key kept.
        let fresh = try #require(try exchange(port: server.port, version: .tlsv1_3).ticket)
        chmod(key, 0o640)
        kill(server.process.pid, SIGHUP)
        #expect(server.process.waitForLine(containing: "SIGHUP: reload failed, keeping the previous certificate: ticket key \(key): mode 640") != nil)
        #expect(try exchange(port: server.port, version: .tlsv1_3, resuming: fresh).resumed)
    }

    @Test func aKeyFileOthersMayReadIsRefusedAtStartUp() throws {
        let folder = try TemporaryDirectory()
        let key = try newKey(folder, "ticket.key")
        chmod(key, 0o644)
        let result = try tlshello(["server", "--port", "0", "--ticket-key-file", key])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello server: ticket key \(key): mode 644 lets group and others read it; whoever reads the key can decrypt resumed sessions (chmod 600 it)\n")
        let missing = try tlshello(["server", "--port", "0", "--ticket-key-file", folder.file("none.key")])
        #expect(missing.status == 2)
        #expect(missing.stderr == "tlshello server: ticket key \(folder.file("none.key")): no such file\n")
        let useless = try tlshello(["server", "--port", "0", "--ticket-key-file", key, "--no-session-tickets"])
        #expect(useless.status == 64)
        #expect(useless.stderr.contains("--ticket-key-file has no effect with --no-session-tickets"))
    }

    @Test func theKeyFileIsPrivateAndJSONSaysWhereItWent() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("ticket.key")
        let result = try tlshello(["ticket-key", path, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "ticket-key")
        #expect(object["file"] as? String == path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("-----BEGIN SESSION TICKET KEY-----\n"))
    }
}
