import NIOCore

extension TimeAmount {
    /// A duration given in seconds as a `Double`, as ``TLSConfiguration`` gives its timeouts.
    static func interval(seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
