#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import NIOConcurrencyHelpers
import SecureSockets

/// Runs a ``BenchPlan``: one thread per loop, each with its own ``BenchWorker``, for the plan's
/// duration (or, in idle mode, until the connections are open and the hold ends).
final class LoadGenerator: @unchecked Sendable {
    private let plan: BenchPlan
    private let context: any TLSContext
    private let stopFlag = NIOLockedValueBox(false)
    private var deadline: UInt64 = 0

    init(plan: BenchPlan, context: any TLSContext) {
        self.plan = plan
        self.context = context
    }

    /// Ends the run early (from a signal handler's queue): loops finish their exchange and stop.
    func stop() { stopFlag.withLockedValue { $0 = true } }

    private var stopped: Bool { stopFlag.withLockedValue { $0 } }

    /// Runs the loops for the plan's duration and returns their tallies, the elapsed seconds and
    /// the CPU seconds this process used. `progress` is called about once a second.
    func run(progress: (_ seconds: Double, _ completed: Int) -> Void) -> BenchResult {
        let workers = (0..<plan.connections).map { index in
            BenchWorker(plan: plan, context: context, source: source(for: index))
        }
        let cpuBefore = MonotonicClock.processCPUSeconds()
        let start = MonotonicClock.nanoseconds()
        deadline = start + UInt64(plan.duration * 1e9)
        let finished = DispatchGroup()
        for worker in workers {
            finished.enter()
            let thread = Thread { [self] in
                worker.run { self.stopped || MonotonicClock.nanoseconds() >= self.deadline }
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        while finished.wait(timeout: .now() + .seconds(1)) == .timedOut {
            let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
            progress(elapsed, workers.reduce(0) { $0 + $1.tally.completed })
        }
        let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let cpu = MonotonicClock.processCPUSeconds() - cpuBefore
        return BenchResult(plan: plan, tallies: workers.map(\.tally), seconds: elapsed, cpuSeconds: cpu)
    }

    /// Idle mode: opens the plan's connections over `threads` threads (calling `progress` about
    /// once a second with the seconds so far and the connections open), calls `holding` with the
    /// result, waits for `release`, closes them all, and returns the tallies.
    func hold(threads: Int, progress: (_ seconds: Double, _ opened: Int) -> Void, holding: (BenchResult) -> Void,
              release: () -> Void) -> BenchResult {
        // One worker (and thread) per source address in turn, so each address carries its share.
        var count = min(threads, plan.connections)
        if plan.sources.count > 1 {
            count = max(plan.sources.count, count - count % plan.sources.count)
        }
        let perSource = (0..<count).map { index in
            BenchWorker(plan: plan, context: context, source: source(for: index))
        }
        let cpuBefore = MonotonicClock.processCPUSeconds()
        let start = MonotonicClock.nanoseconds()
        let finished = DispatchGroup()
        for (index, worker) in perSource.enumerated() {
            let share = plan.connections / count + (index < plan.connections % count ? 1 : 0)
            finished.enter()
            let thread = Thread { [self] in
                for _ in 0..<share where !self.stopped { worker.exchange() }
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        while finished.wait(timeout: .now() + .seconds(1)) == .timedOut {
            progress(Double(MonotonicClock.nanoseconds() - start) / 1e9, perSource.reduce(0) { $0 + $1.tally.completed })
        }
        let opened = BenchResult(plan: plan, tallies: perSource.map(\.tally),
                                 seconds: Double(MonotonicClock.nanoseconds() - start) / 1e9,
                                 cpuSeconds: MonotonicClock.processCPUSeconds() - cpuBefore)
        holding(opened)
        release()
        for worker in perSource {
            for socket in worker.tally.held { socket.close() }
            worker.tally.held.removeAll()
        }
        return opened
    }

    /// The source address of loop `index`: the plan's sources in turn, or the system's choice.
    private func source(for index: Int) -> String? {
        plan.sources.isEmpty ? nil : plan.sources[index % plan.sources.count]
    }
}
