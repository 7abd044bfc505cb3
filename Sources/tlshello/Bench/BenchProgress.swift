#if canImport(Glibc)
import Glibc
#endif

/// Where a `tlshello bench` run is, on standard error (standard output keeps the report or the
/// JSON). A timed run shorter than ``minimumDuration`` shows nothing; idle mode shows the opening
/// of its connections once it has taken that long. On a terminal one line is redrawn in place
/// (`\r`, then clear to the end of the line) about once a second and finished with the totals and a
/// newline; otherwise a plain line at most every tenth of a timed run (and at least a second
/// apart), so a long run logs about ten lines, or every five seconds of an opening.
final class BenchProgress {
    /// Runs at least this long (seconds) show progress.
    static let minimumDuration = 2.0

    /// Redraws the line in place: `\r` and ANSI "erase to end of line" (`ESC [ K`).
    static let redraw = "\r\u{1B}[K"

    private let duration: Double
    /// The connections idle mode opens (nil for a timed run).
    private let opening: Int?
    private let what: String
    private let enabled: Bool
    private let terminal: Bool
    private let interval: Double
    private var nextPlainLine: Double
    private var drawn = false

    /// Progress of a run of `duration` seconds doing `what` (e.g. `hello, 16 connections`);
    /// `enabled` is false for `--no-progress`; `terminal` says whether standard error is one.
    init(duration: Double, what: String, enabled: Bool, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.duration = duration
        opening = nil
        self.what = what
        self.enabled = enabled && duration >= Self.minimumDuration
        self.terminal = terminal
        interval = max(1, (duration / 10).rounded())
        nextPlainLine = interval
    }

    /// Progress of idle mode opening `connections` connections.
    init(opening connections: Int, enabled: Bool, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        duration = 0
        opening = connections
        what = "idle"
        self.enabled = enabled
        self.terminal = terminal
        interval = 5
        nextPlainLine = Self.minimumDuration
    }

    /// The state after `seconds` of the run with `completed` exchanges (connections open) so far.
    func update(seconds: Double, completed: Int) {
        guard enabled, opening == nil || seconds >= Self.minimumDuration else { return }
        let text = self.text(seconds: seconds, completed: completed, what: what)
        if terminal {
            Console.raw(Self.redraw + text, to: STDERR_FILENO)
            drawn = true
        } else if seconds + 0.05 >= nextPlainLine {
            Console.err(text)
            while nextPlainLine <= seconds + 0.05 { nextPlainLine += interval }
        }
    }

    /// Ends the line on a terminal with the run's totals (nothing is left of the earlier states);
    /// writes nothing otherwise.
    func finish(seconds: Double, completed: Int) {
        guard enabled, terminal, drawn else { return }
        Console.raw(Self.redraw + text(seconds: seconds, completed: completed, what: "done") + "\n", to: STDERR_FILENO)
        drawn = false
    }

    /// `bench: 3 s of 10, 1234 exchanges (411/s), hello, 16 connections`, or in idle mode
    /// `bench: 3 s, 2345 of 10000 connections open (782/s), idle`.
    private func text(seconds: Double, completed: Int, what: String) -> String {
        let rate = "(\(BenchResult.fixed(Double(completed) / max(seconds, 0.001), 0))/s)"
        if let opening {
            return "bench: \(Int(seconds.rounded())) s, \(completed) of \(opening) connections open \(rate), \(what)"
        }
        return "bench: \(Int(seconds.rounded())) s of \(BenchResult.fixed(duration, duration.rounded() == duration ? 0 : 1)), "
            + "\(completed) exchanges \(rate), \(what)"
    }
}
