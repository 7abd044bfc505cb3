#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers

/// SIGINT and SIGTERM end a bench run early (its report is still printed); a second one exits at
/// once. Also the hold of idle mode: until a signal, a deadline, or the end of piped input.
/// The signals must have been blocked with ``SignalWaiter/block(_:)`` before any thread started.
final class StopSignals: @unchecked Sendable {
    private let released = DispatchSemaphore(value: 0)

    /// Starts taking the signals; `stop` runs on the first.
    init(stop: @escaping @Sendable () -> Void) {
        let released = self.released
        let count = NIOLockedValueBox(0)
        SignalWaiter.start([SIGINT, SIGTERM]) { _ in
            let seen = count.withLockedValue { value -> Int in
                value += 1
                return value
            }
            if seen > 1 { exit(130) }
            stop()
            released.signal()
        }
    }

    /// Blocks until a signal arrives, `seconds` pass, or (when asked and standard input is a
    /// pipe) standard input reaches its end.
    func wait(seconds: Double, orEndOfPipeInput watchInput: Bool) {
        if watchInput && Self.standardInputIsPipe {
            let released = self.released
            let reader = DispatchQueue(label: "tlshello.bench.stdin")
            reader.async {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) > 0 {}
                released.signal()
            }
        }
        _ = released.wait(timeout: .now() + .milliseconds(Int(seconds * 1000)))
    }

    private static var standardInputIsPipe: Bool {
        var status = stat()
        return fstat(STDIN_FILENO, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
    }
}
