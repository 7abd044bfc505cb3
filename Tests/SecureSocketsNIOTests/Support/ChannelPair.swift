import NIOCore
import NIOEmbedded
import SecureSockets
import SecureSocketsNIO

/// A client and a server `EmbeddedChannel` on one `EmbeddedEventLoop`, each with a ``HeadProbe``,
/// a TLS handler and a ``Recorder`` (the server's with any handlers given between the last two); ``interact()`` moves each side's output to the other until
/// nothing moves, and passes a side's end on as the transport would (a FIN: `inputClosed` with
/// half-closure, the channel's close without).
final class ChannelPair {
    let loop = EmbeddedEventLoop()
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientHandler: TLSClientHandler
    let serverHandler: TLSServerHandler
    let clientProbe = HeadProbe()
    let serverProbe = HeadProbe()
    let clientApp: Recorder
    let serverApp: Recorder
    private var clientEndSent = false
    private var serverEndSent = false

    /// Builds both pipelines; nothing happens until ``activate()``.
    init(client clientContext: any TLSContext, server serverContext: any TLSContext, serverHostname: String? = "localhost",
         clientApp: Recorder = Recorder(), serverApp: Recorder = Recorder(),
         clientHalfClosure: Bool = true, serverHalfClosure: Bool = true,
         shutdownTimeout: TimeAmount = .seconds(5), serverHandlersAboveTLS: [any ChannelHandler] = []) throws {
        clientHandler = try TLSClientHandler(context: clientContext, serverHostname: serverHostname, shutdownTimeout: shutdownTimeout)
        serverHandler = try TLSServerHandler(context: serverContext, shutdownTimeout: shutdownTimeout)
        self.clientApp = clientApp
        self.serverApp = serverApp
        client = EmbeddedChannel(loop: loop)
        server = EmbeddedChannel(loop: loop)
        client.allowRemoteHalfClosure = clientHalfClosure
        server.allowRemoteHalfClosure = serverHalfClosure
        try client.pipeline.syncOperations.addHandlers([clientProbe, clientHandler, clientApp])
        try server.pipeline.syncOperations.addHandlers([serverProbe, serverHandler] + serverHandlersAboveTLS + [serverApp])
    }

    /// Makes both channels active (the client sends its ClientHello).
    func activate() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
    }

    /// Activates both channels and runs the handshake to its end.
    func handshake() throws {
        try activate()
        try interact()
    }

    /// Moves bytes both ways until neither side has anything to send; a side whose write side
    /// was shut, or whose channel closed, is seen by the other to end its input.
    func interact() throws {
        for _ in 0..<1000 {
            var moved = try transfer(from: client, to: server)
            moved = try transfer(from: server, to: client) || moved
            if !serverEndSent && (clientProbe.outputShut || !client.isActive) && server.isActive {
                // What was sent before the end arrives first.
                _ = try transfer(from: client, to: server)
                serverEndSent = true
                end(server)
                moved = true
            }
            if !clientEndSent && (serverProbe.outputShut || !server.isActive) && client.isActive {
                _ = try transfer(from: server, to: client)
                clientEndSent = true
                end(client)
                moved = true
            }
            loop.run()
            if !moved { return }
        }
        throw TLSError.invalidState("the channels never went quiet")
    }

    private func transfer(from sender: EmbeddedChannel, to receiver: EmbeddedChannel) throws -> Bool {
        var moved = false
        while let bytes = try sender.readOutbound(as: ByteBuffer.self) {
            moved = true
            if receiver.isActive { try receiver.writeInbound(bytes) }
        }
        return moved
    }

    /// The transport's end of input on `channel`: `inputClosed` with half-closure, else the
    /// channel closes, as a socket channel does on a FIN.
    func end(_ channel: EmbeddedChannel) {
        if channel.allowRemoteHalfClosure {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        } else {
            drop(channel)
        }
    }

    /// Closes `channel` under its handlers, as a socket channel closes on a FIN or a reset (no
    /// handler sees a close request).
    func drop(_ channel: EmbeddedChannel) {
        guard channel.isActive else { return }
        channel._channelCore.close0(error: ChannelError.eof, mode: .all, promise: nil)
        loop.run()
    }

    /// Closes whatever is still open and stops the loop (cancelling the timers left).
    func finish() throws {
        clientProbe.passCloseThrough = true
        serverProbe.passCloseThrough = true
        drop(client)
        drop(server)
        try loop.syncShutdownGracefully()
    }
}
