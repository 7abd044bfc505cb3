import CGnuTLS
import Synchronization

/// Makes one chosen GnuTLS call fail, so that tests can walk every error path of context, session
/// and certificate creation: set it with ``run(_:)``, and the calls made inside (those whose
/// failure is reported, see `gnutlsCall`) are counted, the one numbered ``failingCall`` returning
/// ``code`` without running.
///
/// The plan is a task-local value: it applies to the task (or thread) that runs it and to nothing
/// else, so tests running in parallel do not see each other's plans.
package final class GnuTLSFaultPlan: Sendable {
    /// The 1-based number of the call that fails; nil counts the calls and fails none.
    package let failingCall: Int?
    /// What the failing call returns instead of running.
    package let code: Int32
    private let sites = Mutex<[String]>([])

    /// A plan that fails call number `failingCall` (nil: none) with `code`.
    package init(failingCall: Int?, code: Int32 = GNUTLS_E_MEMORY_ERROR) {
        self.failingCall = failingCall
        self.code = code
    }

    /// Where each call counted so far was made (`File.swift:line`), in order.
    package var calls: [String] { sites.withLock { $0 } }

    /// Runs `body` with this plan in force.
    package func run<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let result = Self.$current.withValue(self) { Result { () throws(E) in try body() } }
        return try result.get()
    }

    /// Counts one call made at `site`; the code it must return instead of running, if it is the one.
    func fault(at site: String) -> Int32? {
        sites.withLock { sites in
            sites.append(site)
            return sites.count == failingCall ? code : nil
        }
    }

    /// The plan in force for the current task, if any.
    @TaskLocal static var current: GnuTLSFaultPlan?
}

/// Runs one GnuTLS call whose failure the caller reports. Under a ``GnuTLSFaultPlan`` (tests) the
/// call may be skipped and fail instead; otherwise this is just `body()`.
@inline(__always)
func gnutlsCall(file: StaticString = #fileID, line: UInt = #line, _ body: () -> Int32) -> Int32 {
    if let plan = GnuTLSFaultPlan.current, let code = plan.fault(at: "\(file):\(line)") { return code }
    return body()
}
