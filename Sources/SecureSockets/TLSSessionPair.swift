/// A client session and a server session joined in memory: each one's network output is the
/// other's input. Drives handshakes and exchanges in one thread with no sockets, for tests and
/// for fuzzing the record layer.
public final class TLSSessionPair {
    /// The client side.
    public let client: any TLSSession
    /// The server side.
    public let server: any TLSSession

    /// Makes one session from each context; the client offers `ticket` to resume, if given.
    public init(client: any TLSContext, server: any TLSContext, serverName: String? = "localhost",
                resuming ticket: TLSResumptionTicket? = nil) throws(TLSError) {
        self.client = try client.makeSession(peerName: serverName, resuming: ticket)
        self.server = try server.makeSession(peerName: nil)
    }

    /// Moves queued bytes both ways; true if any moved.
    @discardableResult
    public func transfer() -> Bool {
        let toServer = client.takeNetworkOutput()
        let toClient = server.takeNetworkOutput()
        if !toServer.isEmpty { server.receiveFromNetwork(toServer) }
        if !toClient.isEmpty { client.receiveFromNetwork(toClient) }
        return !toServer.isEmpty || !toClient.isEmpty
    }

    /// Which side failed a handshake, and how.
    public struct Failure: Error {
        /// The client's error, if the client failed.
        public var client: TLSError?
        /// The server's error, if the server failed.
        public var server: TLSError?
    }

    /// Runs both handshakes until both complete, one fails, or `maximumRounds` pass without progress.
    public func handshake(maximumRounds: Int = 50) throws(Failure) {
        var failure = Failure()
        for _ in 0..<maximumRounds {
            var clientDone = false
            var serverDone = false
            do { clientDone = try client.handshake() == .complete } catch { failure.client = error }
            do { serverDone = try server.handshake() == .complete } catch { failure.server = error }
            let moved = transfer()
            if failure.client != nil || failure.server != nil {
                // Let the alert that explains the failure reach the other side.
                if failure.client == nil { do { _ = try client.handshake() } catch { failure.client = error } }
                if failure.server == nil { do { _ = try server.handshake() } catch { failure.server = error } }
                throw failure
            }
            if clientDone && serverDone { return }
            if !moved && clientDone == serverDone { break }
        }
        failure.client = .timedOut(stage: .handshake, seconds: 0)
        throw failure
    }

    /// Reads everything the receiver can decrypt now, after moving the sender's output across.
    public func deliver(from sender: any TLSSession, to receiver: any TLSSession) throws(TLSError) -> [UInt8] {
        transfer()
        var bytes: [UInt8] = []
        while case let .data(chunk) = try receiver.read(maximum: 16 * 1024) { bytes += chunk }
        return bytes
    }
}
