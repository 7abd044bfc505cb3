import NIOCore
import SecureSockets

/// The client side of TLS on a channel: put it first in the pipeline, where swift-nio-ssl's
/// `NIOSSLClientHandler` would go.
public final class TLSClientHandler: TLSHandler {
    /// Makes a handler for one connection from a client `context`; the handshake must finish
    /// within the configuration's ``/SecureSockets/TLSConfiguration/handshakeTimeout``.
    ///
    /// - Parameter context: the compiled client configuration the session is made from.
    /// - Parameter serverHostname: the host connected to, for SNI (unless it is an IP address) and
    ///   verification when the configuration names no ``/SecureSockets/TLSConfiguration/serverName``.
    /// - Parameter shutdownTimeout: how long a close waits for the server's close_notify
    ///   (default 5 seconds, as swift-nio-ssl's).
    /// - Throws: ``/SecureSockets/TLSError/invalidConfiguration(_:)`` for a server context;
    ///   ``/SecureSockets/TLSError/invalidServerName(name:reason:)`` for a name that cannot be a server name;
    ///   ``/SecureSockets/TLSError/setupFailed(operation:library:)`` when the library cannot make the session.
    public init(context: any TLSContext, serverHostname: String?, shutdownTimeout: TimeAmount = .seconds(5)) throws(TLSError) {
        try TLSError.checkRole(of: context, is: .client, for: "TLSClientHandler")
        let session = try context.makeSession(peerName: serverHostname)
        super.init(session: session, handshakeTimeout: .interval(seconds: context.configuration.handshakeTimeout),
                   shutdownTimeout: shutdownTimeout)
    }
}
