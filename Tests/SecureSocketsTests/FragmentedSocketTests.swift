import Foundation
import GnuTLSBackend
import GreetingFraming
import SecureSockets
import TestSupport
import Testing

/// `TLSSocket` on either side of a peer that sends its handshake in 1-byte records, one byte per
/// TCP write (the Certificate message over many records and many reads): the handshake completes
/// within a second and the greeting goes through. Loopback only; each peer runs on its own thread
/// and ends with the test.
@Suite struct FragmentedSocketTests {
    /// Drives `session`'s handshake over `transport`, sending its plaintext handshake records cut
    /// into 1-byte records and every byte in its own write.
    static func handshakeInOneByteRecords(_ session: any TLSSession, over transport: TCPSocket) throws {
        var on: Int32 = 1
        setsockopt(transport.descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let deadline = Date().addingTimeInterval(5)
        while true {
            let progress = try session.handshake()
            for byte in TLSRecords.reframe(session.takeNetworkOutput(), recordSize: 1) { try transport.write([byte], timeout: 5) }
            if progress == .complete { return }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, try transport.waitReadable(seconds: left), let bytes = try transport.read(maximum: 64 * 1024) else {
                throw TLSError.timedOut(stage: .handshake, seconds: 5)
            }
            session.receiveFromNetwork(bytes)
        }
    }

    /// Reads until `count` bytes of plaintext arrived or the peer closed.
    static func read(_ count: Int, from session: any TLSSession, over transport: TCPSocket) throws -> [UInt8] {
        var received: [UInt8] = []
        while received.count < count {
            reading: while true {
                switch try session.read(maximum: 1024) {
                case let .data(bytes): received += bytes
                case .closed: return received
                case .needsInput: break reading
                }
            }
            if received.count >= count { break }
            guard try transport.waitReadable(seconds: 5), let bytes = try transport.read(maximum: 64 * 1024) else { break }
            session.receiveFromNetwork(bytes)
        }
        return received
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func clientSocketCompletesAgainstAServerSendingOneByteRecords(version: TLSVersion) throws {
        let certificate = FragmentedHandshakeTests.largeCertificate
        // The listener's sockets are driven by hand: their session, their transport.
        let listener = try TLSListener(host: "127.0.0.1", port: 0,
                                       context: Fixtures.serverContext(certificate, versions: .exactly(version)))
        nonisolated(unsafe) let tls = listener
        let server = SocketTests.Background<String> {
            let socket = try tls.accept()
            let transport = socket.transport
            defer { transport.close() }
            let session = socket.session
            try Self.handshakeInOneByteRecords(session, over: transport)
            let message = try Self.read(19, from: session, over: transport)
            try session.write("Hola soy tu servidor....")
            try transport.write(session.takeNetworkOutput(), timeout: 5)
            return String(decoding: message, as: UTF8.self)
        }
        let started = Date()
        let client = try TLSSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port,
                                           context: Fixtures.clientContext(trust: certificate, versions: .exactly(version)))
        // The peer itself makes some 150,000 one-byte writes (over 1 s under AddressSanitizer); a
        // stalled handshake would wait for the 10-second handshake timeout.
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(client.info?.version == version)
        try client.write("Hola soy tu cliente")
        #expect(try client.readMessage() == Array("Hola soy tu servidor....".utf8))
        client.close()
        #expect(try server.value() == "Hola soy tu cliente")
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func serverSocketCompletesAgainstAClientSendingOneByteRecords(version: TLSVersion) throws {
        let listener = try TLSListener(host: "127.0.0.1", port: 0, context: Fixtures.serverContext(versions: .exactly(version)))
        nonisolated(unsafe) let tls = listener
        let server = SocketTests.Background<String> {
            let socket = try tls.accept()
            defer { socket.close() }
            let started = Date()
            try socket.handshake()
            let seconds = Date().timeIntervalSince(started)
            let message = try socket.readMessage(limit: 1024)
            try socket.write("Hola soy tu servidor....")
            return seconds < 1 ? String(decoding: message, as: UTF8.self) : "handshake took \(seconds) s"
        }
        let transport = try TCPSocket.connect(host: "127.0.0.1", port: listener.localEndpoint.port, timeout: 5)
        defer { transport.close() }
        let session = try Fixtures.clientContext(versions: .exactly(version)).makeSession(peerName: "localhost")
        try Self.handshakeInOneByteRecords(session, over: transport)
        try session.write("Hola soy tu cliente")
        for byte in session.takeNetworkOutput() { try transport.write([byte], timeout: 5) }
        #expect(try Self.read(24, from: session, over: transport) == Array("Hola soy tu servidor....".utf8))
        #expect(try server.value() == "Hola soy tu cliente")
    }
}
