import NIOCore
import NIOPosix
import SecureSockets

extension ServerBootstrap {
    /// Binds a TLS server on `host:port`: each accepted client gets a ``TLSServerHandler`` made
    /// from `tlsContext`, and reaches ``TLSServer/run(onFailure:_:)`` as a ``TLSConnection`` once
    /// its handshake has completed.
    ///
    /// The bootstrap's own options and event loops apply; this adds `allowRemoteHalfClosure` to the
    /// accepted channels, so that a client closing TCP without close_notify is seen as such.
    ///
    /// ```swift
    /// let server = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
    ///     .bind(host: "127.0.0.1", port: 0, tlsContext: context)
    /// print("listening on \(server.localAddress!)")
    /// ```
    ///
    /// - Parameters:
    ///   - host: the address to listen on (`0.0.0.0` or `::` for every interface).
    ///   - port: the port; 0 picks a free one (see ``TLSServer/localAddress``).
    ///   - tlsContext: a server context (certificate, key, versions, ALPN protocols).
    /// - Throws: ``/SecureSockets/TLSError/addressInUse(host:port:)``, ``/SecureSockets/TLSError/hostNotFound(host:reason:)`` or
    ///   ``/SecureSockets/TLSError/socket(operation:errno:message:)``; ``/SecureSockets/TLSError/invalidConfiguration(_:)`` for a
    ///   port outside 0...65535 or a client context (checked before anything is bound).
    public func bind(host: String, port: Int, tlsContext: any TLSContext) async throws(TLSError) -> TLSServer {
        try TLSError.checkPort(port, range: 0...65535)
        try TLSError.checkRole(of: tlsContext, is: .server, for: "ServerBootstrap.bind(host:port:tlsContext:)")
        let openChannels = OpenChannels()
        let listener: NIOAsyncChannel<PendingConnection, Never>
        do {
            listener = try await self
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        openChannels.insert(channel)
                        do {
                            return try PendingConnection.configure(channel, tlsHandler: TLSServerHandler(context: tlsContext))
                        } catch {
                            // Handed over as a failed handshake: reported, never served.
                            channel.close(promise: nil)
                            return PendingConnection.failed(channel, error: error)
                        }
                    }
                }
        } catch {
            throw TLSError(bindingError: error, host: host, port: port)
        }
        return TLSServer(listener: listener, openChannels: openChannels)
    }
}
