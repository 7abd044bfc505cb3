import Foundation
import Glibc
import Testing

/// A loopback TCP listener that never accepts: after a command ran, ``wasContacted`` tells
/// whether it tried to connect (its connection would wait in the backlog).
private final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a connection is waiting to be accepted.
    var wasContacted: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    deinit { Glibc.close(descriptor) }
}

/// A server name that cannot be one (too long, empty, not a host name) is refused by the client
/// and bench before any socket opens: one line on stderr, status 2.
@Suite struct ServerNameInputTests {
    static let tooLong = String(repeating: "a", count: 300)

    static let cases: [(arguments: [String], sentence: String)] = [
        (["127.0.0.1", "--insecure", "--server-name", tooLong],
         "invalid server name '\(String(repeating: "a", count: 32))…': it is 300 bytes long; RFC 6066 allows at most 255"),
        (["127.0.0.1", "--server-name", ""], "invalid server name '': it is empty"),
        (["127.0.0.1", "--server-name", "a b"],
         "invalid server name 'a b': a space cannot be part of a host name (letters, digits, hyphens and dots only; an internationalised name goes in its xn-- form)"),
        (["127.0.0.1", "--server-name", "_"], "invalid server name '_': '_' cannot be part of a host name"),
        (["127.0.0.1", "--server-name", "x..example"], "invalid server name 'x..example': it has an empty label"),
        (["no_such_host.invalid"], "invalid server name 'no_such_host.invalid': '_' cannot be part of a host name"),
    ]

    @Test(arguments: cases.indices)
    func clientRefusesTheNameBeforeConnecting(index: Int) throws {
        let (arguments, sentence) = Self.cases[index]
        let listener = try SilentListener()
        let result = try tlshello(["client"] + arguments + ["--port", String(listener.port)])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tlshello client: \(sentence)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!listener.wasContacted)
    }

    @Test func listenerNoticesAClientThatConnects() throws {
        // The check above can fail: a valid name connects, and the handshake times out unanswered.
        let listener = try SilentListener()
        let result = try tlshello(["client", "127.0.0.1", "--port", String(listener.port), "--insecure", "--timeout", "1"])
        #expect(result.status == 1)
        #expect(listener.wasContacted)
    }

    @Test func clientWithJSONReportsTheKind() throws {
        let listener = try SilentListener()
        let result = try tlshello(["client", "127.0.0.1", "--port", String(listener.port), "--json", "--server-name", Self.tooLong])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\"kind\":\"invalid-server-name\""), "\(result.stdout)")
        #expect(!listener.wasContacted)
    }

    @Test func benchRefusesTheNameBeforeConnecting() throws {
        let listener = try SilentListener()
        let result = try tlshello(["bench", "127.0.0.1", "--port", String(listener.port), "--duration", "1",
                                   "--server-name", Self.tooLong])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello bench: \(Self.cases[0].sentence)\n")
        #expect(!listener.wasContacted)
    }

    @Test func longestNameIsAccepted() throws {
        let longest = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")
        let server = try ServerUnderTest()
        let result = try server.client(["--insecure", "--server-name", longest])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3. reply received"))
    }
}
