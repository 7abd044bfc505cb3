#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Logs failures of `accept` on the listening socket (e.g. EMFILE, out of descriptors) at most
/// once a second. It sits after NIO's `AcceptBackoffHandler`, which pauses accepting for a moment
/// instead of spinning, so the server goes on once descriptors are free again.
final class AcceptErrorLogger: ChannelInboundHandler {
    typealias InboundIn = Any

    private let log: ServerLog
    private var lastLogged: NIODeadline = .uptimeNanoseconds(0)

    init(log: ServerLog) {
        self.log = log
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let now = NIODeadline.now()
        guard now - lastLogged >= .seconds(1) else { return }
        lastLogged = now
        let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
        log.notice("accept failed: \(reason); pausing new connections briefly", event: "accept-failed", fields: ["reason": reason])
    }
}
