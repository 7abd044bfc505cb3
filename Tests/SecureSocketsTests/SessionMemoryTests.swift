import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// Every C allocation of a session has one owner and one release point: opening and closing
/// 12,000 sessions (each far enough into the handshake to allocate its state) leaves the
/// process's memory where it was.
@Suite struct SessionMemoryTests {
    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    private func churn(_ count: Int, client: any TLSContext, server: any TLSContext) throws {
        for _ in 0..<count {
            let pair = try TLSSessionPair(client: client, server: server)
            pair.client.traceHandler = { _ in }
            _ = try pair.client.handshake()          // ClientHello
            pair.transfer()
            _ = try pair.server.handshake()          // the server's whole first flight
            pair.transfer()
            _ = try? pair.client.handshake()
        }
    }

    /// Under a sanitizer freed memory is held in quarantine, so resident size says nothing.
    static let sanitized = ProcessInfo.processInfo.environment["TLSHELLO_SANITIZER"] != nil

    /// Other suites run in parallel and their allocations move this process's resident size too,
    /// in bursts. A leak grows it in every round, so the smallest growth of three rounds is the
    /// measure: one quiet round is enough to clear the sessions.
    @Test(.disabled(if: sanitized, "resident size is meaningless under a sanitizer"))
    func twelveThousandSessionsReturnMemoryToItsBaseline() throws {
        let client = try Fixtures.clientContext(versions: .exactly(.tlsv1_3))
        let server = try Fixtures.serverContext(Fixtures.make(CertificateRequest(keyType: .ecdsaP256)),
                                                versions: .exactly(.tlsv1_3))
        try churn(1_000, client: client, server: server) // warm-up: allocator arenas, caches
        var growths: [Int] = []
        for _ in 0..<3 {
            let before = Self.residentKiB()
            try churn(4_000, client: client, server: server)
            growths.append(Self.residentKiB() - before)
        }
        // 3 MiB over 4,000 sessions: a leak of 800 bytes per session fails every round.
        #expect((growths.min() ?? 0) < 3 * 1024, "RSS grew by \(growths) KiB in three rounds of 4,000 sessions")
    }
}
