import NIOConcurrencyHelpers
import NIOCore

/// The server's accepted connections that are still open, so that a shutdown can ask each one to
/// finish and wait for it.
final class OpenConnections: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())

    /// Tracks `channel` until it closes.
    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { [channels] _ in
            _ = channels.withLockedValue { $0.removeValue(forKey: key) }
        }
    }

    /// The connections open now.
    var all: [any Channel] {
        channels.withLockedValue { Array($0.values) }
    }
}
