import NIOCore
import SecureSockets

/// The server side of TLS on a channel: put it first in a child channel's pipeline, where
/// swift-nio-ssl's `NIOSSLServerHandler` would go.
public final class TLSServerHandler: TLSHandler {
    /// Makes a handler for one accepted connection from a server `context`; the handshake must
    /// finish within the configuration's ``/SecureSockets/TLSConfiguration/handshakeTimeout``.
    ///
    /// - Parameter context: the compiled server configuration the session is made from.
    /// - Parameter shutdownTimeout: how long a close waits for the client's close_notify
    ///   (default 5 seconds, as swift-nio-ssl's).
    /// - Throws: ``/SecureSockets/TLSError/invalidConfiguration(_:)`` for a client context;
    ///   ``/SecureSockets/TLSError/setupFailed(operation:library:)`` when the library cannot make the session.
    public init(context: any TLSContext, shutdownTimeout: TimeAmount = .seconds(5)) throws(TLSError) {
        try TLSError.checkRole(of: context, is: .server, for: "TLSServerHandler")
        let session = try context.makeSession(peerName: nil)
        super.init(session: session, handshakeTimeout: .interval(seconds: context.configuration.handshakeTimeout),
                   shutdownTimeout: shutdownTimeout)
    }
}
