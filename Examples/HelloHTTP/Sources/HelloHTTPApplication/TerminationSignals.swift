#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SIGINT and SIGTERM, blocked in every thread from creation on and taken synchronously with
/// `sigwait`, so that either ends the server through ``HelloServer/shutdown(grace:)``.
///
/// Create it before any other thread starts (before ``HelloServer``): threads inherit the mask.
public struct TerminationSignals: Sendable {
    /// Blocks SIGINT and SIGTERM in the calling thread and the threads it starts from now on.
    public init() {
        var set = Self.set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits until SIGINT or SIGTERM arrives; returns its name.
    public func wait() -> String {
        var set = Self.set
        var signal: Int32 = 0
        while sigwait(&set, &signal) != 0 {}
        return signal == SIGINT ? "SIGINT" : "SIGTERM"
    }

    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}
