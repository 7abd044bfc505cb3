import Foundation
import SecureSockets
import TestSupport
import Testing

/// A peer still sending when the server fails its connection must be able to read the alert that
/// says why: the server shuts its write side after the alert and reads and drops what still comes
/// (bounded in time and bytes) instead of closing with unread input, which makes the kernel send a
/// reset that destroys the alert. tlsfuzzer's maximum-size hello and KeyUpdate burst cases caught
/// it ("connection reset by peer" where the alert was due). Loopback only.
@Suite struct AlertDeliveryTests {
    /// A record header and a ClientHello header that claim 16 MiB: refused at once with decode_error.
    static let oversizedHelloHeader: [UInt8] = [0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0xff, 0xff, 0xff]

    /// Reads until the peer's end of stream or `seconds` pass; nil when the read failed (a reset).
    static func readToEnd(_ socket: TCPSocket, seconds: Double) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return received }
            do {
                guard try socket.waitReadable(seconds: left) else { return received }
                guard let bytes = try socket.read(maximum: 64 * 1024) else { return received }
                received += bytes
            } catch {
                return nil
            }
        }
    }

    @Test func alertSurvivesAPeerThatKeepsSending() throws {
        let server = try ServerUnderTest()
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { socket.close() }
        try socket.write(Self.oversizedHelloHeader, timeout: 5)
        // The alert is on its way once the socket is readable: the server has decided.
        #expect(try socket.waitReadable(seconds: 5))
        // The rest of the "hello" keeps coming, as from a client that writes before it reads.
        var writeFailure: TLSError?
        for _ in 0..<16 {
            do { try socket.write([UInt8](repeating: 0x41, count: 4096), timeout: 5) } catch {
                writeFailure = error
                break
            }
        }
        #expect(writeFailure == nil, "the server reset the connection while the client was still sending: \(String(describing: writeFailure))")
        socket.shutdownWrite()
        let started = Date()
        let received = try #require(Self.readToEnd(socket, seconds: 5), "the read ended in a reset, not with the alert")
        let records = TLSRecords.parse(received)
        #expect(records.first?.contentType == TLSRecords.alert && records.first?.payload == [2, 50],
                "fatal decode_error expected, got \(received.prefix(16).map { $0 })")
        // The client's half-close ends the server's wait at once, well before its one-second bound.
        #expect(Date().timeIntervalSince(started) < 1, "the server held the failed connection after the client's half-close")
    }

    @Test func failedConnectionIsClosedWithinTheLingerBound() throws {
        let server = try ServerUnderTest()
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { socket.close() }
        try socket.write(Self.oversizedHelloHeader, timeout: 5)
        let started = Date()
        // The alert, then the end of the server's stream (its write side is shut at once).
        let received = try #require(Self.readToEnd(socket, seconds: 5))
        #expect(TLSRecords.parse(received).first?.payload == [2, 50])
        // The client neither closes nor sends more: the server closes on its own within its bound.
        // Its end shows as a reset once the client writes to the closed socket: write a byte at a
        // time and wait for that reset, up to a deadline.
        var closedAfter: Double?
        while closedAfter == nil, Date().timeIntervalSince(started) < 5 {
            do {
                try socket.write([0], timeout: 1)
                if try socket.waitReadable(seconds: 0.05) { _ = try socket.read(maximum: 16) }
            } catch {
                closedAfter = Date().timeIntervalSince(started)
            }
        }
        let seconds = try #require(closedAfter, "the server did not close the failed connection within 5 s")
        #expect(seconds < 3, "the failed connection stayed open \(seconds) s")
    }
}
