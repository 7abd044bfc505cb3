import NIOConcurrencyHelpers
import NIOCore
import SecureSockets

/// A listening TCP socket whose clients arrive as ``TLSConnection``s once their TLS handshake has
/// completed: the async/await way to serve TLS, on NIO's own `NIOAsyncChannel`. Made by
/// `ServerBootstrap.bind(host:port:tlsContext:)`.
///
/// ```swift
/// let server = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
///     .bind(host: "127.0.0.1", port: 8801, tlsContext: context)
/// try await server.run(onFailure: { error, peer in print("\(peer?.description ?? "?"): \(error)") }) { connection in
///     try await connection.channel.executeThenClose { inbound, outbound in
///         for try await bytes in inbound { try await outbound.write(bytes) }   // echo
///     }
/// }
/// ```
public struct TLSServer: Sendable {
    private let listener: NIOAsyncChannel<PendingConnection, Never>
    private let openChannels: OpenChannels
    private let started = NIOLockedValueBox(false)

    init(listener: NIOAsyncChannel<PendingConnection, Never>, openChannels: OpenChannels) {
        self.listener = listener
        self.openChannels = openChannels
    }

    /// The address the server listens on (with the port picked when 0 was asked for).
    public var localAddress: SocketAddress? { listener.channel.localAddress }

    /// Serves clients until the calling task is cancelled: each accepted client does its handshake
    /// concurrently with the others, then `handler` runs for it in a task of its own, with the
    /// connection. Call it once.
    ///
    /// A client whose handshake fails (bad certificate, no common version, not TLS at all, silent
    /// past the configuration's ``/SecureSockets/TLSConfiguration/handshakeTimeout``) never reaches `handler`: its
    /// ``/SecureSockets/TLSError`` goes to `onFailure`, after the alert that explains it was sent, and the server
    /// carries on. An error `handler` throws goes to `onFailure` too. When `handler` returns, the
    /// connection closes (close_notify first), if the handler has not closed it already.
    ///
    /// Cancelling the task stops the server: the listening socket closes at once, connections still
    /// handshaking close, and each connection being served is closed gracefully, as its
    /// ``TLSHandler`` closes: close_notify, then a bounded wait for the peer's. The handlers see
    /// their inbound stream end. `run` returns once every connection is closed and every handler
    /// has returned.
    ///
    /// ```swift
    /// let serving = Task {
    ///     try await server.run(onFailure: { error, _ in print(error) }) { connection in
    ///         print(connection.info.applicationProtocol ?? "no ALPN")
    ///         try await connection.channel.executeThenClose { inbound, outbound in /* ... */ }
    ///     }
    /// }
    /// // ...
    /// serving.cancel()   // stops the server; `try await serving.value` returns once all is closed
    /// ```
    ///
    /// - Parameters:
    ///   - onFailure: called with the error and the peer's address, from any task, for each
    ///     connection that failed (not for those closed because the server is stopping).
    ///   - handler: serves one connection; runs concurrently with the others.
    /// - Throws: the listening socket's error, if it fails; ``/SecureSockets/TLSError/invalidState(_:)`` when
    ///   called a second time.
    public func run(
        onFailure: @escaping @Sendable (_ error: any Error, _ peer: SocketAddress?) -> Void,
        _ handler: @escaping @Sendable (_ connection: TLSConnection) async throws -> Void
    ) async throws {
        guard started.withLockedValue({ value in defer { value = true }; return !value }) else {
            throw TLSError.invalidState("TLSServer.run was already called: a server runs once")
        }
        let listenerChannel = listener.channel
        var failure: (any Error)?
        do {
            try await listener.executeThenClose { accepted in
                try await withTaskCancellationHandler {
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await pending in accepted {
                            group.addTask { await Self.serve(pending, onFailure: onFailure, handler: handler) }
                        }
                    }
                } onCancel: {
                    listenerChannel.close(promise: nil)
                }
            }
        } catch is CancellationError {
            // Stopped by cancellation: not a failure.
        } catch {
            failure = error
        }
        // Connections accepted but never handed over (NIO had buffered them when the loop stopped).
        await openChannels.closeAll()
        if let failure, !Task.isCancelled { throw failure }
    }

    /// Waits for one client's handshake, then runs `handler` for it and closes it.
    private static func serve(
        _ pending: PendingConnection,
        onFailure: @Sendable (any Error, SocketAddress?) -> Void,
        handler: @Sendable (TLSConnection) async throws -> Void
    ) async {
        let channel = pending.channel
        let peer = channel.remoteAddress
        let connection: TLSConnection
        do {
            connection = try await pending.connection()
        } catch {
            if !Task.isCancelled { onFailure(error, peer) }
            channel.close(promise: nil)
            return
        }
        do {
            try await withTaskCancellationHandler {
                try await handler(connection)
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            if !Task.isCancelled { onFailure(error, peer) }
        }
        // Closes the connection if the handler did not, finishing its writer (SwiftNIO traps when
        // an NIOAsyncChannel's writer is dropped unfinished while its channel is open), and waits
        // until it is closed.
        try? await connection.channel.executeThenClose { _, _ in }
    }
}
