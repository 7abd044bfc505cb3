#if canImport(Glibc)
import Glibc
#endif

/// Where a timed `tlshello bench` run is, on standard error (standard output keeps the report or
/// the JSON). Runs shorter than ``minimumDuration`` show nothing. On a terminal one line is
/// redrawn in place (`\r`, then clear to the end of the line) about once a second and finished
/// with the run's total and a newline; otherwise a plain line at most every tenth of the run (and
/// at least a second apart), so a long run logs about ten lines.
struct BenchProgress {
    /// Runs at least this long (seconds) show progress.
    static let minimumDuration = 2.0

    /// Redraws the line in place: `\r` and ANSI "erase to end of line" (`ESC [ K`).
    static let redraw = "\r\u{1B}[K"

    private let duration: Double
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
        self.what = what
        self.enabled = enabled && duration >= Self.minimumDuration
        self.terminal = terminal
        interval = max(1, (duration / 10).rounded())
        nextPlainLine = interval
    }

    /// The state after `seconds` of the run with `completed` exchanges so far.
    mutating func update(seconds: Double, completed: Int) {
        guard enabled else { return }
        let text = Self.text(seconds: seconds, of: duration, completed: completed, what: what)
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
    mutating func finish(seconds: Double, completed: Int) {
        guard enabled, terminal, drawn else { return }
        Console.raw(Self.redraw + Self.text(seconds: seconds, of: duration, completed: completed, what: "done") + "\n",
                    to: STDERR_FILENO)
        drawn = false
    }

    /// `bench: 3 s of 10, 1234 exchanges (411/s), hello, 16 connections`.
    static func text(seconds: Double, of duration: Double, completed: Int, what: String) -> String {
        let rate = Double(completed) / max(seconds, 0.001)
        return "bench: \(Int(seconds.rounded())) s of \(BenchResult.fixed(duration, duration.rounded() == duration ? 0 : 1)), "
            + "\(completed) exchanges (\(BenchResult.fixed(rate, 0))/s), \(what)"
    }
}
