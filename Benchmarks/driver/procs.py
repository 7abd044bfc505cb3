"""Child processes for the benchmark driver: started here, read by pump threads, stopped by PID.

Nothing here sleeps to synchronise: readiness is a line a process prints (or, for servers that
print none, a TCP connect that succeeds), each wait has a deadline, and every process started is
in RUNNING until it has been stopped, so that `stop_all()` (called from a `finally`) ends them all.
"""
import os
import re
import signal
import socket
import subprocess
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HEAD_BYTES = 256 * 1024  # the beginning of each stream is kept (readiness lines, JSON summaries)
TAIL_BYTES = 64 * 1024  # and its end (last words); the middle of a chatty server's log is dropped

RUNNING = set()
_RUNNING_LOCK = threading.Lock()


class Failed(Exception):
    """A step of the benchmark did not go as expected; the message says why, in one line."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so that every `finally` runs."""


def install_signal_handlers():
    def handler(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
    # Ctrl-C raises KeyboardInterrupt even when started from a shell that ignores SIGINT (`&`).
    signal.signal(signal.SIGINT, signal.default_int_handler)


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())

    def passed(self):
        return self.remaining() == 0.0


class Proc:
    """A child whose stdout and stderr are read as they arrive (head and tail kept)."""

    def __init__(self, name, argv, stdin=subprocess.DEVNULL, cwd=None, env=None):
        self.name = name
        self.argv = list(argv)
        self.changed = threading.Condition()
        self.head = {"stdout": bytearray(), "stderr": bytearray()}
        self.tail = {"stdout": bytearray(), "stderr": bytearray()}
        self.total = {"stdout": 0, "stderr": 0}
        self.closed = {"stdout": False, "stderr": False}
        self.popen = subprocess.Popen(self.argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      cwd=cwd, env=env)
        self.pid = self.popen.pid
        with _RUNNING_LOCK:
            RUNNING.add(self)
        self.pumps = [threading.Thread(target=self._pump, args=(stream,), daemon=True, name="%s %s" % (name, stream))
                      for stream in ("stdout", "stderr")]
        for pump in self.pumps:
            pump.start()

    def _pump(self, stream):
        fd = getattr(self.popen, stream).fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            with self.changed:
                if not chunk:
                    self.closed[stream] = True
                    self.changed.notify_all()
                    return
                head = self.head[stream]
                if len(head) < HEAD_BYTES:
                    room = HEAD_BYTES - len(head)
                    head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    tail = self.tail[stream]
                    tail += chunk
                    if len(tail) > TAIL_BYTES:
                        del tail[: len(tail) - TAIL_BYTES]
                self.total[stream] += len(chunk)
                self.changed.notify_all()

    def text(self, stream):
        """What the stream held: its head, then (if more came) its tail."""
        with self.changed:
            head = bytes(self.head[stream])
            tail = bytes(self.tail[stream])
        if tail:
            return head.decode("utf-8", "replace") + "\n[…]\n" + tail.decode("utf-8", "replace")
        return head.decode("utf-8", "replace")

    @property
    def stdout(self):
        return self.text("stdout")

    @property
    def stderr(self):
        return self.text("stderr")

    def running(self):
        return self.popen.poll() is None

    def wait_for(self, pattern, deadline, stream="stdout", what=None):
        """The first match of `pattern` in the stream, once it has appeared."""
        regex = re.compile(pattern, re.MULTILINE)
        with self.changed:
            while True:
                match = regex.search(self.text(stream))
                if match:
                    return match
                if self.closed[stream]:
                    raise Failed("%s ended without printing %s%s" % (self.name, what or repr(pattern), self.last_words()))
                if deadline.passed():
                    raise Failed("no %s from %s within %gs%s" % (what or repr(pattern), self.name, deadline.seconds,
                                                                 self.last_words()))
                self.changed.wait(min(deadline.remaining(), 1.0))

    def close_stdin(self):
        try:
            if self.popen.stdin:
                self.popen.stdin.close()
        except OSError:
            pass

    def wait(self, deadline):
        """The exit status once the process has ended and its output is read to the end.
        Raises Failed (after stopping it) when the deadline passes first."""
        try:
            status = self.popen.wait(timeout=deadline.remaining())
        except subprocess.TimeoutExpired:
            self.stop()
            raise Failed("%s still running after %gs: stopped%s" % (self.name, deadline.seconds, self.last_words()))
        self._join()
        with _RUNNING_LOCK:
            RUNNING.discard(self)
        return status

    def _join(self):
        for pump in self.pumps:
            pump.join(timeout=5)

    def stop(self, grace=5.0):
        """SIGTERM to this PID; a second SIGTERM after 2 s (a signal sent while a server is still
        arming its handlers can be lost); SIGKILL if it is still running `grace` s later. Idempotent."""
        for signum, wait in ((signal.SIGTERM, min(2.0, grace)), (signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            if self.popen.poll() is not None:
                break
            try:
                os.kill(self.pid, signum)
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
        self.close_stdin()
        self._join()
        with _RUNNING_LOCK:
            RUNNING.discard(self)
        return self.popen.returncode

    def last_words(self, lines=3):
        out = (self.stdout.strip() + "\n" + self.stderr.strip()).strip()
        kept = [line.strip() for line in out.splitlines() if line.strip() and line.strip() != "[…]"]
        return (": " + " | ".join(kept[-lines:])) if kept else ""


def stop_all():
    """Stops every process still running, by PID; signals are ignored meanwhile so that a second
    Ctrl-C cannot leave servers behind."""
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            previous[signum] = signal.signal(signum, signal.SIG_IGN)
        except (ValueError, OSError):
            pass
    try:
        with _RUNNING_LOCK:
            procs = list(RUNNING)
        for proc in procs:
            try:
                proc.stop(grace=3.0)
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def exit_description(status):
    if status is None:
        return "still running"
    if status < 0:
        try:
            return "killed by %s" % signal.Signals(-status).name
        except ValueError:
            return "killed by signal %d" % -status
    return "exit status %d" % status


# ----------------------------------------------------------------------------------------------
# Ports and readiness.

def free_port(host="127.0.0.1"):
    """A TCP port free on `host` right now (for servers that cannot pick one and report it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def poll_connect(host, port, deadline, proc=None, interval=0.02):
    """Waits until a TCP connection to host:port succeeds (the server is listening); fails when the
    deadline passes or `proc` exits first. Each failed attempt is followed by a short wait: this
    polls a condition, with a deadline, for servers that print no line once bound."""
    pause = threading.Event()
    while True:
        try:
            with socket.create_connection((host, port), timeout=max(0.05, min(1.0, deadline.remaining()))):
                return
        except OSError as error:
            last = error
        if proc is not None and not proc.running():
            raise Failed("%s exited (%s) before listening on %s:%d%s"
                         % (proc.name, exit_description(proc.popen.returncode), host, port, proc.last_words()))
        if deadline.passed():
            raise Failed("nothing listening on %s:%d within %gs (%s)" % (host, port, deadline.seconds, last))
        pause.wait(interval)


# ----------------------------------------------------------------------------------------------
# /proc sampling.

def cpu_milliseconds(pid):
    """utime + stime of the process (all its threads), in ms; None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    # fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLOCK_TICKS


def status_kib(pid, key="VmRSS"):
    """A kB field of /proc/PID/status (VmRSS, VmHWM, …); None when the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def process_name(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def open_descriptors(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def wait_until_idle(pid, deadline, interval=0.05, quiet_polls=3):
    """Polls the process's CPU time until it has not moved for `quiet_polls` consecutive polls
    (it has finished the work in flight), or the deadline passes. True when it went idle."""
    pause = threading.Event()
    last = cpu_milliseconds(pid)
    still = 0
    while still < quiet_polls:
        if last is None or deadline.passed():
            return False
        pause.wait(interval)
        now = cpu_milliseconds(pid)
        still = still + 1 if now == last else 0
        last = now
    return True
