import NIOCore
import NIOHTTP1
import NIOHTTP2

/// The pipeline of one accepted connection.
public enum HelloPipeline {
    /// The body of `GET /`.
    public static let greeting = "Hola soy tu servidor...."

    /// The application protocols the server accepts (ALPN), most preferred first: give them to
    /// the TLS configuration behind the handler passed to ``configure(channel:tlsHandler:)``.
    public static let applicationProtocols = ["h2", "http/1.1"]

    /// Puts `tlsHandler` first in `channel`'s pipeline, then, once its handshake completed
    /// (`TLSUserEvent.handshakeCompleted`), HTTP/2 when ALPN chose `h2`, otherwise HTTP/1.1
    /// (chosen, or no ALPN at all), and the application behind either.
    ///
    /// Call it on the channel's event loop, from a child channel initializer.
    public static func configure(channel: any Channel, tlsHandler: any ChannelHandler) -> EventLoopFuture<Void> {
        do {
            try channel.pipeline.syncOperations.addHandler(tlsHandler)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.configureCommonHTTPServerPipeline { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HelloResponder())
            }
        }
    }
}
