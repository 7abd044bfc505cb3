#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SIGINT and SIGTERM, blocked in every thread from creation on and taken synchronously
/// with `sigwait` by the main thread, so that a signal ends the server cleanly.
///
/// Create it before any other thread starts: threads inherit the signal mask.
struct TerminationSignals {
    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until SIGINT or SIGTERM arrives.
    func wait() {
        var set = self.set
        var signal: Int32 = 0
        while sigwait(&set, &signal) != 0 {}
    }
}
