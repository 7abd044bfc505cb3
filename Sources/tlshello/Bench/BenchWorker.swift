#if canImport(Glibc)
import Glibc
#endif
import GreetingFraming
import SecureSockets

/// One loop of a bench run, on its own thread: exchanges one after another until told to stop,
/// each on a fresh connection, counting into its ``BenchTally``.
final class BenchWorker: @unchecked Sendable {
    let tally = BenchTally()
    private let plan: BenchPlan
    private let context: any TLSContext
    private let source: String?
    private var ticket: TLSResumptionTicket?
    private static let recordSize = 16 * 1024
    /// One period of the bulk stream (byte n of the stream is `period[n % recordSize]`): lines of
    /// 63 printable characters and a newline, so line-based echo servers (gnutls-serv) echo it too,
    /// and a misplaced chunk shows.
    private static let period: [UInt8] = (0..<recordSize).map { index in
        let line = index / 64, column = index % 64
        return column == 63 ? 10 : UInt8(33 + (line * 7 + column * 13) % 94)
    }
    /// Two periods back to back: a chunk of up to one record starting anywhere in the first is contiguous.
    private static let pattern = period + period
    /// Bytes in flight during a bulk transfer: small enough that neither side's socket buffers fill.
    private static let window = 256 * 1024

    init(plan: BenchPlan, context: any TLSContext, source: String?) {
        self.plan = plan
        self.context = context
        self.source = source
    }

    /// Runs exchanges until `shouldStop` says so.
    func run(shouldStop: () -> Bool) {
        while !shouldStop() { exchange() }
    }

    /// One exchange of the plan's mode, counted as completed or failed at its stage.
    func exchange() {
        let start = MonotonicClock.nanoseconds()
        guard let socket = open() else { return }
        do throws(TLSError) {
            switch plan.mode {
            case .hello, .resume:
                try socket.write(plan.message)
                if try socket.readMessage(limit: 1024).isEmpty { throw .noReply }
                if plan.resumes { ticket = socket.resumptionTicket ?? ticket }
                socket.close()
            case .handshake:
                if plan.resumes {
                    // A TLS 1.3 ticket follows the handshake: read up to the server's close for it.
                    socket.close(waitingForPeer: plan.timeout)
                    ticket = socket.resumptionTicket ?? ticket
                } else {
                    socket.close()
                }
            case .bulk:
                try stream(over: socket)
                socket.close()
                tally.bytes += plan.bytes
            case .idle:
                tally.held.append(socket)
            }
        } catch {
            socket.close()
            tally.fail(.exchange, error)
            return
        }
        tally.complete(latency: MonotonicClock.nanoseconds() - start, session: socket.session)
    }

    /// Connects and completes the handshake (resuming when the plan says so), or counts the failure.
    private func open() -> TLSSocket? {
        let transport: TCPSocket
        do throws(TLSError) {
            transport = try TCPSocket.connect(host: plan.host, port: plan.port, timeout: plan.timeout, from: source)
        } catch {
            tally.fail(.connect, error)
            return nil
        }
        let socket: TLSSocket
        do throws(TLSError) {
            socket = try TLSSocket(transport: transport, context: context, peerName: plan.host,
                                   resuming: plan.resumes ? ticket : nil)
        } catch {
            transport.close()
            tally.fail(.handshake, error)
            return nil
        }
        do throws(TLSError) {
            try socket.handshake()
        } catch {
            socket.close()
            tally.fail(.handshake, error)
            return nil
        }
        return socket
    }

    /// Whether `data` equals the pattern from `offset` (memcmp: this runs on every byte echoed).
    private static func matchesPattern(_ data: [UInt8], at offset: Int) -> Bool {
        guard offset + data.count <= pattern.count else { return false }
        return data.withUnsafeBytes { received in
            pattern.withUnsafeBytes { expected in
                guard let receivedBase = received.baseAddress, let expectedBase = expected.baseAddress else { return data.isEmpty }
                return memcmp(receivedBase, expectedBase + offset, data.count) == 0
            }
        }
    }

    /// Sends `plan.bytes` of the pattern and reads them back, at most ``window`` bytes ahead,
    /// checking every byte that comes back.
    private func stream(over socket: TLSSocket) throws(TLSError) {
        let total = plan.bytes
        var sent = 0
        var received = 0
        while received < total {
            if sent < total && sent - received < Self.window {
                let offset = sent % Self.recordSize
                let count = min(Self.recordSize, total - sent)
                try socket.write(Array(Self.pattern[offset..<(offset + count)]))
                sent += count
                continue
            }
            guard let data = try socket.read(maximum: Self.recordSize) else {
                throw .protocolError(reason: "the server closed after echoing \(received) of \(total) bytes", library: nil)
            }
            let offset = received % Self.recordSize
            guard received + data.count <= sent, Self.matchesPattern(data, at: offset) else {
                throw .protocolError(reason: "the echo differs from what was sent, at byte \(received)", library: nil)
            }
            received += data.count
        }
    }
}
