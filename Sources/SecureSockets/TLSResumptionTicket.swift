/// What a client keeps from a finished session to resume it later without a full handshake:
/// the server's session ticket plus the session state the library packs around it.
///
/// Secret: anyone holding it can resume the session as this client. Keep it in memory and pass it
/// to ``TLSContext/makeSession(peerName:resuming:)`` (or ``TLSSocket/connect(host:port:context:from:resuming:trace:)``)
/// for the same server; a server that no longer accepts it (rotated ticket key, expired ticket)
/// simply runs a full handshake, so a stale ticket never fails a connection.
public struct TLSResumptionTicket: Sendable, Equatable {
    /// The backend's packed session data (opaque).
    public let bytes: [UInt8]

    /// Wraps packed session data produced by the same backend.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
