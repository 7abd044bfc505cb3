import NIOConcurrencyHelpers
import SecureSockets

/// What one worker thread of a bench run counted. The worker owns it while it runs; the progress
/// line reads ``completed`` under the lock; everything else is read after the worker ended.
final class BenchTally: @unchecked Sendable {
    private let lock = NIOLock()
    private var completedCount = 0
    /// Latency of each completed exchange, in nanoseconds.
    var latencies: [UInt64] = []
    /// Failures per stage.
    var failures: [BenchStage: Int] = [:]
    /// The first failure's message per stage.
    var firstErrors: [BenchStage: String] = [:]
    /// Exchanges whose handshake resumed a session.
    var resumed = 0
    /// Application bytes streamed one way (bulk mode).
    var bytes = 0
    /// What the first completed handshake negotiated.
    var info: SessionInfo?
    /// Connections held open (idle mode).
    var held: [TLSSocket] = []

    /// Exchanges completed so far (safe from any thread).
    var completed: Int { lock.withLock { completedCount } }

    /// Counts a completed exchange on `session`, describing the first one.
    func complete(latency: UInt64, session: any TLSSession) {
        latencies.append(latency)
        if session.isResumed { resumed += 1 }
        if info == nil { info = session.info }
        lock.withLock { completedCount += 1 }
    }

    /// Counts a failure at `stage`.
    func fail(_ stage: BenchStage, _ error: TLSError) {
        failures[stage, default: 0] += 1
        if firstErrors[stage] == nil { firstErrors[stage] = error.description }
    }

    /// Failures so far, all stages.
    var failureCount: Int { failures.values.reduce(0, +) }
}
