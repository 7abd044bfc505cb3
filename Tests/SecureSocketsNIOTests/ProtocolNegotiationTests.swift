import NIOCore
import NIOTLS
import SecureSockets
import SecureSocketsNIO
import Testing

/// NIOTLS's protocol negotiation handlers above ``TLSServerHandler``, unchanged: they take the
/// result of ALPN from `TLSUserEvent.handshakeCompleted`, as they do from swift-nio-ssl.
@Suite struct ProtocolNegotiationTests {
    @Test func applicationProtocolNegotiationHandlerGetsTheProtocolAndReplaysTheDataItHeld() throws {
        var results: [ALPNResult] = []
        var configured: EventLoopPromise<Void>?
        let negotiation = ApplicationProtocolNegotiationHandler { result, channel in
            results.append(result)
            let promise = channel.eventLoop.makePromise(of: Void.self)
            configured = promise
            return promise.futureResult
        }
        let pair = try ChannelPair(client: Certificates.clientContext(applicationProtocols: ["http/1.1"]),
                                   server: Certificates.serverContext(applicationProtocols: ["h2", "http/1.1"]),
                                   serverHandlersAboveTLS: [negotiation])
        defer { try? pair.finish() }
        try pair.activate()
        pair.clientApp.write("GET / HTTP/1.1\r\n\r\n")
        try pair.interact()

        #expect(results == [.negotiated("http/1.1")])
        #expect(pair.clientApp.events == [.handshakeCompleted(negotiatedProtocol: "http/1.1")])
        #expect(pair.serverHandler.info?.applicationProtocol == "http/1.1")
        // Held while the pipeline is being configured, then replayed.
        #expect(pair.serverApp.received.isEmpty)
        configured?.succeed(())
        pair.loop.run()
        #expect(pair.serverApp.text == "GET / HTTP/1.1\r\n\r\n")
    }

    @Test func applicationProtocolNegotiationHandlerFallsBackWithoutALPN() throws {
        var results: [ALPNResult] = []
        let negotiation = ApplicationProtocolNegotiationHandler { result, channel in
            results.append(result)
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let pair = try ChannelPair(client: Certificates.clientContext(),
                                   server: Certificates.serverContext(applicationProtocols: ["h2", "http/1.1"]),
                                   serverHandlersAboveTLS: [negotiation])
        defer { try? pair.finish() }
        try pair.handshake()

        #expect(results == [.fallback])
    }

    @Test func typedNegotiationHandlerResolvesItsResultFromTheHandshake() throws {
        let negotiation = NIOTypedApplicationProtocolNegotiationHandler<String> { result, channel in
            switch result {
            case let .negotiated(name): channel.eventLoop.makeSucceededFuture("pipeline for \(name)")
            case .fallback: channel.eventLoop.makeSucceededFuture("fallback pipeline")
            }
        }
        let pair = try ChannelPair(client: Certificates.clientContext(applicationProtocols: ["h2", "http/1.1"]),
                                   server: Certificates.serverContext(applicationProtocols: ["h2", "http/1.1"]),
                                   serverHandlersAboveTLS: [negotiation])
        defer { try? pair.finish() }
        var chosen: String?
        negotiation.protocolNegotiationResult.assumeIsolated().whenSuccess { chosen = $0 }
        try pair.handshake()

        #expect(chosen == "pipeline for h2")
        #expect(pair.clientApp.events == [.handshakeCompleted(negotiatedProtocol: "h2")])
    }
}
