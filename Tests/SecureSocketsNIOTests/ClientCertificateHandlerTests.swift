import GnuTLSBackend
import NIOCore
import NIOEmbedded
import NIOTLS
import SecureSockets
import SecureSocketsNIO
import Testing

/// Mutual TLS through the SwiftNIO handlers: `TLSServerHandler` on a context that requires client
/// certificates and `TLSClientHandler` on one that presents one, over two EmbeddedChannels joined
/// back to back. The server's handler reports the verified client; a refused client certificate
/// reaches the server's pipeline as the verification failure and the client's as the refusal.
@Suite struct ClientCertificateHandlerTests {
    /// The last handler of a pipeline: keeps the events and errors that reach it.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var handshakes = 0
        var errors: [any Error] = []

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { handshakes += 1 }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) { errors.append(error) }

        // Asks for data as a channel with autoRead on does: a TLS 1.3 client learns of its refused
        // certificate from an alert that comes after its own handshake completed.
        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { context.read() }
        }

        func channelActive(context: ChannelHandlerContext) { context.read() }

        func channelReadComplete(context: ChannelHandlerContext) { context.read() }
    }

    static let authority = generate(CertificateRequest(subject: "CN=NIO client CA", subjectAltNames: [], isCA: true))
    static let server = generate(CertificateRequest(subject: "CN=localhost", subjectAltNames: ["localhost"]))
    static let client = generate(CertificateRequest(subject: "CN=nio client", subjectAltNames: [], keyType: .ecdsaP256), by: authority)
    static let stranger = generate(CertificateRequest(subject: "CN=nio stranger", subjectAltNames: [], keyType: .ecdsaP256))

    static func generate(_ request: CertificateRequest, by issuer: GeneratedCertificate? = nil) -> GeneratedCertificate {
        do {
            return try issuer.map { try CertificateGenerator.generate(request, signedBy: $0) } ?? CertificateGenerator.generate(request)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }

    /// Client and server channels with their handlers, the client presenting `certificate`.
    private func connect(presenting certificate: GeneratedCertificate, version: TLSVersion) throws
        -> (serverHandler: TLSServerHandler, serverApp: Recorder, clientApp: Recorder) {
        var serverConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(Self.server.certificatePEM, label: "server.pem"), privateKey: .pem(Self.server.privateKeyPEM, label: "server.key"))
        serverConfiguration.versions = .exactly(version)
        serverConfiguration.clientAuthentication = .require
        serverConfiguration.clientTrustRoots = .pem(Self.authority.certificatePEM, label: "client-ca.pem")
        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.versions = .exactly(version)
        clientConfiguration.trustRoots = .pem(Self.server.certificatePEM, label: "trust.pem")
        clientConfiguration.certificateChain = .pem(certificate.certificatePEM, label: "client.pem")
        clientConfiguration.privateKey = .pem(certificate.privateKeyPEM, label: "client.key")

        let loop = EmbeddedEventLoop()
        let serverChannel = EmbeddedChannel(loop: loop)
        let clientChannel = EmbeddedChannel(loop: loop)
        let serverHandler = try TLSServerHandler(context: GnuTLS().makeContext(configuration: serverConfiguration))
        let clientHandler = try TLSClientHandler(context: GnuTLS().makeContext(configuration: clientConfiguration), serverHostname: "localhost")
        let serverApp = Recorder()
        let clientApp = Recorder()
        try serverChannel.pipeline.syncOperations.addHandlers([serverHandler, serverApp])
        try clientChannel.pipeline.syncOperations.addHandlers([clientHandler, clientApp])
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try serverChannel.connect(to: address).wait()
        try clientChannel.connect(to: address).wait()
        // Each side's output is the other's input, until neither has anything to say.
        for _ in 0..<100 {
            var moved = false
            while let bytes = try clientChannel.readOutbound(as: ByteBuffer.self) {
                try serverChannel.writeInbound(bytes)
                moved = true
            }
            while let bytes = try serverChannel.readOutbound(as: ByteBuffer.self) {
                try clientChannel.writeInbound(bytes)
                moved = true
            }
            loop.run()
            if !moved { break }
        }
        // Let the timers a failed side keeps (its drain bound) fire, then end both channels and the
        // loop: a scheduled task would keep the channel, its handlers and sessions alive.
        loop.advanceTime(by: .seconds(60))
        _ = try? serverChannel.finish()
        _ = try? clientChannel.finish()
        try loop.syncShutdownGracefully()
        return (serverHandler, serverApp, clientApp)
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func serverHandlerReportsTheVerifiedClientAndRefusesAStranger(version: TLSVersion) throws {
        let accepted = try connect(presenting: Self.client, version: version)
        #expect(accepted.serverApp.handshakes == 1)
        #expect(accepted.clientApp.handshakes == 1)
        #expect(accepted.serverApp.errors.isEmpty, "\(accepted.serverApp.errors)")
        let info = try #require(accepted.serverHandler.info)
        #expect(info.peerCertificates.map(\.subject) == ["CN=nio client"])
        #expect(info.verification == "client certificate verified (chain and TLS client authentication)")

        let refused = try connect(presenting: Self.stranger, version: version)
        #expect(refused.serverApp.handshakes == 0)
        let serverError = try #require(refused.serverApp.errors.first as? TLSError)
        guard case let .verificationFailed(failure) = serverError else { Issue.record("\(serverError)"); return }
        #expect(failure.peer == .client)
        #expect(failure.certificate?.subject == "CN=nio stranger")
        let clientError = try #require(refused.clientApp.errors.first as? TLSError)
        #expect(clientError.description.hasPrefix("handshake failed: the server refused this side's certificate CN=nio stranger: it does not trust the certificate's issuer (unknown_ca) ["))
    }
}
