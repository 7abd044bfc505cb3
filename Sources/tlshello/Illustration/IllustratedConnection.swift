import GnuTLSBackend
import NIOCore
import SecureSockets
import SecureSocketsNIO

/// A server connection whose exchange becomes a page: recording starts before the first byte,
/// and the page is written when the channel closes (on its event loop, after the last record).
enum IllustratedConnection {
    static func record(_ tls: TLSServerHandler, on channel: any Channel, to path: String) {
        guard let recorder = ExchangeRecorder.attach(to: tls.session) else { return }
        let bound = NIOLoopBound(recorder, eventLoop: channel.eventLoop)
        let local = channel.localAddress.map(GreetingHandler.describe) ?? "?"
        let peer = channel.remoteAddress.map(GreetingHandler.describe) ?? "?"
        channel.closeFuture.whenComplete { _ in
            IllustrationWriter.write(bound.value, to: path, local: "server " + local, peer: "client " + peer)
        }
    }
}
