import NIOCore
import SecureSockets

/// A connection whose TLS handshake is under way: what the channel initializers of
/// `ServerBootstrap.bind(host:port:tlsContext:)` and `ClientBootstrap.connect(host:port:tlsContext:)`
/// return. They cannot wait for the handshake themselves: NIO registers a channel, and so starts
/// its I/O, only once its initializer's future completes.
struct PendingConnection: Sendable {
    /// The channel, for closing it and naming the peer.
    let channel: any Channel
    /// Succeeds after the handshake; fails with its ``TLSError``.
    let handshake: EventLoopFuture<SessionInfo>
    /// What turns the channel into an `NIOAsyncChannel` after the handshake (nil when the channel
    /// could not be set up: then `handshake` has failed).
    private let handoff: NIOLoopBound<HandshakeHandoffHandler>?

    /// Puts `tlsHandler` on `channel`, and the handler that hands the connection over after the
    /// handshake above it. On the channel's event loop.
    static func configure(_ channel: any Channel, tlsHandler: TLSHandler) throws -> PendingConnection {
        let promise = channel.eventLoop.makePromise(of: SessionInfo.self)
        let handoff = HandshakeHandoffHandler(tlsHandler: tlsHandler, promise: promise)
        do {
            try channel.pipeline.syncOperations.addHandler(tlsHandler)
            try channel.pipeline.syncOperations.addHandler(handoff)
        } catch {
            // The handoff handler, which owns the promise once it is in the pipeline, is not in
            // it: complete the promise here (NIO reports a promise dropped pending as a leak).
            promise.fail(error)
            throw error
        }
        return PendingConnection(channel: channel, handshake: promise.futureResult,
                                 handoff: NIOLoopBound(handoff, eventLoop: channel.eventLoop))
    }

    /// A connection that failed before its handshake could start.
    static func failed(_ channel: any Channel, error: any Error) -> PendingConnection {
        PendingConnection(channel: channel, handshake: channel.eventLoop.makeFailedFuture(error), handoff: nil)
    }

    /// Waits for the handshake, then hands the connection over. Cancelling the waiting task closes
    /// the connection.
    ///
    /// - Throws: the handshake's ``TLSError``; `CancellationError` when cancelled.
    func connection() async throws -> TLSConnection {
        let channel = self.channel
        let info: SessionInfo
        do {
            info = try await withTaskCancellationHandler {
                try await handshake.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
        guard let handoff, !Task.isCancelled else {
            channel.close(promise: nil)
            throw CancellationError()
        }
        do {
            let asyncChannel = try await channel.eventLoop.submit { try handoff.value.handOver() }.get()
            return TLSConnection(channel: asyncChannel, info: info)
        } catch {
            // Closed between the handshake and the handover.
            channel.close(promise: nil)
            throw TLSError(handshakeError: error)
        }
    }
}
