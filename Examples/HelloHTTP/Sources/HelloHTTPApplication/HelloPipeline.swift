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
    /// Both answer `ChannelShouldQuiesceEvent`: HTTP/1.1 closes once the response in flight is
    /// sent; HTTP/2 sends GOAWAY (`NIOHTTP2ServerConnectionManagementHandler`) and closes once
    /// its open streams are done. Call it on the channel's event loop, from a child channel
    /// initializer.
    public static func configure(channel: any Channel, tlsHandler: any ChannelHandler) -> EventLoopFuture<Void> {
        do {
            try channel.pipeline.syncOperations.addHandler(tlsHandler)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.configureHTTP2SecureUpgrade(
            h2ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture { try configureHTTP2(channel: channel) }
            },
            http1ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    try handlers.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try handlers.addHandler(HelloResponder())
                }
            }
        )
    }

    /// HTTP/2 on the connection: each stream is turned into HTTP/1-style parts for the responder.
    private static func configureHTTP2(channel: any Channel) throws {
        let handlers = channel.pipeline.syncOperations
        // Graceful close only: no idle or age limit, no keep-alive pings, no forced close (the
        // server's own grace period bounds a shutdown).
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: nil, keepalive: nil)
        )
        _ = try handlers.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: .init(),
            streamConfiguration: .init(),
            streamDelegate: manager.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandlers(HTTP2FramePayloadToHTTP1ServerCodec(), HelloResponder())
            }
        }
        try handlers.addHandler(manager)
    }
}
