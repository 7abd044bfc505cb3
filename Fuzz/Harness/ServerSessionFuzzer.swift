import SecureSockets

/// A server session fed arbitrary client bytes through the sans-I/O API, cut into reads by a
/// ``FeedPlan``. Flags: 0x08 accept every table version (else the secure default); 0x10 trace
/// the handshake (runs the tracer on GnuTLS's own messages).
package enum ServerSessionFuzzer {
    /// Accept TLS 1.0 to 1.3 instead of the secure default.
    package static let allVersionsFlag: UInt8 = 0x08
    /// Install a trace handler.
    package static let traceFlag: UInt8 = 0x10

    /// Runs one input.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> SessionDriver.Outcome {
        let plan = FeedPlan(data)
        let context = plan.flags & allVersionsFlag != 0 ? FuzzContexts.serverAllVersions : FuzzContexts.server
        let session: any TLSSession
        do {
            session = try context.makeSession(peerName: nil)
        } catch {
            fatalError("fuzz fixture: server session failed: \(error)")
        }
        if plan.flags & traceFlag != 0 { session.traceHandler = { _ = $0.line } }
        return SessionDriver.run(session, chunks: plan.chunks)
    }
}
