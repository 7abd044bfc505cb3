import SecureSockets

/// A client session fed arbitrary server flights: the client's ClientHello is taken, then the
/// input arrives as the server's bytes, cut into reads by a ``FeedPlan``. Flags: 0x08 offer
/// every table version (else the secure default); 0x10 trace the handshake; 0x20 verify the
/// chain and name (else the handshake goes on past the certificate).
package enum ClientSessionFuzzer {
    /// Offer TLS 1.0 to 1.3 instead of the secure default.
    package static let allVersionsFlag: UInt8 = 0x08
    /// Install a trace handler.
    package static let traceFlag: UInt8 = 0x10
    /// Verify the server's certificate.
    package static let verifyFlag: UInt8 = 0x20

    /// Runs one input.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> SessionDriver.Outcome {
        let plan = FeedPlan(data)
        let context = plan.flags & verifyFlag != 0 ? FuzzContexts.clientVerifying
            : plan.flags & allVersionsFlag != 0 ? FuzzContexts.clientAllVersions : FuzzContexts.client
        let session: any TLSSession
        do {
            session = try context.makeSession(peerName: "localhost")
        } catch {
            fatalError("fuzz fixture: client session failed: \(error)")
        }
        if plan.flags & traceFlag != 0 { session.traceHandler = { _ = $0.line } }
        do {
            _ = try session.handshake()
        } catch {
            fatalError("fuzz fixture: the client could not start its handshake: \(error)")
        }
        _ = session.takeNetworkOutput()
        return SessionDriver.run(session, chunks: plan.chunks)
    }
}
