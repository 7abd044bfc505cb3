/// Runs one operation back to back, single-threaded, for a fixed wall-clock time.
struct Stopwatch {
    /// The wall-clock time each item runs for, in seconds.
    let seconds: Double

    /// Runs `operation` once untimed (warm-up), then repeatedly until `seconds` have
    /// passed, reading the monotonic clock after each run.
    func measure(_ name: String, bytesPerOperation: Int? = nil, _ operation: () throws -> Void) rethrows -> Measurement {
        try operation()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .nanoseconds(Int64(seconds * 1_000_000_000)))
        var operations = 0
        var now = start
        repeat {
            try operation()
            operations += 1
            now = clock.now
        } while now < deadline
        let elapsed = start.duration(to: now).components
        let elapsedSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return Measurement(name: name, operations: operations, seconds: elapsedSeconds, bytesPerOperation: bytesPerOperation)
    }
}
