"""The TLS servers compared, each started on 127.0.0.1 (gnutls-serv: in a network namespace of its
own), with what the load generator must do against each.

A `Server` knows its PID (the process whose /proc figures are sampled), its port, the mode the load
generator uses for full handshakes and for resumption, and the prefix that puts the load generator
in its network namespace (`nsenter --net=/proc/PID/ns/net --` for gnutls-serv, nothing otherwise).
"""
import os
import shutil
import sys

from . import procs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GNUTLS_SERV_PORT = 5556  # free by construction: gnutls-serv is alone in its network namespace
LISTEN_DEADLINE = 30.0

GNUTLS_PRIORITY = {None: "NORMAL", "tlsv1.2": "NORMAL:-VERS-ALL:+VERS-TLS1.2", "tlsv1.3": "NORMAL:-VERS-ALL:+VERS-TLS1.3"}
OPENSSL_FLAG = {"tlsv1.2": "-tls1_2", "tlsv1.3": "-tls1_3"}
GREETING = "Hola soy tu cliente"


class ServerKind:
    """What one server program is, and how the load generator talks to it."""

    def __init__(self, key, short, title, hello_mode, message=None, resume=("resume", []), echo=False,
                 holds=True, threads="", tickets=True, open_threads=16):
        self.key = key
        self.short = short  # column/row label
        self.title = title  # one line for the document
        self.hello_mode = hello_mode  # the bench mode for full handshakes: hello or handshake
        self.message = message  # --message for hello (gnutls-serv's echo answers whole lines only)
        self.resume = resume  # (bench mode, extra arguments) for resumed handshakes
        self.echo = echo  # has an echo mode for bulk
        self.holds = holds  # can hold many idle connections at once
        self.threads = threads
        self.tickets = tickets
        self.open_threads = open_threads  # threads of the load generator opening idle connections


KINDS = {
    "tlshello": ServerKind(
        "tlshello", "tlshello", "`tlshello server --quiet` (GnuTLS, SwiftNIO event loops, one per core)",
        "hello", echo=True, threads="one event loop per core"),
    "gnutls-serv": ServerKind(
        "gnutls-serv", "gnutls-serv", "`gnutls-serv --echo` (GnuTLS's own server: select(), one thread)",
        "hello", message=GREETING + "\n", echo=True, threads="one thread",
        open_threads=8),  # its listen backlog is 10: more openers at once make the kernel drop SYNs
    "openssl": ServerKind(
        "openssl", "s_server", "`openssl s_server -quiet` (OpenSSL, one connection at a time)",
        "handshake", resume=("handshake", ["--resume"]), holds=False, threads="one thread, one connection at a time"),
    "python": ServerKind(
        "python", "demo.py", "`interop/python/demo_server.py` (the demo's server in Python 3, `ssl` over OpenSSL, "
        "sequential, listen backlog 10)", "hello", holds=False, threads="one thread, one connection at a time"),
    "nio-ssl": ServerKind(
        "nio-ssl", "nio-ssl", "`nio-ssl-server` (swift-nio-ssl, BoringSSL, SwiftNIO event loops, one per core)",
        "hello", echo=True, threads="one event loop per core"),
}
ORDER = ["tlshello", "gnutls-serv", "openssl", "python", "nio-ssl"]


class Server:
    def __init__(self, kind, proc, port, label, netns=False):
        self.kind = kind
        self.proc = proc
        self.pid = proc.pid
        self.port = port
        self.label = label
        self.netns = netns

    @property
    def key(self):
        return self.kind.key

    def bench_prefix(self):
        """Runs the load generator where the server is: in its network namespace if it has one."""
        return ["nsenter", "--net=/proc/%d/ns/net" % self.pid, "--"] if self.netns else []

    def alive(self):
        return self.proc.running()

    def cpu_ms(self):
        return procs.cpu_milliseconds(self.pid)

    def rss_kib(self):
        return procs.status_kib(self.pid, "VmRSS")

    def exit_note(self):
        """'gnutls-serv killed by SIGABRT (its last line)'."""
        status = self.proc.popen.poll()
        words = self.proc.last_words(1)
        return "%s %s%s" % (self.kind.short, procs.exit_description(status), " (%s)" % words[2:] if words else "")

    def stop(self, grace=5.0):
        return self.proc.stop(grace)


class Launcher:
    """Starts servers from the binaries the run was given."""

    def __init__(self, tlshello, benchmarks_bin, python=sys.executable):
        self.tlshello = tlshello
        self.benchmarks_bin = benchmarks_bin
        self.python = python

    def nio_binary(self):
        return os.path.join(self.benchmarks_bin, "nio-ssl-server") if self.benchmarks_bin else None

    def available(self, key):
        """None when the server can be started, else the reason it cannot."""
        if key == "nio-ssl":
            path = self.nio_binary()
            if not path or not os.access(path, os.X_OK):
                return "nio-ssl-server not built (%s)" % (path or "no --benchmarks-bin")
        needs = {"gnutls-serv": ["gnutls-serv", "unshare", "nsenter", "ip"], "openssl": ["openssl"]}.get(key, [])
        missing = [tool for tool in needs if not shutil.which(tool)]
        if missing:
            return "%s not installed (gnutls-bin, openssl, iproute2, util-linux)" % ", ".join(missing)
        return None

    def start(self, key, cert, key_file, version=None, echo=False, max_connections=19000, more_pairs=()):
        """Starts server `key` with `cert`/`key_file` (tlshello also with `more_pairs`, more
        (certificate, key) identities after the first)."""
        kind = KINDS[key]
        deadline = procs.Deadline(LISTEN_DEADLINE)
        label = "%s%s%s" % (kind.short, " (echo)" if echo else "", " " + version if version else "")
        if key == "tlshello":
            argv = [self.tlshello, "server", "--host", "127.0.0.1", "--port", "0", "--cert", cert, "--key", key_file,
                    "--quiet", "--max-connections", str(max_connections), "--message-timeout", "600",
                    "--handshake-timeout", "60"]
            argv += ["--echo"] if echo else []
            argv += ["--tls-version", version] if version else []
            for more_cert, more_key in more_pairs:
                argv += ["--cert", more_cert, "--key", more_key]
            proc = procs.Proc(label, argv)
            port = self._listening(proc, deadline)
            return Server(kind, proc, port, label)
        if key == "nio-ssl":
            argv = [self.nio_binary(), "--host", "127.0.0.1", "--port", "0", "--cert", cert, "--key", key_file,
                    "--mode", "echo" if echo else "hello"]
            argv += ["--tls-version", version] if version else []
            proc = procs.Proc(label, argv)
            port = self._listening(proc, deadline)
            return Server(kind, proc, port, label)
        if key == "python":
            argv = [self.python, os.path.join(ROOT, "interop", "python", "demo_server.py"), "--host", "127.0.0.1",
                    "--port", "0", "--cert", cert, "--key", key_file]
            argv += ["--tls-version", version] if version else []
            proc = procs.Proc(label, argv)  # its per-client lines are read and dropped by the pump
            port = self._listening(proc, deadline)
            return Server(kind, proc, port, label)
        if key == "openssl":
            # -quiet: no output, and stdin's end is ignored (-ign_eof is its default), so with stdin
            # at /dev/null it serves connection after connection. It prints no ACCEPT line with
            # -quiet: the port is chosen here and a TCP connect tells when it listens.
            port = procs.free_port()
            argv = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", cert, "-key", key_file, "-quiet"]
            argv += [OPENSSL_FLAG[version]] if version else []
            proc = procs.Proc(label, argv)
            try:
                procs.poll_connect("127.0.0.1", port, deadline, proc)
            except procs.Failed:
                proc.stop()
                raise
            return Server(kind, proc, port, label)
        if key == "gnutls-serv":
            # gnutls-serv binds every address: alone in a new network namespace with only its
            # loopback up, those are that loopback. `exec` keeps one PID: unshare execs sh, which
            # execs gnutls-serv, so the PID is gnutls-serv's own (checked below).
            script = ('ip link set lo up && exec gnutls-serv -q --echo --port "$1" --x509certfile "$2" '
                      '--x509keyfile "$3" --priority "$4"')
            argv = ["unshare", "--net", "--", "sh", "-c", script, "sh", str(GNUTLS_SERV_PORT), cert, key_file,
                    GNUTLS_PRIORITY[version]]
            proc = procs.Proc(label, argv)
            try:
                proc.wait_for(r"listening on IPv4 0\.0\.0\.0 port %d\.\.\.done" % GNUTLS_SERV_PORT, deadline,
                              stream="stderr", what="its 'listening on IPv4 … done' line")
                name = procs.process_name(proc.pid)
                if name != "gnutls-serv":
                    raise procs.Failed("PID %d is %r, not gnutls-serv" % (proc.pid, name))
            except procs.Failed:
                proc.stop()
                raise
            return Server(kind, proc, GNUTLS_SERV_PORT, label, netns=True)
        raise ValueError(key)

    @staticmethod
    def _listening(proc, deadline):
        try:
            match = proc.wait_for(r"^listening on \[?[0-9a-fA-F.:]*?\]?:(\d+)", deadline, what="its 'listening on' line")
        except procs.Failed:
            proc.stop()
            raise
        return int(match.group(1))
