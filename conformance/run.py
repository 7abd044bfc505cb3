#!/usr/bin/env python3
"""The conformance run behind `make conformance`: tlsfuzzer's scripts against `tlshello server`.

tlsfuzzer (the conformance and robustness suite GnuTLS, NSS and OpenSSL run in their CI) is not
part of the repository: it is read from --tlsfuzzer (default ../shared/vendor/tlsfuzzer, or the
TLSFUZZER_DIR environment variable) and run by a Python that has tlslite-ng installed (--python).
Each script runs as the module tlsfuzzer._apps.test_<name>, so the sources stay read-only.

Files next to this one:
  scripts.txt             the curated list: script | profiles | arguments | topic
                          (arguments split as a shell would, so a quoted case name is one argument)
  not-applicable.txt      scripts of the topics left out, each with the reason
  expected-failures.txt   script | profile | case | error text | reason: the only failures allowed
                          (error text "(not run)": the case is left out with -e, for the reason)
  retry.txt               script | reason: scripts whose failed cases run again, alone (up to 3 times)

Server profiles (one `tlshello server` each, port 0 on 127.0.0.1):
  default   the secure default (TLS 1.3 and 1.2, AEAD ciphers, ECDHE key exchange)
  tls12     pinned to TLS 1.2 (--tls-version tlsv1.2: GnuTLS's NORMAL set for that version)
  tls13     pinned to TLS 1.3 (--tls-version tlsv1.3)
each in greeting mode (read one message, reply, close_notify); as NAME-echo with --echo (send
back every byte until the client closes), for scripts that send several records of data or expect
their data back; as NAME-notickets with --no-session-tickets, for TLS 1.3 scripts that do not
expect the NewSessionTicket messages a server may send after the handshake.

Every server is started before the scripts and stopped by its PID after them: it must still be
running then and must exit 0 on SIGTERM, otherwise that counts as a failure. Every script runs
with a deadline; its process group is killed when the deadline passes.

Output: a line per script on stdout ([done/total elapsed] and its counts), with a status line
below them on a terminal (standard error: elapsed, scripts done, cases so far, the scripts running;
scripts/progress.py), then docs/conformance.md (one row per script and profile,
the expected failures and the scripts left out with their reasons), ending with the line
'N passed, M failed' that counts tlsfuzzer cases (a case counts once per profile it ran at).
Exit status 1 when any case failed without an entry in expected-failures.txt, an expected
failure passed, a script did not finish, or a server crashed; 2 when the run cannot start (no
tlsfuzzer sources, no tlshello binary, a Python without tlslite, a malformed list).
"""
import argparse
import ast
import concurrent.futures
import datetime
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import progress  # noqa: E402
PROFILES = {
    "default": ("secure default", []),
    "tls12": ("TLS 1.2 pinned", ["--tls-version", "tlsv1.2"]),
    "tls13": ("TLS 1.3 pinned", ["--tls-version", "tlsv1.3"]),
    "default-echo": ("secure default, --echo", ["--echo"]),
    "tls12-echo": ("TLS 1.2 pinned, --echo", ["--tls-version", "tlsv1.2", "--echo"]),
    "tls13-echo": ("TLS 1.3 pinned, --echo", ["--tls-version", "tlsv1.3", "--echo"]),
    "default-notickets": ("secure default, --no-session-tickets", ["--no-session-tickets"]),
    "tls13-notickets": ("TLS 1.3 pinned, --no-session-tickets", ["--tls-version", "tlsv1.3", "--no-session-tickets"]),
}
# In expected-failures.txt, this error text keeps the case from running at all (-e): for a case
# whose outcome depends on timing, in GnuTLS's own server too, so that neither -x nor a rerun fits.
EXCLUDED = "(not run)"
# How many more times the failed cases of a script in retry.txt run, alone.
RETRIES = 3
READY_SECONDS = 30
STOP_SECONDS = 15


class RunError(Exception):
    """The run cannot go on; the message says why."""


def table_rows(path, columns):
    """The '|'-separated rows of one of the list files, comments and blank lines skipped."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.split("|")]
            if len(fields) != columns:
                raise RunError("%s:%d: %d fields separated by '|' expected, %d found"
                               % (os.path.relpath(path, ROOT), number, columns, len(fields)))
            rows.append((number, fields))
    return rows


def module_name(script):
    """test-tls13-hrr -> tlsfuzzer._apps.test_tls13_hrr"""
    return "tlsfuzzer._apps." + script.replace("-", "_")


# ----------------------------------------------------------------------------------------------
# The lists

class Entry:
    """One script to run at some profiles, with its arguments."""

    def __init__(self, script, profiles, arguments, topic):
        self.script = script
        self.profiles = profiles
        self.arguments = arguments
        self.topic = topic


class ExpectedFailure:
    def __init__(self, script, profile, case, error, reason):
        self.script = script
        self.profile = profile
        self.case = case
        self.error = error
        self.reason = reason

    def applies(self, script, profile):
        return self.script == script and self.profile in ("*", profile)


def read_lists(tlsfuzzer):
    entries = []
    for number, (script, profiles, arguments, topic) in table_rows(os.path.join(HERE, "scripts.txt"), 4):
        names = [name.strip() for name in profiles.split(",") if name.strip()]
        unknown = [name for name in names if name not in PROFILES]
        if unknown or not names:
            raise RunError("conformance/scripts.txt:%d: unknown profile %s (known: %s)"
                           % (number, ", ".join(unknown) or "(none)", ", ".join(PROFILES)))
        if not os.path.isfile(os.path.join(tlsfuzzer, "tlsfuzzer", "_apps", script.replace("-", "_") + ".py")):
            raise RunError("conformance/scripts.txt:%d: %s is not a tlsfuzzer script in %s" % (number, script, tlsfuzzer))
        entries.append(Entry(script, names, shlex.split(arguments), topic))
    expected = []
    for number, (script, profile, case, error, reason) in table_rows(os.path.join(HERE, "expected-failures.txt"), 5):
        if profile != "*" and profile not in PROFILES:
            raise RunError("conformance/expected-failures.txt:%d: unknown profile %s" % (number, profile))
        if not reason:
            raise RunError("conformance/expected-failures.txt:%d: an expected failure needs a reason" % number)
        expected.append(ExpectedFailure(script, profile, case, error, reason))
    left_out = [(script, reason) for _, (script, reason) in table_rows(os.path.join(HERE, "not-applicable.txt"), 2)]
    retry = {}
    for number, (script, reason) in table_rows(os.path.join(HERE, "retry.txt"), 2):
        if not reason:
            raise RunError("conformance/retry.txt:%d: a script whose cases are retried needs a reason" % number)
        retry[script] = reason
    return entries, expected, left_out, retry


# ----------------------------------------------------------------------------------------------
# Processes

class Server:
    """`tlshello server` at one profile, on a free loopback port, its output collected."""

    def __init__(self, tlshello, profile, log_dir):
        self.profile = profile
        self.log_path = os.path.join(log_dir, "server-%s.log" % profile)
        open(self.log_path, "wb").close()
        self.log = open(self.log_path, "ab")  # O_APPEND: the server's stderr and its stdout lines interleave
        argv = [tlshello, "server", "--host", "127.0.0.1", "--port", "0", "--quiet"] + PROFILES[profile][1]
        self.popen = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=self.log)
        self.port = None
        self.lines = []
        self.ready = threading.Event()
        self.done = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            self.log.write(raw)
            self.log.flush()
            match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self.ready.set()
        self.done.set()
        self.ready.set()

    def wait_ready(self):
        if not self.ready.wait(READY_SECONDS) or self.port is None:
            self.stop()
            raise RunError("tlshello server (%s) printed no 'listening on' line within %d s: %s"
                           % (self.profile, READY_SECONDS, self.last_words()))

    def last_words(self):
        self.log.flush()
        with open(self.log_path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace").strip()
        lines = [line for line in text.splitlines() if line.strip()]
        return " | ".join(lines[-3:]) if lines else "(no output)"

    def stop(self):
        """SIGTERM to our PID; the problem in one sentence, or None when it ran and exited 0."""
        if self.popen.poll() is not None:
            return "tlshello server (%s) had already ended with status %d: %s" % (
                self.profile, self.popen.returncode, self.last_words())
        os.kill(self.popen.pid, signal.SIGTERM)
        try:
            status = self.popen.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
            return "tlshello server (%s) did not exit within %d s of SIGTERM" % (self.profile, STOP_SECONDS)
        self.done.wait(5)
        if status != 0:
            return "tlshello server (%s) exited with status %d on SIGTERM: %s" % (self.profile, status, self.last_words())
        return None


class Outcome:
    """What one script did at one profile."""

    def __init__(self, entry, profile):
        self.entry = entry
        self.profile = profile
        self.total = self.passed = self.xfail = self.failed = self.xpass = 0
        self.failed_cases = []
        self.xpassed_cases = []
        self.retried = []  # cases that failed once and passed when run again alone
        self.problem = None  # a sentence when the script did not finish normally
        self.seconds = 0.0
        self.log_path = None

    @property
    def clean(self):
        return self.problem is None and self.failed == 0 and self.xpass == 0


def summary_counts(text, outcome):
    counts = {}
    for key in ("TOTAL", "PASS", "XFAIL", "FAIL", "XPASS"):
        found = re.findall(r"^%s: (\d+)$" % key, text, re.M)
        if not found:
            return False
        counts[key] = int(found[-1])
    outcome.total, outcome.passed, outcome.xfail = counts["TOTAL"], counts["PASS"], counts["XFAIL"]
    outcome.failed, outcome.xpass = counts["FAIL"], counts["XPASS"]
    for label, target in (("FAILED", outcome.failed_cases), ("XPASSED", outcome.xpassed_cases)):
        block = re.search(r"^%s:\n((?:\t.*\n?)+)" % label, text, re.M)
        if block:
            for line in block.group(1).splitlines():
                try:
                    target.append(str(ast.literal_eval(line.strip())))
                except (ValueError, SyntaxError):
                    target.append(line.strip())
    return True


CHILDREN = set()  # the scripts running now, stopped by their process group if the run is cut short
CHILDREN_LOCK = threading.Lock()


def stop_children():
    with CHILDREN_LOCK:
        for child in list(CHILDREN):
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_tlsfuzzer(argv, log_path, options):
    """Runs one script to its end or its deadline; (output, problem sentence or None)."""
    env = dict(os.environ, PYTHONPATH=options.tlsfuzzer, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    problem = None
    with open(log_path, "w+b") as log:
        log.write(("$ " + " ".join(repr(arg) if " " in arg else arg for arg in argv) + "\n").encode())
        log.flush()
        child = subprocess.Popen(argv, cwd=options.tlsfuzzer, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, env=env, start_new_session=True)
        with CHILDREN_LOCK:
            CHILDREN.add(child)
        try:
            child.wait(timeout=options.script_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            problem = "did not finish within %d s" % options.script_timeout
        finally:
            with CHILDREN_LOCK:
                CHILDREN.discard(child)
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if problem is None and not re.search(r"^TOTAL: \d+$", text, re.M):
        last = [line for line in text.splitlines() if line.strip()][-1:] or ["(no output)"]
        problem = "ended with status %d and no summary: %s" % (child.returncode, last[0])
    return text, problem


def run_script(entry, profile, port, expected, retry, options):
    outcome = Outcome(entry, profile)
    head = [options.python, "-m", module_name(entry.script), "-h", "127.0.0.1", "-p", str(port)]
    base = head + entry.arguments
    flags = []
    for failure in expected:
        if failure.applies(entry.script, profile):
            if failure.error == EXCLUDED:
                flags += ["-e", failure.case]
            else:
                flags += ["-x", failure.case] + (["-X", failure.error] if failure.error else [])
    # Options before the row's arguments: a script stops reading options at the first case name.
    argv = head + flags + entry.arguments
    outcome.log_path = os.path.join(options.log_dir, "%s-%s.log" % (entry.script, profile))
    start = time.monotonic()
    text, outcome.problem = run_tlsfuzzer(argv, outcome.log_path, options)
    if outcome.problem is None:
        summary_counts(text, outcome)
    for attempt in range(1, RETRIES + 1):
        if outcome.problem is not None or entry.script not in retry or not outcome.failed_cases:
            break
        # The failed cases once more, alone: one that passes now failed by the script's timing.
        again = Outcome(entry, profile)
        retry_log = os.path.join(options.log_dir, "%s-%s-retry%d.log" % (entry.script, profile, attempt))
        text, problem = run_tlsfuzzer(base + outcome.failed_cases, retry_log, options)
        if problem is not None or not summary_counts(text, again):
            break
        passed = [case for case in outcome.failed_cases if case not in again.failed_cases]
        outcome.retried += passed
        outcome.failed_cases = [case for case in outcome.failed_cases if case not in passed]
        outcome.failed -= len(passed)
        outcome.passed += len(passed)
    outcome.seconds = time.monotonic() - start
    return outcome


# ----------------------------------------------------------------------------------------------
# The report

def describe(outcome):
    if outcome.problem:
        return outcome.problem
    notes = []
    if outcome.retried:
        notes.append("passed when run again: " + ", ".join(outcome.retried))
    if outcome.failed_cases:
        notes.append("failed: " + ", ".join(outcome.failed_cases))
    if outcome.xpassed_cases:
        notes.append("expected to fail but passed: " + ", ".join(outcome.xpassed_cases))
    return "; ".join(notes)


def markdown(outcomes, servers_problems, expected, left_out, retry, seconds, counts, options):
    passed, expected_count, failed = counts
    cell = lambda text: text.replace("|", "\\|")
    out = ["# Conformance: tlsfuzzer against tlshello server", ""]
    out.append("Written by `make conformance` (conformance/run.py) on %s, in %s. tlsfuzzer scripts "
               "run as modules from `%s` with tlslite-ng %s; the list is conformance/scripts.txt. "
               "Server profiles: %s. Each server ran on 127.0.0.1, was still "
               "running after its scripts and exited 0 on SIGTERM unless said below."
               % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  duration(seconds), options.tlsfuzzer_label, options.tlslite_version,
                  ", ".join("`%s` (%s)" % (name, PROFILES[name][0]) for name in PROFILES)))
    out += ["", "Counts are tlsfuzzer cases (a script's sanity case runs first and last, so it counts twice); "
            "'expected' are failures listed in conformance/expected-failures.txt, each with its reason below; "
            "'failed' are the rest, and any script that did not finish or server that did not stop cleanly.", ""]
    out.append("| script | topic | profile | passed | failed | expected | time | notes |")
    out.append("|---|---|---|---:|---:|---:|---:|---|")
    for outcome in outcomes:
        out.append("| %s | %s | %s | %d | %d | %d | %.1f s | %s |" % (
            outcome.entry.script, cell(outcome.entry.topic), outcome.profile, outcome.passed,
            outcome.failed + outcome.xpass + (1 if outcome.problem else 0), outcome.xfail, outcome.seconds,
            cell(describe(outcome))))
    if servers_problems:
        out += ["", "## Server problems", ""] + ["- " + problem for problem in servers_problems]
    out += ["", "## Expected failures", ""]
    if expected:
        out.append("| script | profile | case | error the script must report | reason |")
        out.append("|---|---|---|---|---|")
        for failure in expected:
            out.append("| %s | %s | %s | %s | %s |" % (failure.script, failure.profile, cell(failure.case),
                                                   cell(failure.error or "(any error)"), cell(failure.reason)))
    else:
        out.append("None.")
    if retry:
        out += ["", "## Cases run again", "",
                "In these scripts the failed cases run again, alone, up to %d times; the row's notes name "
                "any case that passed only then." % RETRIES, "", "| script | reason |", "|---|---|"]
        for script, reason in sorted(retry.items()):
            out.append("| %s | %s |" % (script, cell(reason)))
    out += ["", "## Scripts left out", ""]
    out.append("| script | reason |")
    out.append("|---|---|")
    for script, reason in left_out:
        out.append("| %s | %s |" % (script, cell(reason)))
    out += ["", "%d expected failures (each listed above with its reason)." % expected_count, "",
            "%d passed, %d failed" % (passed, failed), ""]
    return "\n".join(out)


def duration(seconds):
    minutes, rest = divmod(int(round(seconds)), 60)
    return "%d min %02d s" % (minutes, rest) if minutes else "%d s" % rest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tlshello", default=os.path.join(ROOT, ".build", "release", "tlshello"),
                        help="the tlshello binary (default .build/release/tlshello)")
    parser.add_argument("--python", required=True, help="a Python with tlslite-ng installed")
    parser.add_argument("--tlsfuzzer", default=os.environ.get("TLSFUZZER_DIR") or os.path.join(ROOT, "..", "shared", "vendor", "tlsfuzzer"),
                        help="the tlsfuzzer sources (default $TLSFUZZER_DIR or ../shared/vendor/tlsfuzzer)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "conformance.md"), help="the markdown report")
    parser.add_argument("--log-dir", default=os.path.join(ROOT, ".build-conformance", "logs"),
                        help="where each script's and server's output goes")
    parser.add_argument("--jobs", type=int, default=3, help="scripts run at once (default 3)")
    parser.add_argument("--script-timeout", type=int, default=600, help="seconds one script may run (default 600)")
    parser.add_argument("--only", action="append", default=[], metavar="SCRIPT",
                        help="run only this script (repeatable); the report is then not written")
    options = parser.parse_args()

    options.tlsfuzzer = os.path.abspath(options.tlsfuzzer)
    options.python = os.path.abspath(options.python) if os.sep in options.python else options.python
    if not os.path.isdir(os.path.join(options.tlsfuzzer, "tlsfuzzer", "_apps")):
        print("conformance: no tlsfuzzer sources in %s (set TLSFUZZER_DIR)" % options.tlsfuzzer, file=sys.stderr)
        return 2
    if not os.access(options.tlshello, os.X_OK):
        print("conformance: %s is not an executable (run make release first)" % options.tlshello, file=sys.stderr)
        return 2
    relative = os.path.relpath(options.tlsfuzzer, ROOT)
    options.tlsfuzzer_label = relative if not relative.startswith("../..") else options.tlsfuzzer
    probe = subprocess.run([options.python, "-c", "import tlslite; print(tlslite.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        print("conformance: %s cannot import tlslite (%s); make conformance installs it" % (options.python, last),
              file=sys.stderr)
        return 2
    options.tlslite_version = probe.stdout.strip()
    os.makedirs(options.log_dir, exist_ok=True)

    try:
        entries, expected, left_out, retry = read_lists(options.tlsfuzzer)
    except RunError as error:
        print("conformance: %s" % error, file=sys.stderr)
        return 2
    if options.only:
        unknown = set(options.only) - {entry.script for entry in entries}
        if unknown:
            print("conformance: not in conformance/scripts.txt: %s" % ", ".join(sorted(unknown)), file=sys.stderr)
            return 2
        entries = [entry for entry in entries if entry.script in options.only]

    tasks = [(entry, profile) for entry in entries for profile in entry.profiles]
    needed = [name for name in PROFILES if any(profile == name for _, profile in tasks)]
    start = time.monotonic()
    servers = {}
    status = progress.Progress(total=len(tasks), what="scripts")
    running = set()
    running_lock = threading.Lock()

    def run_one(entry, profile, port):
        with running_lock:
            running.add("%s (%s)" % (entry.script, profile))
            status.now("running " + ", ".join(sorted(running)))
        try:
            return run_script(entry, profile, port, expected, retry, options)
        finally:
            with running_lock:
                running.discard("%s (%s)" % (entry.script, profile))
                status.now("running " + ", ".join(sorted(running)) if running else "")

    try:
        status.now("starting %d server%s" % (len(needed), "" if len(needed) == 1 else "s"))
        for name in needed:
            servers[name] = Server(options.tlshello, name, options.log_dir)
        for name in needed:
            servers[name].wait_ready()
            status.line("server %s: listening on 127.0.0.1:%d" % (name, servers[name].port))

        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            futures = {pool.submit(run_one, entry, profile, servers[profile].port): (entry, profile)
                       for entry, profile in tasks}
            counts = {"passed": 0, "failed": 0, "expected": 0}
            for future in concurrent.futures.as_completed(futures):
                outcome = future.result()
                results[futures[future]] = outcome
                mark = "ok" if outcome.clean else "FAILED"
                counts["passed"] += outcome.passed
                counts["failed"] += outcome.failed + outcome.xpass + (1 if outcome.problem else 0)
                counts["expected"] += outcome.xfail
                status.count(**{"cases passed": counts["passed"], "failed": counts["failed"],
                                "expected": counts["expected"]})
                status.step("%-6s %-40s %-7s %3d passed, %d failed, %d expected (%.1f s)%s" % (
                    mark, outcome.entry.script, outcome.profile, outcome.passed,
                    outcome.failed + outcome.xpass, outcome.xfail, outcome.seconds,
                    (": " + describe(outcome)) if not outcome.clean else ""))
    except RunError as error:
        print("conformance: %s" % error, file=sys.stderr)
        return 1
    finally:
        status.close()
        stop_children()
        server_problems = []
        for name, server in servers.items():
            problem = server.stop()
            if server.port is None:
                continue  # never ready: already reported
            if problem:
                server_problems.append(problem)
                print("FAILED %s" % problem, flush=True)
            else:
                print("server %s: still running after its scripts, exited 0 on SIGTERM" % name, flush=True)

    outcomes = [results[task] for task in tasks]
    seconds = time.monotonic() - start
    passed = sum(outcome.passed for outcome in outcomes)
    expected_count = sum(outcome.xfail for outcome in outcomes)
    failed = (sum(outcome.failed + outcome.xpass + (1 if outcome.problem else 0) for outcome in outcomes)
              + len(server_problems))
    if not options.only:
        with open(options.out, "w", encoding="utf-8") as handle:
            handle.write(markdown(outcomes, server_problems, expected, left_out, retry, seconds,
                                  (passed, expected_count, failed), options))
        print("wrote %s (%s)" % (os.path.relpath(options.out, ROOT), duration(seconds)))
    print("%d expected failures" % expected_count)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
