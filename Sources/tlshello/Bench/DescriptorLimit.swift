#if canImport(Glibc)
import Glibc
#endif
import SecureSockets

/// The process's open-file limit, raised for runs with many connections.
enum DescriptorLimit {
    /// Raises the soft limit to at least `needed` descriptors, up to the hard limit.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)`` when the hard limit is lower, naming both.
    static func raise(toAtLeast needed: Int) throws(TLSError) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur >= rlim_t(needed) { return }
        if limit.rlim_max < rlim_t(needed) {
            throw .invalidConfiguration("this run needs about \(needed) open files, and the hard limit is \(limit.rlim_max) "
                                        + "(ulimit -Hn; raising it needs root with CAP_SYS_RESOURCE)")
        }
        limit.rlim_cur = rlim_t(needed)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            throw .invalidConfiguration("cannot raise the open-file limit to \(needed): \(String(cString: strerror(errno)))")
        }
    }
}
