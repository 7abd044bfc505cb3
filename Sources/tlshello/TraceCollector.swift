import SecureSockets

/// Receives one connection's trace events: prints each as it happens (plain mode), or keeps them
/// for the JSON report; keeps them too for a diagram. Each event is stamped with the time since
/// the connection opened (the collector's creation, or ``restart()``).
final class TraceCollector {
    private let options: TraceOptions
    private let json: Bool
    private let prefix: String
    private let printLine: (String) -> Void
    private let keeping: Bool
    private var opened = ContinuousClock.now
    /// The events kept for JSON output (nil when not tracing).
    private(set) var events: [TLSTraceEvent]?
    /// The events of the current connection, kept when `keeping` (for a diagram).
    private(set) var connectionEvents: [TLSTraceEvent] = []
    /// The current connection's number, counted by ``restart()`` (0 before the first).
    private(set) var connection = 0
    /// This end's address on the current connection, once connected (for a diagram, also of a
    /// handshake that fails); cleared by ``restart()``.
    var localAddress: String?

    init(options: TraceOptions, json: Bool, prefix: String, keeping: Bool = false, printLine: @escaping (String) -> Void = Console.out) {
        self.options = options
        self.json = json
        self.prefix = prefix
        self.keeping = keeping
        self.printLine = printLine
        events = options.tracing && json ? [] : nil
    }

    /// The handler to give a session, or nil when neither tracing nor keeping events.
    var handler: ((TLSTraceEvent) -> Void)? {
        guard options.tracing || keeping else { return nil }
        return { [weak self] event in self?.record(event) }
    }

    /// A new connection opens now: times count from here, and the kept events start afresh.
    func restart() {
        opened = .now
        connectionEvents = []
        localAddress = nil
        connection += 1
    }

    private func record(_ event: TLSTraceEvent) {
        var event = event
        let elapsed = ContinuousClock.now - opened
        // Microseconds are all a loopback exchange can tell apart.
        event.elapsed = ((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 1e6).rounded() / 1e6
        if keeping { connectionEvents.append(event) }
        guard options.tracing else { return }
        if json {
            events?.append(event)
        } else {
            for line in options.lines(for: event) { printLine(prefix + line) }
        }
    }
}
