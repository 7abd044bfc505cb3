import NIOCore
import SecureSockets

/// The client side of TLS on a channel: put it first in the pipeline, where swift-nio-ssl's
/// `NIOSSLClientHandler` would go.
public final class TLSClientHandler: TLSHandler {
    /// Makes a handler for one connection from a client `context`.
    ///
    /// - Parameter serverHostname: the host connected to, for SNI (unless it is an IP address) and
    ///   verification when the configuration names no ``TLSConfiguration/serverName``.
    /// - Throws: ``TLSError/invalidServerName(name:reason:)`` for a name that cannot be a server
    ///   name; ``TLSError/setupFailed(operation:library:)`` when the library cannot make the session.
    public init(context: any TLSContext, serverHostname: String?) throws(TLSError) {
        let session = try context.makeSession(peerName: serverHostname)
        super.init(session: session, handshakeTimeout: .nanoseconds(Int64(context.configuration.handshakeTimeout * 1e9)))
    }
}
