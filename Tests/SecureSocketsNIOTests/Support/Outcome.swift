import NIOCore

/// The result of a future once it completed, read without waiting (an `EmbeddedEventLoop`
/// completes futures as the test drives it).
final class Outcome {
    private(set) var result: Result<Void, any Error>?

    /// An outcome that never completes (nothing was attempted).
    init() {}

    /// Follows `future`.
    init(_ future: EventLoopFuture<Void>) {
        future.assumeIsolated().whenComplete { self.result = $0 }
    }

    /// True once the future succeeded.
    var succeeded: Bool {
        if case .success = result { return true }
        return false
    }

    /// The future's error, once it failed.
    var error: (any Error)? {
        if case let .failure(error) = result { return error }
        return nil
    }

    /// True while the future has not completed.
    var isPending: Bool { result == nil }
}
