import NIOCore
import NIOPosix
import SecureSockets

extension ClientBootstrap {
    /// Connects to `host:port`, runs the TLS handshake with a ``TLSClientHandler`` made from
    /// `tlsContext`, and returns the connection once the handshake has completed.
    ///
    /// `host` is also the name sent as SNI (unless it is an IP address) and checked against the
    /// server's certificate, unless the configuration names a ``/SecureSockets/TLSConfiguration/serverName``. The
    /// bootstrap's own options apply (`connectTimeout`, 10 s by default); the handshake is bounded
    /// by the configuration's ``/SecureSockets/TLSConfiguration/handshakeTimeout``.
    ///
    /// ```swift
    /// var configuration = TLSConfiguration.makeClientConfiguration()
    /// configuration.trustRoots = .file("certs/diegoUcamCert.pem")
    /// let context = try TLSBackends.default.makeContext(configuration: configuration)   // import SecureSocketsBackends
    /// let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
    ///     .connect(host: "127.0.0.1", port: 8801, tlsContext: context)
    /// ```
    ///
    /// - Throws: the handshake's ``/SecureSockets/TLSError`` (e.g. ``/SecureSockets/TLSError/verificationFailed(_:)`` when the
    ///   server's certificate is not trusted, after the alert was sent);
    ///   ``/SecureSockets/TLSError/connectionRefused(host:port:)``, ``/SecureSockets/TLSError/hostNotFound(host:reason:)`` or
    ///   ``/SecureSockets/TLSError/timedOut(stage:seconds:)`` when no connection was made;
    ///   ``/SecureSockets/TLSError/invalidConfiguration(_:)`` for a port outside 1...65535 or a server context
    ///   (checked before connecting); `CancellationError` when the task is cancelled (the
    ///   connection is closed).
    public func connect(host: String, port: Int, tlsContext: any TLSContext) async throws -> TLSConnection {
        try TLSError.checkPort(port, range: 1...65535)
        try TLSError.checkRole(of: tlsContext, is: .client, for: "ClientBootstrap.connect(host:port:tlsContext:)")
        let pending: PendingConnection
        do {
            pending = try await self
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try PendingConnection.configure(
                            channel, tlsHandler: TLSClientHandler(context: tlsContext, serverHostname: host))
                    }
                }
        } catch {
            throw TLSError(connectingError: error, host: host, port: port)
        }
        return try await pending.connection()
    }
}
