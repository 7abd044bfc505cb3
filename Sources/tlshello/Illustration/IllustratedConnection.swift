import GnuTLSBackend
import NIOCore
import SecureSockets
import SecureSocketsNIO

/// A server connection whose exchange becomes a page: recording starts before the first byte,
/// and the page is written when the channel closes (on its event loop, after the last record),
/// then reported in one server line (an `illustration` event with `--json`).
enum IllustratedConnection {
    static func record(_ tls: TLSServerHandler, on channel: any Channel, to path: String, connection: Int, log: ServerLog) {
        guard let recorder = ExchangeRecorder.attach(to: tls.session) else { return }
        let bound = NIOLoopBound(recorder, eventLoop: channel.eventLoop)
        let local = channel.localAddress.map(GreetingHandler.describe) ?? "?"
        let peer = channel.remoteAddress.map(GreetingHandler.describe) ?? "?"
        channel.closeFuture.whenComplete { _ in
            if IllustrationWriter.write(bound.value, to: path, local: "server " + local, peer: "client " + peer) {
                log.notice("[#\(connection) \(peer)] illustrated in \(path)", event: "illustration",
                           fields: ["connection": String(connection), "peer": peer, "file": path])
            }
        }
    }
}
