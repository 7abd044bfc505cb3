import Foundation
import SecureSockets
import TestSupport
import Testing

/// A handshake the server refuses while the client is still sending: the alert must reach the
/// client. Closing a socket with unread input makes the kernel reset the connection, which destroys
/// an alert in flight and fails the client's writes; so after its alert the server shuts its write
/// side and discards the client's input until the client closes, within a bounded time.
/// Loopback only; the server is started and stopped by the test.
@Suite struct AlertBeforeCloseTests {
    /// A handshake header claiming 16 MiB: refused at once with decode_error (over the bound).
    static let oversizedHeader: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff]

    /// Reads until end of stream or `seconds` pass; what arrived, and whether the stream ended.
    static func readToEnd(_ socket: TCPSocket, seconds: Double) throws -> (bytes: [UInt8], ended: Bool) {
        let started = Date()
        var received: [UInt8] = []
        while true {
            let left = seconds - Date().timeIntervalSince(started)
            guard left > 0, try socket.waitReadable(seconds: left) else { return (received, false) }
            guard let bytes = try socket.read(maximum: 64 * 1024) else { return (received, true) }
            received += bytes
        }
    }

    /// The 16 MiB the header claims, after it: more than the socket buffers hold, so the client is
    /// still writing when the server refuses. Every write is taken, then the alert and the end of
    /// stream arrive; a server that closed at once reset the connection and failed the writes.
    @Test func alertReachesAClientThatIsStillSending() throws {
        let server = try ServerUnderTest()
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { socket.close() }
        try socket.write(Self.oversizedHeader, timeout: 5)
        // The rest of the claimed message, in full handshake records.
        let record = TLSRecords.Record(contentType: TLSRecords.handshake, payload: [UInt8](repeating: 0x41, count: 16 * 1024)).bytes
        for _ in 0..<1024 { try socket.write(record, timeout: 5) }
        socket.shutdownWrite()
        let (bytes, ended) = try Self.readToEnd(socket, seconds: 5)
        let records = TLSRecords.parse(bytes)
        #expect(records.first?.contentType == TLSRecords.alert && records.first?.payload == [2, 50],
                "a fatal decode_error alert expected, got \(bytes.prefix(16))")
        #expect(ended, "the server did not close after its alert")
        #expect(server.process.waitForLine(containing: "this server accepts up to 128 KiB of handshake data", timeout: 5) != nil)
    }

    /// A client that reads the alert and the end of stream but never closes is let go once the
    /// drain bound (2 seconds) passes: the server's descriptor for it is closed, so a refused
    /// client holds no connection for longer.
    @Test func refusedClientThatStaysOpenIsClosedWithinTheBound() throws {
        let server = try ServerUnderTest()
        let pid = server.process.pid
        let baseline = HostileClientTests.Target.descriptors(pid)
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port, timeout: 5)
        defer { socket.close() }
        try socket.write(Self.oversizedHeader, timeout: 5)
        let (bytes, ended) = try Self.readToEnd(socket, seconds: 5)
        #expect(TLSRecords.parse(bytes).first?.payload == [2, 50], "a fatal decode_error alert expected")
        #expect(ended, "no end of stream after the alert")
        let started = Date()
        var now = HostileClientTests.Target.descriptors(pid)
        while now > baseline && Date().timeIntervalSince(started) < 5 {
            _ = server.process.waitUntil(timeout: 0.1) { _ in false }
            now = HostileClientTests.Target.descriptors(pid)
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(now <= baseline, "descriptors \(baseline) → \(now) after \(seconds) s")
        #expect(seconds < 3.5, "the connection was held \(seconds) s after the alert")
    }
}
