import Foundation
import SecureSockets

/// The outcome of a bench run: the workers' tallies merged into the figures it reports.
struct BenchResult {
    let plan: BenchPlan
    /// Completed exchanges (connections held, in idle mode).
    let exchanges: Int
    /// Wall-clock seconds of the run (of the opening, in idle mode).
    let seconds: Double
    /// CPU seconds the bench process used over the run.
    let cpuSeconds: Double
    /// Exchanges whose handshake resumed a session.
    let resumed: Int
    /// Application bytes streamed one way (bulk).
    let bytes: Int
    /// Failures per stage, and the first message of each.
    let failures: [BenchStage: Int]
    let firstErrors: [BenchStage: String]
    /// Latencies of completed exchanges, sorted, in nanoseconds.
    let latencies: [UInt64]
    /// What the first completed handshake negotiated.
    let info: SessionInfo?

    init(plan: BenchPlan, tallies: [BenchTally], seconds: Double, cpuSeconds: Double) {
        self.plan = plan
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        latencies = tallies.flatMap(\.latencies).sorted()
        exchanges = latencies.count
        resumed = tallies.reduce(0) { $0 + $1.resumed }
        bytes = tallies.reduce(0) { $0 + $1.bytes }
        var failures: [BenchStage: Int] = [:]
        var firstErrors: [BenchStage: String] = [:]
        for tally in tallies {
            for (stage, count) in tally.failures { failures[stage, default: 0] += count }
            for (stage, message) in tally.firstErrors where firstErrors[stage] == nil { firstErrors[stage] = message }
        }
        self.failures = failures
        self.firstErrors = firstErrors
        info = tallies.lazy.compactMap(\.info).first
    }

    /// All failures.
    var failureCount: Int { failures.values.reduce(0, +) }

    /// Completed exchanges per second.
    var rate: Double { seconds > 0 ? Double(exchanges) / seconds : 0 }

    /// The latency at quantile `q` (0...1), in milliseconds: the smallest sample with at least
    /// that share of samples at or below it. Nil without samples.
    func latency(_ q: Double) -> Double? {
        guard !latencies.isEmpty else { return nil }
        let rank = max(1, Int((q * Double(latencies.count)).rounded(.up)))
        return Double(latencies[min(latencies.count, rank) - 1]) / 1e6
    }

    /// The client's CPU per completed exchange, in milliseconds.
    var cpuPerExchange: Double? { exchanges > 0 ? cpuSeconds * 1000 / Double(exchanges) : nil }

    /// Bulk throughput one way, in MB/s (10^6 bytes).
    var megabytesPerSecond: Double? { plan.mode == .bulk && seconds > 0 ? Double(bytes) / seconds / 1e6 : nil }

    /// The JSON summary (`--json`).
    var summary: Summary {
        Summary(
            mode: plan.mode, backend: plan.backend, host: plan.host, port: plan.port, connections: plan.connections,
            seconds: seconds, exchanges: exchanges, exchangesPerSecond: rate, resumed: resumed,
            failures: Dictionary(uniqueKeysWithValues: BenchStage.allCases.map { ($0.rawValue, failures[$0] ?? 0) }),
            firstErrors: Dictionary(uniqueKeysWithValues: firstErrors.map { ($0.key.rawValue, $0.value) }),
            latencyMilliseconds: latencies.isEmpty ? nil : Latency(
                p50: latency(0.5) ?? 0, p90: latency(0.9) ?? 0, p99: latency(0.99) ?? 0, max: latency(1) ?? 0),
            clientCPUMillisecondsPerExchange: cpuPerExchange,
            bytes: plan.mode == .bulk ? bytes : nil, megabytesPerSecond: megabytesPerSecond,
            protocol: info?.protocolName, cipherSuite: info?.cipherSuite, group: info?.group,
            applicationProtocols: plan.applicationProtocols.isEmpty ? nil : plan.applicationProtocols,
            applicationProtocol: info?.applicationProtocol)
    }

    /// The JSON shape of a run.
    struct Summary: Encodable {
        let mode: BenchMode
        /// The TLS library that ran the connections.
        let backend: String
        let host: String
        let port: Int
        let connections: Int
        let seconds: Double
        let exchanges: Int
        let exchangesPerSecond: Double
        let resumed: Int
        let failures: [String: Int]
        let firstErrors: [String: String]
        let latencyMilliseconds: Latency?
        let clientCPUMillisecondsPerExchange: Double?
        let bytes: Int?
        let megabytesPerSecond: Double?
        let `protocol`: String?
        let cipherSuite: String?
        let group: String?
        /// The protocols offered through ALPN (absent without `--alpn`).
        let applicationProtocols: [String]?
        /// The protocol the first completed handshake agreed on through ALPN.
        let applicationProtocol: String?
    }

    /// Latency quantiles in milliseconds.
    struct Latency: Encodable {
        let p50: Double
        let p90: Double
        let p99: Double
        let max: Double
    }

    /// The report in lines, for people.
    var lines: [String] {
        var lines: [String] = []
        var negotiated = info.map { "\($0.protocolName) \($0.cipherSuite)" + ($0.group.map { " (\($0))" } ?? "") } ?? "no handshake completed"
        if let info, !plan.applicationProtocols.isEmpty {
            negotiated += info.applicationProtocol.map { ", ALPN \($0)" } ?? ", no ALPN protocol agreed"
        }
        let noun = plan.mode == .idle ? "connections opened" : "exchanges"
        lines.append("bench \(plan.mode.rawValue) on \(plan.backend) against \(TLSError.hostPort(plan.host, plan.port)), "
                     + "\(plan.connections) connection\(plan.connections == 1 ? "" : "s"): \(negotiated)")
        lines.append("  \(noun)  \(exchanges) in \(Self.fixed(seconds, 2)) s = \(Self.fixed(rate, 1))/s"
                     + (plan.resumes ? ", \(resumed) resumed" : ""))
        if failureCount == 0 {
            lines.append("  failures   none")
        } else {
            for stage in BenchStage.allCases where (failures[stage] ?? 0) > 0 {
                lines.append("  failures   \(stage.rawValue): \(failures[stage] ?? 0) (first: \(firstErrors[stage] ?? "?"))")
            }
        }
        if !latencies.isEmpty {
            let quantiles = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)]
                .map { "\($0.0) \(Self.fixed(latency($0.1) ?? 0, 3)) ms" }.joined(separator: "  ")
            lines.append("  latency    \(quantiles)")
        }
        if let cpuPerExchange { lines.append("  client CPU \(Self.fixed(cpuPerExchange, 3)) ms per exchange") }
        if let megabytesPerSecond {
            lines.append("  bulk       \(Self.fixed(megabytesPerSecond, 1)) MB/s one way (\(plan.bytes) bytes per transfer, echoed and checked)")
        }
        return lines
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
