import SecureSockets

/// Receives one connection's trace events: prints each as it happens (plain mode), or keeps them
/// for the JSON report.
final class TraceCollector {
    private let options: TraceOptions
    private let json: Bool
    private let prefix: String
    private let printLine: (String) -> Void
    /// The events kept for JSON output (nil when not tracing).
    private(set) var events: [TLSTraceEvent]?

    init(options: TraceOptions, json: Bool, prefix: String, printLine: @escaping (String) -> Void = Console.out) {
        self.options = options
        self.json = json
        self.prefix = prefix
        self.printLine = printLine
        events = options.tracing && json ? [] : nil
    }

    /// The handler to give a session, or nil when not tracing.
    var handler: ((TLSTraceEvent) -> Void)? {
        guard options.tracing else { return nil }
        return { [weak self] event in self?.record(event) }
    }

    private func record(_ event: TLSTraceEvent) {
        if json {
            events?.append(event)
        } else {
            for line in options.lines(for: event) { printLine(prefix + line) }
        }
    }
}
