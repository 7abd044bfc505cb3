#!/usr/bin/env python3
"""Where a long run is (make bench, make conformance, make fuzz), told to a person.

Each finished step is one plain line on standard output, whether or not it is a terminal (what
a log or CI keeps). When standard error is a terminal, a status line below them says, redrawn in
place about once a second: the time elapsed, the steps done of the total, the counters so far and
what runs now. It is drawn with `\\r` and "erase to end of line" (ESC [ K), cut to the terminal's
width so that it never wraps, and erased when the run ends, so nothing of it is left behind. When
standard error is not a terminal there is no status line at all.

As a module:
    progress = Progress(total=40, what="steps")
    progress.now("full handshakes, RSA-2048, TLS 1.2")   # what runs now
    progress.step("… 512/s p50 1.9 ms")                  # one finished step: a plain line
    progress.count(passed=12)                            # counters shown on the status line
    progress.close()

As a filter of libFuzzer's output for scripts/fuzz.sh on a terminal (each line goes to LOG; the
status line follows libFuzzer's "#N … cov: … ft: … corp: … exec/s: …" lines):
    Fuzz … 2>&1 | scripts/progress.py libfuzzer --log LOG --label 'ServerSession (1/6)' --seconds 60
"""
import argparse
import os
import re
import shutil
import sys
import threading
import time

REDRAW = "\r\x1b[K"


def clock(seconds):
    """`0:07`, `12:34`, `1:02:03`."""
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    if hours:
        return "%d:%02d:%02d" % (hours, rest // 60, rest % 60)
    return "%d:%02d" % (rest // 60, rest % 60)


def is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Plain lines for finished steps; on a terminal, a status line redrawn in place."""

    def __init__(self, total=None, what="steps", out=None, status=None, terminal=None, clock_=time.monotonic,
                 tick=1.0, width=None):
        self.total = total
        self.what = what
        self.out = out if out is not None else sys.stdout
        self.status = status if status is not None else sys.stderr
        self.terminal = is_terminal(self.status) if terminal is None else terminal
        self.clock = clock_
        self.started = clock_()
        self.done = 0
        self.current = ""
        self.counters = {}
        self.width = width
        self.lock = threading.RLock()
        self.drawn = False
        self.closed = False
        self.ticker = None
        if self.terminal and tick:
            self.ticker = threading.Thread(target=self._tick, args=(tick,), daemon=True)
            self.stop = threading.Event()
            self.ticker.start()

    # -- what the caller says ---------------------------------------------------------------

    def now(self, text):
        """What runs now (shown on the status line only)."""
        with self.lock:
            self.current = text
            self._draw()

    def count(self, **counters):
        """Sets counters shown on the status line (e.g. passed=12, failed=0)."""
        with self.lock:
            self.counters.update(counters)
            self._draw()

    def step(self, text):
        """One finished step: `[  3/40 0:12] text` on standard output."""
        with self.lock:
            self.done += 1
            if self.total:
                width = len(str(self.total))
                prefix = "[%*d/%d %s]" % (width, self.done, self.total, clock(self.elapsed()))
            else:
                prefix = "[%d %s]" % (self.done, clock(self.elapsed()))
            self.line("%s %s" % (prefix, text))

    def line(self, text):
        """A plain line on standard output that is not a step (a phase starting, a note)."""
        with self.lock:
            self._erase()
            self.out.write(text + "\n")
            self.out.flush()
            self._draw()

    def close(self):
        """Erases the status line; the run's own last lines follow on a clean line."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            self._erase()
        if self.ticker is not None:
            self.stop.set()
            self.ticker.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the status line ----------------------------------------------------------------------

    def elapsed(self):
        return self.clock() - self.started

    def text(self):
        """The status line: `0:12 · 3/40 scripts · passed 812 · what runs now`."""
        parts = [clock(self.elapsed())]
        if self.total:
            parts.append("%d/%d %s" % (self.done, self.total, self.what))
        elif self.done:
            parts.append("%d %s" % (self.done, self.what))
        elif self.what:
            parts.append(self.what)
        parts += ["%s %s" % (name, value) for name, value in self.counters.items()]
        if self.current:
            parts.append(self.current)
        return " · ".join(parts)

    def _columns(self):
        if self.width:
            return self.width
        try:
            columns = os.get_terminal_size(self.status.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = shutil.get_terminal_size().columns
        return columns if columns > 0 else 80  # a pseudo-terminal without a size says 0

    def _draw(self):
        if not self.terminal or self.closed:
            return
        text = self.text()
        limit = max(10, self._columns() - 1)
        if len(text) > limit:
            text = text[:limit - 1] + "…"
        self.out.flush()
        self.status.write(REDRAW + text)
        self.status.flush()
        self.drawn = True

    def _erase(self):
        if self.terminal and self.drawn:
            self.status.write(REDRAW)
            self.status.flush()
            self.drawn = False

    def _tick(self, seconds):
        while not self.stop.wait(seconds):
            with self.lock:
                self._draw()


# ----------------------------------------------------------------------------------------------
# libFuzzer's status lines (scripts/fuzz.sh)

LIBFUZZER_STATUS = re.compile(r"^#(\d+)\s+(\w+)\b(.*)$")
LIBFUZZER_FIELD = re.compile(r"\b(cov|ft|corp|exec/s|rss):\s*(\S+)")


def libfuzzer_status(line):
    """`{'executions': 1234, 'event': 'NEW', 'cov': '812', 'ft': '1790', 'corp': '64/5125b', …}` for
    one of libFuzzer's status lines (`#1234 NEW cov: 812 ft: 1790 corp: 64/5125b …`), else None."""
    match = LIBFUZZER_STATUS.match(line.strip())
    if not match:
        return None
    status = {"executions": int(match.group(1)), "event": match.group(2)}
    for name, value in LIBFUZZER_FIELD.findall(match.group(3)):
        status[name] = value
    return status


def follow_libfuzzer(lines, log, progress):
    """Copies libFuzzer's output to `log` and shows its latest counters on the status line."""
    for line in lines:
        log.write(line)
        status = libfuzzer_status(line)
        if status is None:
            continue
        counters = {"executions": "{:,}".format(status["executions"])}
        for name in ("cov", "ft", "corp", "exec/s"):
            if name in status:
                counters[name] = status[name]
        progress.count(**counters)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Progress of a long run (see the module's text).")
    sub = parser.add_subparsers(dest="command", required=True)
    fuzz = sub.add_parser("libfuzzer", help="follow libFuzzer's output on standard input")
    fuzz.add_argument("--log", required=True, help="where libFuzzer's output is copied")
    fuzz.add_argument("--label", required=True, help="what runs, e.g. 'ServerSession (1/6)'")
    fuzz.add_argument("--seconds", type=int, default=0, help="the run's length, for the status line")
    args = parser.parse_args(argv)
    progress = Progress(what="fuzz %s%s" % (args.label, " for %s" % clock(args.seconds) if args.seconds else ""))
    sys.stdin.reconfigure(errors="replace")
    try:
        with open(args.log, "w", encoding="utf-8", errors="replace") as log:
            follow_libfuzzer(sys.stdin, log, progress)
    except KeyboardInterrupt:
        return 130
    finally:
        progress.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
