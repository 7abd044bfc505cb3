#!/usr/bin/env python3
"""Unit tests of scripts/progress.py (run by `make test-progress`, which `make test` runs)."""
import io
import os
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import progress  # noqa: E402
from progress import REDRAW, Progress  # noqa: E402


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Recording(io.StringIO):
    """A stream that notes each write, for the ticker's test."""

    def __init__(self):
        super().__init__()
        self.writes = threading.Semaphore(0)

    def write(self, text):
        result = super().write(text)
        self.writes.release()
        return result


def make(terminal, total=3, width=80):
    out, status, fake = io.StringIO(), io.StringIO(), FakeClock()
    return Progress(total=total, what="scripts", out=out, status=status, terminal=terminal, clock_=fake, tick=0,
                    width=width), out, status, fake


class PlainLinesTests(unittest.TestCase):
    def test_without_a_terminal_only_the_steps_are_written(self):
        p, out, status, fake = make(terminal=False)
        p.now("tls13-conversation")
        p.count(passed=3)
        fake.now += 7
        p.step("ok tls13-conversation")
        p.line("server default: stopped")
        fake.now += 65
        p.step("ok tls12-conversation")
        p.close()
        self.assertEqual(status.getvalue(), "")
        self.assertEqual(out.getvalue(), "[1/3 0:07] ok tls13-conversation\nserver default: stopped\n"
                                         "[2/3 1:12] ok tls12-conversation\n")

    def test_steps_without_a_total_are_numbered(self):
        p, out, _, _ = make(terminal=False, total=None)
        p.step("first")
        self.assertEqual(out.getvalue(), "[1 0:00] first\n")


class TerminalTests(unittest.TestCase):
    def test_the_status_line_is_redrawn_in_place_and_erased_at_the_end(self):
        p, out, status, fake = make(terminal=True)
        p.now("running a")
        fake.now += 3
        p.count(passed=10, failed=0)
        p.step("ok a")
        p.close()
        text = status.getvalue()
        self.assertTrue(text.startswith(REDRAW))
        self.assertTrue(text.endswith(REDRAW), "the status line is erased at the end: %r" % text)
        self.assertNotIn("\n", text, "the status line never ends a line")
        draws = [d for d in text.split(REDRAW) if d]
        self.assertEqual(draws[0], "0:00 · 0/3 scripts · running a")
        self.assertEqual(draws[1], "0:03 · 0/3 scripts · passed 10 · failed 0 · running a")
        self.assertEqual(draws[-1], "0:03 · 1/3 scripts · passed 10 · failed 0 · running a")
        self.assertEqual(out.getvalue(), "[1/3 0:03] ok a\n")

    def test_a_step_erases_the_status_line_before_its_own_line(self):
        out, status = io.StringIO(), io.StringIO()
        merged = []
        out.write = lambda s: merged.append(("out", s))
        status.write = lambda s: merged.append(("err", s))
        p = Progress(total=2, out=out, status=status, terminal=True, tick=0, width=80, clock_=FakeClock())
        p.now("a")
        p.step("done a")
        kinds = [(k, s) for k, s in merged]
        at = kinds.index(("out", "[1/2 0:00] done a\n"))
        self.assertEqual(kinds[at - 1], ("err", REDRAW), "erased right before the step's line")
        self.assertTrue(kinds[at + 1][1].startswith(REDRAW) and kinds[at + 1][0] == "err", "drawn again after it")
        p.close()
        self.assertEqual(merged[-1], ("err", REDRAW))

    def test_the_status_line_is_cut_to_the_terminal_width(self):
        p, _, status, _ = make(terminal=True, width=30)
        p.now("x" * 100)
        draw = status.getvalue().split(REDRAW)[-1]
        self.assertEqual(len(draw), 29)
        self.assertTrue(draw.endswith("…"))
        p.close()

    def test_close_twice_writes_once(self):
        p, _, status, _ = make(terminal=True)
        p.now("a")
        p.close()
        before = status.getvalue()
        p.close()
        p.now("b")
        self.assertEqual(status.getvalue(), before)

    def test_the_ticker_redraws_while_nothing_else_happens(self):
        status = Recording()
        p = Progress(total=1, out=io.StringIO(), status=status, terminal=True, tick=0.01, width=80)
        try:
            p.now("waiting")
            # The first draw, then at least two from the ticker alone (each within a generous deadline).
            for _ in range(3):
                self.assertTrue(status.writes.acquire(timeout=10), "no redraw within 10 s")
        finally:
            p.close()
        self.assertTrue(status.getvalue().endswith(REDRAW))


class LibFuzzerTests(unittest.TestCase):
    LINES = [
        "INFO: Seed: 1234\n",
        "#2\tINITED cov: 512 ft: 700 corp: 12/3400b exec/s: 0 rss: 45Mb\n",
        "#1024\tpulse  cov: 530 ft: 760 corp: 14/3900b lim: 4096 exec/s: 512 rss: 50Mb\n",
        "#5000\tNEW    cov: 531 ft: 770 corp: 15/4000b lim: 4096 exec/s: 2500 rss: 51Mb L: 100/400 MS: 1 ChangeBit-\n",
        "Done 5000 runs in 2 second(s)\n",
    ]

    def test_status_lines_are_parsed(self):
        status = progress.libfuzzer_status(self.LINES[3])
        self.assertEqual(status["executions"], 5000)
        self.assertEqual(status["event"], "NEW")
        self.assertEqual((status["cov"], status["ft"], status["corp"], status["exec/s"]), ("531", "770", "15/4000b", "2500"))
        self.assertIsNone(progress.libfuzzer_status(self.LINES[0]))
        self.assertIsNone(progress.libfuzzer_status(self.LINES[4]))

    def test_following_copies_every_line_and_shows_the_last_counters(self):
        log, status = io.StringIO(), io.StringIO()
        p = Progress(what="fuzz Greeting (1/1) for 1:00", out=io.StringIO(), status=status, terminal=True, tick=0, width=200,
                     clock_=FakeClock())
        progress.follow_libfuzzer(iter(self.LINES), log, p)
        p.close()
        self.assertEqual(log.getvalue(), "".join(self.LINES))
        draws = [d for d in status.getvalue().split(REDRAW) if d]
        self.assertEqual(draws[-1], "0:00 · fuzz Greeting (1/1) for 1:00 · executions 5,000 · cov 531 · ft 770 "
                                    "· corp 15/4000b · exec/s 2500")


class ClockTests(unittest.TestCase):
    def test_clock(self):
        self.assertEqual(progress.clock(0), "0:00")
        self.assertEqual(progress.clock(7.9), "0:07")
        self.assertEqual(progress.clock(754), "12:34")
        self.assertEqual(progress.clock(3723), "1:02:03")


if __name__ == "__main__":
    unittest.main()
