#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Signals taken synchronously: blocked in every thread and received by one thread with
/// `sigwait`, so none is lost or ignored between start-up and the moment a handler is ready (a
/// signal that arrives early waits, pending, until the waiting thread takes it).
enum SignalWaiter {
    /// Blocks `signals` in the calling thread and in every thread it starts afterwards. Call it
    /// first thing, before any thread exists.
    static func block(_ signals: [Int32]) {
        var set = makeSet(signals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that takes `signals` (blocked beforehand with ``block(_:)``) one by one and
    /// calls `handler` with each, on that thread.
    static func start(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var set = makeSet(signals)
            while true {
                var received: Int32 = 0
                if sigwait(&set, &received) == 0 { handler(received) }
            }
        }
        thread.name = "tlshello signals"
        thread.start()
    }

    /// The name of a signal this program handles.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }

    private static func makeSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
