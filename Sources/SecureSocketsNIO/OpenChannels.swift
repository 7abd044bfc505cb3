import NIOConcurrencyHelpers
import NIOCore

/// The connections a ``TLSServer`` accepted that are still open, so that stopping it closes every
/// one of them, including those accepted but never handed to the application (still handshaking,
/// or waiting in NIO's buffer when the accept loop stopped).
final class OpenChannels: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())

    /// Tracks `channel` until it closes.
    func insert(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLockedValue { _ = $0.removeValue(forKey: key) }
        }
    }

    /// Closes every connection still open (gracefully: each ``TLSHandler`` bounds its own close)
    /// and returns when all are closed.
    func closeAll() async {
        let open = channels.withLockedValue { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? await channel.closeFuture.get() }
    }
}
