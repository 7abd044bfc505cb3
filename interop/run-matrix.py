#!/usr/bin/env python3
"""The interop matrix behind `make interop`: tlshello against peers built on other TLS stacks.

Peers (each in both roles, for TLS 1.0, 1.1, 1.2 and 1.3):
  openssl   openssl s_server / s_client (OpenSSL 3)
  gnutls    gnutls-serv / gnutls-cli (GnuTLS's own front ends)
  python    interop/python/demo_server.py / demo_client.py (Python ssl, over OpenSSL)
  tlslite   interop/tlslite/server.py / client.py (tlslite-ng, pure-Python TLS)
  tlshello-openssl  tlshello server / client on its OpenSSL backend (`--backend openssl`, a binary
            built with the package trait OpenSSL, given by --tlshello-openssl): the same front end
            over the other TLS library, against tlshello on GnuTLS

Cases, for every peer and version V:
  tlshello server, same version   the peer's client pinned to V against `tlshello server` pinned to V:
                                  the exchange completes and both sides' texts are exactly the demo's.
  tlshello server, mismatch       the same server then gets the peer's client pinned to another
                                  version W: the client must fail with a version reason, and the
                                  server must log that failure and then serve a client at V again.
  tlshello client, same version   `tlshello client` pinned to V against the peer's server pinned to V.
  tlshello client, mismatch       `tlshello client` pinned to V against the peer's server pinned to W:
                                  the tlshello client must fail with 'no common TLS version'.
and once per peer: `tlshello server` with an ECDSA P-256 chain signed by a test CA made at run time
(certtool), the CA file given to the peer's client so that it verifies the chain and the name.

ALPN rows, for the openssl, gnutls and tlshello-openssl peers at TLS 1.2 and 1.3 (the same four columns):
  tlshello server, same           the peer's client offers http/1.1,h2 to `tlshello server --alpn
                                  h2,http/1.1 --alpn-strict`: the server's order decides, both report h2.
  tlshello server, mismatch       the peer's client offers spdy/3 only: it must get the
                                  no_application_protocol alert (120), the server must log the
                                  refusal, then serve the next client (http/1.1,h2) again.
  tlshello client, same           `tlshello client --alpn http/1.1,h2` against the peer's server
                                  accepting h2,http/1.1: both sides must report the same protocol.
  tlshello client, mismatch       `tlshello client --alpn spdy/3` against the peer's server accepting
                                  only h2 (s_server refuses by itself, gnutls-serv with --alpn-fatal):
                                  the tlshello client must fail with 'no common application protocol'.

Every case has a deadline; every process started is stopped by its PID; everything listens on
127.0.0.1 only. gnutls-serv binds every address, so it runs in a network namespace of its own
(`unshare -n`, only its loopback up) and the tlshello client joins that namespace (`nsenter --net`).

Output: a markdown table (written to docs/interop.md and printed), then the line 'N passed, M failed'.
Exit status 1 when a case that should pass failed or a case that should fail passed.
"""
import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GREETING = "Hola soy tu cliente"
REPLY = "Hola soy tu servidor...."
DEMO_CERT = os.path.join(ROOT, "certs", "diegoUcamCert.pem")
DEMO_KEY = os.path.join(ROOT, "certs", "diegoUcamKey.pem")
VERSIONS = ["tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"]
LABEL = {"tlsv1.0": "TLS 1.0", "tlsv1.1": "TLS 1.1", "tlsv1.2": "TLS 1.2", "tlsv1.3": "TLS 1.3"}
GNUTLS_NAME = {"tlsv1.0": "TLS1.0", "tlsv1.1": "TLS1.1", "tlsv1.2": "TLS1.2", "tlsv1.3": "TLS1.3"}
# The peer's version in the mismatch cases: tlshello stays at V, the peer is pinned to MISMATCH[V]
# (lower for 1.2 and 1.3, higher for 1.0 and 1.1, so both directions are covered).
MISMATCH = {"tlsv1.0": "tlsv1.1", "tlsv1.1": "tlsv1.2", "tlsv1.2": "tlsv1.1", "tlsv1.3": "tlsv1.2"}
LEGACY = ("tlsv1.0", "tlsv1.1")
OPENSSL_FLAG = {"tlsv1.0": "-tls1", "tlsv1.1": "-tls1_1", "tlsv1.2": "-tls1_2", "tlsv1.3": "-tls1_3"}
OPENSSL_LEGACY_CIPHERS = "DEFAULT:@SECLEVEL=0"  # OpenSSL 3 refuses TLS 1.0/1.1 at its default level
GNUTLS_PRIORITY = {v: "NORMAL:-VERS-ALL:+VERS-" + GNUTLS_NAME[v] for v in VERSIONS}
GNUTLS_SERV_PORT = 5556  # free by construction: gnutls-serv is alone in its network namespace
# ALPN rows: the tlshello server's list (its order decides), what clients offer, and a protocol
# that neither side shares.
ALPN_VERSIONS = ["tlsv1.2", "tlsv1.3"]
ALPN_SERVER = ["h2", "http/1.1"]
ALPN_OFFER = ["http/1.1", "h2"]
ALPN_FOREIGN = ["spdy/3"]


class CaseFailed(Exception):
    """The case did not go as expected; the message is the reason shown in the table."""


# ----------------------------------------------------------------------------------------------
# Processes: every child is started here, read by two threads, and stopped by its PID.

RUNNING = set()


class Deadline:
    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(0.0, self.end - time.monotonic())


class Proc:
    """A child process whose stdout and stderr are collected as they arrive."""

    def __init__(self, name, argv, cwd=ROOT):
        self.name = name
        self.argv = argv
        self.popen = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        self.pid = self.popen.pid
        RUNNING.add(self)
        self.data = {"stdout": b"", "stderr": b""}
        self.closed = {"stdout": False, "stderr": False}
        self.changed = threading.Condition()
        for stream in ("stdout", "stderr"):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        pipe = getattr(self.popen, stream)
        while True:
            chunk = os.read(pipe.fileno(), 65536)
            with self.changed:
                if not chunk:
                    self.closed[stream] = True
                else:
                    self.data[stream] += chunk
                self.changed.notify_all()
            if not chunk:
                return

    def text(self, stream):
        with self.changed:
            return self.data[stream].decode("utf-8", "replace")

    @property
    def stdout(self):
        return self.text("stdout")

    @property
    def stderr(self):
        return self.text("stderr")

    def wait_for(self, pattern, deadline, stream="stdout", what=None):
        """The first match of the regex `pattern` in the stream, waiting until it appears."""
        regex = re.compile(pattern)
        with self.changed:
            while True:
                match = regex.search(self.data[stream].decode("utf-8", "replace"))
                if match:
                    return match
                if self.closed[stream]:
                    raise CaseFailed("%s ended without %s%s" % (self.name, what or repr(pattern), self.last_words()))
                if deadline.remaining() == 0:
                    raise CaseFailed("deadline (%gs) passed waiting for %s from %s%s"
                                     % (deadline.seconds, what or repr(pattern), self.name, self.last_words()))
                self.changed.wait(deadline.remaining())

    def send(self, text):
        try:
            self.popen.stdin.write(text.encode("utf-8"))
            self.popen.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise CaseFailed("%s exited before it could be sent %r%s" % (self.name, text, self.last_words()))

    def close_stdin(self):
        try:
            self.popen.stdin.close()
        except BrokenPipeError:
            pass

    def wait(self, deadline):
        """The exit status, once the process ended and its output is read to the end."""
        try:
            status = self.popen.wait(timeout=deadline.remaining())
        except subprocess.TimeoutExpired:
            raise CaseFailed("deadline (%gs) passed waiting for %s to exit%s"
                             % (deadline.seconds, self.name, self.last_words()))
        with self.changed:  # the pipes may still hold the last bytes
            self.changed.wait_for(lambda: all(self.closed.values()), timeout=5)
        RUNNING.discard(self)
        return status

    def stop(self):
        """SIGTERM to our PID, SIGKILL if it has not ended 3 s later. Idempotent."""
        if self.popen.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.popen.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=3)
            except ProcessLookupError:
                pass
        try:
            self.popen.stdin.close()
        except OSError:
            pass
        RUNNING.discard(self)

    def last_words(self):
        """The end of what the process printed, for failure reasons."""
        out = (self.stdout.strip() + "\n" + self.stderr.strip()).strip()
        lines = [line for line in out.splitlines() if line.strip()]
        return (": " + " | ".join(lines[-3:])) if lines else ""


def stop_all():
    for proc in list(RUNNING):
        proc.stop()


def one_line(text, limit=220):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_lines(text):
    objects = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                objects.append(json.loads(line))
            except ValueError:
                pass
    return objects


# ----------------------------------------------------------------------------------------------
# The tlshello side.

class Tlshello:
    def __init__(self, binary, backend=None):
        self.binary = binary
        self.backend = backend  # None: the binary's default (GnuTLS)
        self.backend_arguments = ["--backend", backend] if backend else []

    def start_server(self, version, deadline, cert=DEMO_CERT, key=DEMO_KEY, extra=()):
        argv = [self.binary, "server", "--host", "127.0.0.1", "--port", "0", "--json",
                "--cert", cert, "--key", key] + self.backend_arguments + list(extra)
        if version:
            argv += ["--tls-version", version]
        return TlshelloServer(Proc("tlshello server", argv), deadline)

    def client(self, port, version, deadline, cafile=DEMO_CERT, message=GREETING, netns_of=None, extra=()):
        """Runs `tlshello client`; the JSON object of the exchange, or CaseFailed with its error."""
        argv = [self.binary, "client", "127.0.0.1", "--port", str(port), "--cafile", cafile,
                "--json", "--timeout", "10", "--message", message] + self.backend_arguments + list(extra)
        if version:
            argv += ["--tls-version", version]
        if netns_of is not None:  # join the network namespace of that process (gnutls-serv)
            argv = ["nsenter", "--net=/proc/%d/ns/net" % netns_of.pid, "--"] + argv
        proc = Proc("tlshello client", argv)
        try:
            status = proc.wait(deadline)
        finally:
            proc.stop()
        events = json_lines(proc.stdout)
        errors = [line for line in proc.stderr.splitlines() if line.startswith("tlshello client:")]
        if status == 0 and events and events[-1].get("event") == "exchange":
            return events[-1]
        raise CaseFailed(errors[-1] if errors else "tlshello client exited %d%s" % (status, proc.last_words()))


class TlshelloServer:
    """`tlshello server --json`: its port, and one exchange or failure event per client."""

    def __init__(self, proc, deadline):
        self.proc = proc
        match = proc.wait_for(r'"event":"listening"[^\n]*"port":"(\d+)"', deadline, what="its listening line")
        self.port = int(match.group(1))
        self.clients = 0  # clients sent to this server so far

    def connect(self, client, *args):
        """Runs one peer client against this server, counting it."""
        self.clients += 1
        return client(self.port, *args)

    def event(self, number, deadline):
        """The exchange or failure event of the number-th client (1-based): the server logs one
        per connection, in order, when that connection ends."""
        proc = self.proc
        with proc.changed:
            while True:
                events = [e for e in json_lines(proc.stdout) if e.get("event") in ("exchange", "failure")]
                if len(events) >= number:
                    return events[number - 1]
                if proc.closed["stdout"]:
                    raise CaseFailed("tlshello server ended%s" % proc.last_words())
                if deadline.remaining() == 0:
                    raise CaseFailed("deadline (%gs) passed waiting for the tlshello server to log client #%d"
                                     % (deadline.seconds, number))
                proc.changed.wait(deadline.remaining())

    def expect_exchange(self, deadline, version=None):
        event = self.event(self.clients, deadline)
        if event.get("event") != "exchange":
            raise CaseFailed("tlshello server: " + event.get("reason", json.dumps(event)))
        if event.get("received") != GREETING:
            raise CaseFailed("tlshello server received %r, not %r" % (event.get("received"), GREETING))
        if event.get("sent") != REPLY:
            raise CaseFailed("tlshello server sent %r, not %r" % (event.get("sent"), REPLY))
        negotiated = event.get("negotiated", {})
        if version and negotiated.get("protocolName") != GNUTLS_NAME[version]:
            raise CaseFailed("tlshello server negotiated %s, not %s" % (negotiated.get("protocolName"), GNUTLS_NAME[version]))
        return negotiated

    def expect_failure(self, deadline):
        """The server's log line for the refused client: any failure, shown as it was worded."""
        event = self.event(self.clients, deadline)
        if event.get("event") != "failure":
            raise CaseFailed("tlshello server completed an exchange with a client it should have refused")
        return event.get("reason", "")

    def stop(self):
        self.proc.stop()


def check_client_exchange(event, version, closing=None, sent=GREETING):
    """The tlshello client's JSON exchange: what it sent, the pinned version, verification on."""
    if event.get("sent") != sent:
        raise CaseFailed("tlshello client sent %r, not %r" % (event.get("sent"), sent))
    negotiated = event.get("negotiated", {})
    if version and negotiated.get("protocolName") != GNUTLS_NAME[version]:
        raise CaseFailed("tlshello client negotiated %s, not %s" % (negotiated.get("protocolName"), GNUTLS_NAME[version]))
    if not negotiated.get("verification", "").startswith("verified"):
        raise CaseFailed("tlshello client did not verify the server: %s" % negotiated.get("verification"))
    if closing and closing not in event.get("closing", ""):
        raise CaseFailed("tlshello client saw the connection close as %r" % event.get("closing"))
    return negotiated


def summary(negotiated):
    """'TLS1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' for the table."""
    return "%s, %s" % (negotiated.get("protocolName"), negotiated.get("cipherSuite"))


def check_alpn(event, peer_name, peer_report):
    """A tlshello client's ALPN against what the peer server printed: the same protocol on both
    sides, for the table."""
    agreed = (event.get("alpn") or {}).get("agreed")
    if agreed is None or agreed != peer_report:
        raise CaseFailed("tlshello client agreed on %r, %s on %r" % (agreed, peer_name, peer_report))
    return "ALPN %s on both sides" % agreed


def alpn_arguments(names, flag="-alpn"):
    """`-alpn a,b` (OpenSSL) or `--alpn a --alpn b` (flag '--alpn', GnuTLS)."""
    if names is None:
        return []
    return [flag, ",".join(names)] if flag == "-alpn" else [part for name in names for part in (flag, name)]


# ----------------------------------------------------------------------------------------------
# The peers. Each has a client (the peer connects to a tlshello server) and a server (the tlshello
# client connects to it). `client` returns a short text on success and raises CaseFailed with the
# peer's own words on failure; `server_case` runs one tlshello client against the peer's server.

class OpenSSLPeer:
    name = "openssl"
    title = "OpenSSL 3 `openssl s_client` / `s_server`"
    speaks_alpn = True

    def __init__(self, runner):
        self.runner = runner

    @staticmethod
    def version_arguments(version):
        if not version:
            return []
        return [OPENSSL_FLAG[version]] + (["-cipher", OPENSSL_LEGACY_CIPHERS] if version in LEGACY else [])

    def client(self, port, version, deadline, cafile=DEMO_CERT, alpn=None):
        # -brief: connection facts on stderr, application data alone on stdout. -ign_eof: keep
        # reading after our stdin ends, until the server closes. (-brief does not print the ALPN
        # outcome: the tlshello server's log tells it.)
        proc = Proc("s_client", ["openssl", "s_client", "-brief", "-connect", "127.0.0.1:%d" % port]
                    + self.version_arguments(version)
                    + ["-CAfile", cafile, "-verify_return_error", "-verify_hostname", "localhost",
                       "-servername", "localhost", "-ign_eof"] + alpn_arguments(alpn))
        try:
            try:
                proc.wait_for(r"CONNECTION ESTABLISHED", deadline, stream="stderr", what="CONNECTION ESTABLISHED")
            except CaseFailed:
                status = proc.wait(deadline)
                raise CaseFailed("s_client: " + self.reason(proc.stderr, status))
            proc.send(GREETING)
            proc.close_stdin()
            status = proc.wait(deadline)
            if status != 0:
                raise CaseFailed("s_client exited %d%s" % (status, proc.last_words()))
            if proc.stdout != REPLY:
                raise CaseFailed("s_client received %r, not %r" % (proc.stdout, REPLY))
            if "Verification: OK" not in proc.stderr:
                raise CaseFailed("s_client did not report 'Verification: OK'")
            return re.search(r"Protocol version: (\S+)", proc.stderr).group(1)
        finally:
            proc.stop()

    @staticmethod
    def reason(stderr, status):
        errors = [line for line in stderr.splitlines() if ":error:" in line]
        if errors:  # 40C7...:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:...
            parts = errors[0].split(":")
            if len(parts) > 5:
                alert = re.search(r"SSL alert number \d+", errors[0])
                return parts[5] + (" (%s)" % alert.group(0) if alert else "")
            return errors[0]
        return "exited %d: %s" % (status, one_line(stderr))

    def server_case(self, tlshello, version, peer_version, deadline, expect_ok, alpn=None, client_extra=()):
        proc = Proc("s_server", ["openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
                                 "-cert", DEMO_CERT, "-key", DEMO_KEY] + self.version_arguments(peer_version)
                    + alpn_arguments(alpn))
        try:
            port = int(proc.wait_for(r"ACCEPT 127\.0\.0\.1:(\d+)", deadline, what="its ACCEPT line").group(1))
            if not expect_ok:
                tlshello.client(port, version, deadline, extra=client_extra)
                return "tlshello client completed the exchange"  # caller flags it
            # s_server prints what it receives and sends what it reads on stdin: the reply is fed
            # once the greeting has arrived, as in the demo; the client runs meanwhile.
            result = {}
            thread = threading.Thread(target=self._client_thread, args=(tlshello, port, version, deadline, result, client_extra))
            thread.start()
            try:
                proc.wait_for(re.escape(GREETING), deadline, what="the greeting")
                proc.send(REPLY)
            finally:
                thread.join()
            if "error" in result:
                raise result["error"]
            event = result["event"]
            negotiated = check_client_exchange(event, version, closing="close_notify sent and received")
            if event.get("received") != REPLY:
                raise CaseFailed("tlshello client received %r, not %r" % (event.get("received"), REPLY))
            status = proc.wait(deadline)
            # s_server prints the data as received, then 'DONE' when the client has closed.
            received = [line[: -len("DONE")] for line in proc.stdout.splitlines() if line.endswith("DONE")]
            if received != [GREETING]:
                raise CaseFailed("s_server received %r, not %r" % (received, [GREETING]))
            if status != 0:
                raise CaseFailed("s_server exited %d" % status)
            if alpn is not None:
                selected = re.search(r"ALPN protocols selected: (\S+)", proc.stdout)
                return summary(negotiated) + ", " + check_alpn(event, "s_server", selected and selected.group(1))
            return summary(negotiated)
        finally:
            proc.stop()

    @staticmethod
    def _client_thread(tlshello, port, version, deadline, result, extra=()):
        try:
            result["event"] = tlshello.client(port, version, deadline, extra=extra)
        except CaseFailed as error:
            result["error"] = error


class GnuTLSPeer:
    name = "gnutls"
    title = "GnuTLS `gnutls-cli` / `gnutls-serv`"
    speaks_alpn = True

    def __init__(self, runner):
        self.runner = runner

    @staticmethod
    def priority(version):
        return GNUTLS_PRIORITY[version] if version else "NORMAL"

    def client(self, port, version, deadline, cafile=DEMO_CERT, alpn=None):
        # gnutls-cli stops at end of stdin: the input stays open until the server has closed.
        proc = Proc("gnutls-cli", ["gnutls-cli", "--priority", self.priority(version), "--x509cafile", cafile,
                                   "--verify-hostname", "localhost", "--port", str(port)]
                    + alpn_arguments(alpn, "--alpn") + ["127.0.0.1"])
        try:
            try:
                proc.wait_for(r"- Handshake was completed", deadline, what="'Handshake was completed'")
            except CaseFailed:
                status = proc.wait(deadline)
                raise CaseFailed("gnutls-cli: " + self.reason(proc.stdout + proc.stderr, status))
            proc.send(GREETING)
            status = proc.wait(deadline)  # it exits when the tlshello server closes
            # The reply is printed as received, without a newline: the next message follows it.
            stdout = proc.stdout.replace("- Peer has closed the GnuTLS connection", "\n")
            received = [line for line in stdout.splitlines() if line.strip()]
            if REPLY not in received:
                raise CaseFailed("gnutls-cli printed no line with exactly %r: %r" % (REPLY, received[-3:]))
            if "Peer has closed the GnuTLS connection" not in proc.stdout + proc.stderr:
                raise CaseFailed("gnutls-cli did not see the server's close_notify")
            if "Status: The certificate is trusted." not in proc.stdout:
                raise CaseFailed("gnutls-cli did not report the certificate as trusted")
            description = re.search(r"- Description: (\S+)", proc.stdout)
            text = description.group(1) if description else "ok"
            if alpn is not None:
                chosen = re.search(r"- Application protocol: (\S+)", proc.stdout)
                text += ", ALPN " + (chosen.group(1) if chosen else "none")
            return text
        finally:
            proc.stop()

    @staticmethod
    def reason(text, status):
        for pattern in (r"\*\*\* (?:Fatal error|Handshake has failed|Received alert[^\n]*)[^\n]*",
                        r"Error[^\n]*"):
            found = re.findall(pattern, text)
            if found:
                return "; ".join(dict.fromkeys(one_line(f) for f in found))
        return "exited %d: %s" % (status, one_line(text))

    def server_case(self, tlshello, version, peer_version, deadline, expect_ok, alpn=None, client_extra=(),
                    alpn_fatal=False):
        # gnutls-serv has no option to bind one address: alone in a new network namespace with only
        # its loopback up, 0.0.0.0 and :: are that loopback. The tlshello client joins it with nsenter.
        script = ("ip link set lo up && exec gnutls-serv --echo --x509certfile \"$1\" --x509keyfile \"$2\" --port %d --priority \"$3\""
                  % GNUTLS_SERV_PORT) + "".join(" '%s'" % part for part in alpn_arguments(alpn, "--alpn")) \
            + (" --alpn-fatal" if alpn_fatal else "")
        proc = Proc("gnutls-serv", ["unshare", "--net", "--", "sh", "-c", script, "sh",
                                    DEMO_CERT, DEMO_KEY, self.priority(peer_version)])
        try:
            proc.wait_for(r"listening on IPv4 0\.0\.0\.0 port %d\.\.\.done" % GNUTLS_SERV_PORT, deadline,
                          stream="stderr", what="its 'listening ... done' line")
            # gnutls-serv cannot send a reply of our choosing: in --echo mode it returns each line
            # as it arrived. The client sends the greeting as a line and must get those bytes back.
            line = GREETING + "\n"
            event = tlshello.client(GNUTLS_SERV_PORT, version, deadline, message=line, netns_of=proc, extra=client_extra)
            if not expect_ok:
                return "tlshello client completed the exchange"
            negotiated = check_client_exchange(event, version, sent=line)
            if event.get("received") != line:
                raise CaseFailed("tlshello client sent %r and got back %r" % (line, event.get("received")))
            proc.wait_for(r"- Version: %s" % re.escape(GNUTLS_NAME[version]), deadline, what="its '- Version' line")
            if alpn is not None:
                chosen = proc.wait_for(r"- Application protocol: (\S+)", deadline, what="its '- Application protocol' line")
                return summary(negotiated) + ", " + check_alpn(event, "gnutls-serv", chosen.group(1)) + " (echo)"
            return summary(negotiated) + " (echo)"
        finally:
            proc.stop()


class PythonPeer:
    name = "python"
    title = "the demo's Python 3 port (`ssl`, OpenSSL 3)"

    def __init__(self, runner):
        self.runner = runner
        self.python = sys.executable
        self.demo = os.path.join(ROOT, "interop", "python")

    def client(self, port, version, deadline, cafile=DEMO_CERT):
        argv = [self.python, os.path.join(self.demo, "demo_client.py"), "--host", "127.0.0.1",
                "--port", str(port), "--cafile", cafile]
        if version:
            argv += ["--tls-version", version]
        proc = Proc("demo_client.py", argv)
        try:
            status = proc.wait(deadline)
        finally:
            proc.stop()
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        if status != 0:
            errors = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b", line)]
            raise CaseFailed("demo_client.py: " + (errors[-1] if errors else "exited %d%s" % (status, proc.last_words())))
        expected = ["1.Me conecto al server....", "2.Envio el mensaje: " + GREETING,
                    "3.Recibo el mensaje: " + REPLY, "4.Me desconecto del server"]
        if lines != expected:
            raise CaseFailed("demo_client.py printed %r, not %r" % (lines, expected))
        return "the demo's four lines, exactly"

    def server_case(self, tlshello, version, peer_version, deadline, expect_ok):
        proc = Proc("demo_server.py", [self.python, os.path.join(self.demo, "demo_server.py"), "--host", "127.0.0.1",
                                       "--port", "0", "--once", "--tls-version", peer_version])
        try:
            port = int(proc.wait_for(r"listening on 127\.0\.0\.1:(\d+)", deadline, what="its listening line").group(1))
            event = tlshello.client(port, version, deadline)
            if not expect_ok:
                return "tlshello client completed the exchange"
            # The demo's server closes with shutdown() + close(), never close_notify.
            negotiated = check_client_exchange(event, version, closing="without close_notify")
            if event.get("received") != REPLY:
                raise CaseFailed("tlshello client received %r, not %r" % (event.get("received"), REPLY))
            status = proc.wait(deadline)
            lines = [line for line in proc.stdout.splitlines() if line.strip()]
            if "3.Mensaje recibido desde el cliente:  " + GREETING not in lines:
                raise CaseFailed("demo_server.py did not print the greeting exactly: %r" % lines)
            if status != 0:
                raise CaseFailed("demo_server.py exited %d" % status)
            return summary(negotiated)
        finally:
            proc.stop()


class TlslitePeer:
    name = "tlslite"
    title = "tlslite-ng 0.8.2 (pure Python)"

    def __init__(self, runner):
        self.runner = runner
        self.python = runner.tlslite_python
        self.dir = os.path.join(ROOT, "interop", "tlslite")

    def client(self, port, version, deadline, cafile=DEMO_CERT, pin=None):
        # tlslite-ng cannot validate a chain: the client pins the server's leaf certificate.
        argv = [self.python, os.path.join(self.dir, "client.py"), "--port", str(port), "--pin", pin or cafile]
        if version:
            argv += ["--tls-version", version]
        proc = Proc("tlslite client", argv)
        try:
            status = proc.wait(deadline)
        finally:
            proc.stop()
        lines = proc.stdout.splitlines()
        if status != 0:
            failed = [line for line in lines if line.startswith("failed: ")]
            raise CaseFailed("tlslite client: " + (failed[-1][len("failed: "):] if failed else "exited %d%s" % (status, proc.last_words())))
        if 'received: ' + json.dumps(REPLY) not in lines or 'sent: ' + json.dumps(GREETING) not in lines:
            raise CaseFailed("tlslite client printed %r" % lines)
        return lines[0][len("handshake done: "):]

    def server_case(self, tlshello, version, peer_version, deadline, expect_ok):
        proc = Proc("tlslite server", [self.python, os.path.join(self.dir, "server.py"), "--once",
                                       "--cert", DEMO_CERT, "--key", DEMO_KEY, "--tls-version", peer_version])
        try:
            port = int(proc.wait_for(r"listening on 127\.0\.0\.1:(\d+)", deadline, what="its listening line").group(1))
            event = tlshello.client(port, version, deadline)
            if not expect_ok:
                return "tlshello client completed the exchange"
            negotiated = check_client_exchange(event, version, closing="close_notify sent and received")
            if event.get("received") != REPLY:
                raise CaseFailed("tlshello client received %r, not %r" % (event.get("received"), REPLY))
            status = proc.wait(deadline)
            if "received: " + json.dumps(GREETING) not in proc.stdout.splitlines():
                raise CaseFailed("tlslite server did not receive the greeting exactly%s" % proc.last_words())
            if status != 0:
                raise CaseFailed("tlslite server exited %d%s" % (status, proc.last_words()))
            return summary(negotiated)
        finally:
            proc.stop()


class TlshelloOpenSSLPeer:
    """tlshello itself on its OpenSSL backend, as the peer of tlshello on GnuTLS: the same front end,
    JSON and sentences over the other TLS library, so each side's report can be read against the
    other's."""
    name = "tlshello-openssl"
    title = "tlshello on its OpenSSL backend (`--backend openssl`)"
    speaks_alpn = True

    def __init__(self, runner, binary):
        self.runner = runner
        self.tlshello = Tlshello(os.path.abspath(binary), backend="openssl")

    def client(self, port, version, deadline, cafile=DEMO_CERT, alpn=None):
        extra = ["--alpn", ",".join(alpn)] if alpn is not None else []
        event = self.tlshello.client(port, version, deadline, cafile=cafile, extra=extra)
        negotiated = check_client_exchange(event, version, closing="close_notify sent and received")
        if event.get("received") != REPLY:
            raise CaseFailed("tlshello client (OpenSSL) received %r, not %r" % (event.get("received"), REPLY))
        text = summary(negotiated)
        if alpn is not None:
            text += ", ALPN %s" % (event.get("alpn") or {}).get("agreed")
        return text

    def server_case(self, tlshello, version, peer_version, deadline, expect_ok, alpn=None, client_extra=()):
        extra = ["--alpn", ",".join(alpn), "--alpn-strict"] if alpn is not None else []
        server = self.tlshello.start_server(peer_version, deadline, extra=extra)
        try:
            server.clients += 1
            event = tlshello.client(server.port, version, deadline, extra=client_extra)
            if not expect_ok:
                return "tlshello client completed the exchange"
            negotiated = check_client_exchange(event, version, closing="close_notify sent and received")
            if event.get("received") != REPLY:
                raise CaseFailed("tlshello client received %r, not %r" % (event.get("received"), REPLY))
            served = server.expect_exchange(deadline, peer_version)
            # Both libraries must report the same negotiation in the same words.
            if summary(served) != summary(negotiated):
                raise CaseFailed("tlshello client (GnuTLS) reports %s, tlshello server (OpenSSL) %s"
                                 % (summary(negotiated), summary(served)))
            if alpn is not None:
                return summary(negotiated) + ", " + check_alpn(event, "tlshello server (OpenSSL)", served.get("applicationProtocol"))
            return summary(negotiated) + " on both sides"
        finally:
            server.stop()


# ----------------------------------------------------------------------------------------------
# Clear reasons: what a client must say when the pinned versions do not meet. A peer's client says
# it in its library's words: the alert it received (protocol_version, or handshake_failure when
# the server also shares no cipher suite for the version it could pick) or its own version check.
# A timeout, a crash or a certificate complaint is not a clear reason.

CLEAR_REASON = {
    "openssl": r"alert protocol version|alert handshake failure|unsupported protocol|wrong version number|no protocols available",
    "gnutls": r"protocol version|unsupported version|[Hh]andshake failed",
    "python": r"ALERT_PROTOCOL_VERSION|ALERT_HANDSHAKE_FAILURE|UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER|NO_PROTOCOLS_AVAILABLE",
    "tlslite": r"protocol_version|handshake_failure",
    "tlshello": r"^tlshello client: (no common TLS version|handshake failed: the peer refused the handshake .*: it shares none of the offered versions)",
}
CLEAR_REASON["tlshello-openssl"] = CLEAR_REASON["tlshello"]


# What a client must say when a strict side finds no application protocol in common: the
# no_application_protocol alert (120) in the peer's words, or tlshello's own sentence.
ALPN_REFUSED = {
    "openssl": r"alert no application protocol",
    "gnutls": r"Received alert \[120\]|No supported application protocol",
    "tlshello": r"^tlshello client: no common application protocol \(ALPN\)",
}
ALPN_REFUSED["tlshello-openssl"] = ALPN_REFUSED["tlshello"]


class Result:
    def __init__(self, case, expect_ok, passed, text):
        self.case, self.expect_ok, self.passed, self.text = case, expect_ok, passed, text


class Runner:
    def __init__(self, args):
        self.args = args
        self.tlshello = Tlshello(os.path.abspath(args.tlshello))
        self.tlslite_python = args.tlslite_python
        self.results = {}  # (peer, row, column) -> Result
        self.failures = []

    def record(self, peer, row, column, expect_ok, passed, text):
        result = Result((peer, row, column), expect_ok, passed, text)
        self.results[(peer, row, column)] = result
        mark = "pass" if passed else "FAIL"
        print("  %-4s %-8s %-8s %-34s %s" % (mark, peer, row, column, one_line(text, 160)), file=sys.stderr, flush=True)
        if not passed:
            self.failures.append(result)

    def deadline(self):
        return Deadline(self.args.deadline)

    # tlshello as the server: exchange, mismatch, then the next client.
    def server_role(self, peer, version):
        deadline = self.deadline()
        server = None
        try:
            server = self.tlshello.start_server(version, deadline)
            # 1. same version
            try:
                peer_text = server.connect(peer.client, version, deadline)
                negotiated = server.expect_exchange(deadline, version)
                self.record(peer.name, version, "server-same", True, True, "ok: %s (peer: %s)" % (summary(negotiated), peer_text))
            except CaseFailed as error:
                self.record(peer.name, version, "server-same", True, False, str(error))
            # 2. mismatch, then the next client at V
            deadline = self.deadline()
            other = MISMATCH[version]
            try:
                try:
                    server.connect(peer.client, other, deadline)
                    raise CaseFailed("the %s client pinned to %s completed the exchange" % (peer.name, LABEL[other]))
                except CaseFailed as error:
                    reason = str(error)
                    if reason.startswith("the %s client pinned" % peer.name):
                        raise
                if not re.search(CLEAR_REASON[peer.name], reason):
                    raise CaseFailed("the client failed, but not for the version: " + reason)
                server_reason = server.expect_failure(deadline)
                try:
                    server.connect(peer.client, version, deadline)
                    server.expect_exchange(deadline, version)
                except CaseFailed as error:
                    raise CaseFailed("the next client, after the refused one: %s" % error)
                self.record(peer.name, version, "server-mismatch", False, True,
                            "refused: %s — server logged: %s — next client ok" % (reason, server_reason))
            except CaseFailed as error:
                self.record(peer.name, version, "server-mismatch", False, False, str(error))
        except CaseFailed as error:  # the server did not start
            for column in ("server-same", "server-mismatch"):
                if (peer.name, version, column) not in self.results:
                    self.record(peer.name, version, column, column == "server-same", False, str(error))
        finally:
            if server:
                server.stop()

    # tlshello as the client: exchange, and a peer server pinned to another version.
    def client_role(self, peer, version):
        try:
            text = peer.server_case(self.tlshello, version, version, self.deadline(), True)
            self.record(peer.name, version, "client-same", True, True, "ok: " + text)
        except CaseFailed as error:
            self.record(peer.name, version, "client-same", True, False, str(error))
        other = MISMATCH[version]
        try:
            text = peer.server_case(self.tlshello, version, other, self.deadline(), False)
            self.record(peer.name, version, "client-mismatch", False, False,
                        "tlshello client pinned to %s completed the exchange with a %s server: %s" % (LABEL[version], LABEL[other], text))
        except CaseFailed as error:
            reason = str(error)
            passed = bool(re.search(CLEAR_REASON["tlshello"], reason))
            self.record(peer.name, version, "client-mismatch", False, passed,
                        ("refused: " if passed else "failed for another reason: ") + reason.replace("tlshello client: ", ""))

    # tlshello server with the ECDSA chain, the CA given to the peer's client.
    def chain_case(self, peer, chain):
        deadline = self.deadline()
        server = None
        try:
            server = self.tlshello.start_server(None, deadline, cert=chain["chain"], key=chain["key"])
            if isinstance(peer, TlslitePeer):
                peer_text = server.connect(peer.client, None, deadline, None, chain["leaf"]) + " (leaf pinned)"
            else:
                peer_text = server.connect(peer.client, None, deadline, chain["ca"])
            negotiated = server.expect_exchange(deadline)
            signature = negotiated.get("signatureAlgorithm", "")
            if "ECDSA" not in signature and "ECDSA" not in negotiated.get("keyExchange", ""):
                raise CaseFailed("the server did not sign with its ECDSA key: %s" % json.dumps(negotiated))
            self.record(peer.name, "chain", "server-same", True, True,
                        "ok: %s, signed %s (peer: %s)" % (summary(negotiated), signature, peer_text))
        except CaseFailed as error:
            self.record(peer.name, "chain", "server-same", True, False, str(error))
        finally:
            if server:
                server.stop()


    # ALPN, for the peers whose tools speak it: both roles, agreement and strict refusal.
    def alpn_cases(self, peer, version):
        row = "alpn-" + version
        deadline = self.deadline()
        server = None
        try:
            server = self.tlshello.start_server(version, deadline, extra=["--alpn", ",".join(ALPN_SERVER), "--alpn-strict"])
            try:
                peer_text = server.connect(peer.client, version, deadline, DEMO_CERT, ALPN_OFFER)
                negotiated = server.expect_exchange(deadline, version)
                if negotiated.get("applicationProtocol") != ALPN_SERVER[0]:
                    raise CaseFailed("tlshello server agreed on %r, not %r" % (negotiated.get("applicationProtocol"), ALPN_SERVER[0]))
                if peer.name in ("gnutls", "tlshello-openssl") and not peer_text.endswith("ALPN " + ALPN_SERVER[0]):
                    raise CaseFailed("gnutls-cli reported %s" % peer_text)
                self.record(peer.name, row, "server-same", True, True, "ok: %s, ALPN %s (peer: %s)"
                            % (summary(negotiated), ALPN_SERVER[0], peer_text))
            except CaseFailed as error:
                self.record(peer.name, row, "server-same", True, False, str(error))
            deadline = self.deadline()
            try:
                try:
                    server.connect(peer.client, version, deadline, DEMO_CERT, ALPN_FOREIGN)
                    raise CaseFailed("the %s client offering %s completed the exchange" % (peer.name, ",".join(ALPN_FOREIGN)))
                except CaseFailed as error:
                    reason = str(error)
                    if reason.startswith("the %s client offering" % peer.name):
                        raise
                if not re.search(ALPN_REFUSED[peer.name], reason):
                    raise CaseFailed("the client failed, but not with no_application_protocol: " + reason)
                server_reason = server.expect_failure(deadline)
                if "no common application protocol" not in server_reason:
                    raise CaseFailed("tlshello server logged another reason: " + server_reason)
                try:
                    server.connect(peer.client, version, deadline, DEMO_CERT, ALPN_OFFER)
                    server.expect_exchange(deadline, version)
                except CaseFailed as error:
                    raise CaseFailed("the next client, after the refused one: %s" % error)
                self.record(peer.name, row, "server-mismatch", False, True,
                            "refused: %s — server logged: %s — next client ok" % (reason, server_reason))
            except CaseFailed as error:
                self.record(peer.name, row, "server-mismatch", False, False, str(error))
        except CaseFailed as error:  # the server did not start
            for column in ("server-same", "server-mismatch"):
                if (peer.name, row, column) not in self.results:
                    self.record(peer.name, row, column, column == "server-same", False, str(error))
        finally:
            if server:
                server.stop()
        try:
            text = peer.server_case(self.tlshello, version, version, self.deadline(), True, alpn=ALPN_SERVER,
                                    client_extra=["--alpn", ",".join(ALPN_OFFER)])
            self.record(peer.name, row, "client-same", True, True, "ok: " + text)
        except CaseFailed as error:
            self.record(peer.name, row, "client-same", True, False, str(error))
        try:
            # s_server refuses a client it shares no protocol with; gnutls-serv does with --alpn-fatal.
            strict = {"alpn_fatal": True} if peer.name == "gnutls" else {}
            text = peer.server_case(self.tlshello, version, version, self.deadline(), False, alpn=ALPN_SERVER[:1],
                                    client_extra=["--alpn", ",".join(ALPN_FOREIGN)], **strict)
            self.record(peer.name, row, "client-mismatch", False, False, "tlshello client completed the exchange: " + text)
        except CaseFailed as error:
            reason = str(error)
            passed = bool(re.search(ALPN_REFUSED["tlshello"], reason))
            self.record(peer.name, row, "client-mismatch", False, passed,
                        ("refused: " if passed else "failed for another reason: ") + reason.replace("tlshello client: ", ""))


def make_test_ca(directory):
    """An ECDSA P-256 test CA and a leaf it signs (localhost, 127.0.0.1), with certtool."""
    def certtool(*argv):
        subprocess.run(["certtool"] + list(argv), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)

    path = lambda name: os.path.join(directory, name)
    with open(path("ca.tmpl"), "w") as f:
        f.write('cn = "tlshello interop test CA"\norganization = "tlshello interop"\n'
                "serial = 1\nexpiration_days = 2\nca\ncert_signing_key\ncrl_signing_key\n")
    with open(path("leaf.tmpl"), "w") as f:
        f.write('cn = "localhost"\norganization = "tlshello interop"\nserial = 2\nexpiration_days = 2\n'
                'dns_name = "localhost"\nip_address = "127.0.0.1"\ntls_www_server\nsigning_key\n')
    certtool("--generate-privkey", "--key-type", "ecdsa", "--curve", "secp256r1", "--outfile", path("ca.key"))
    certtool("--generate-self-signed", "--load-privkey", path("ca.key"), "--template", path("ca.tmpl"),
             "--outfile", path("ca.pem"))
    certtool("--generate-privkey", "--key-type", "ecdsa", "--curve", "secp256r1", "--outfile", path("leaf.key"))
    certtool("--generate-certificate", "--load-privkey", path("leaf.key"), "--load-ca-certificate", path("ca.pem"),
             "--load-ca-privkey", path("ca.key"), "--template", path("leaf.tmpl"), "--outfile", path("leaf.pem"))
    with open(path("chain.pem"), "w") as out:
        for name in ("leaf.pem", "ca.pem"):
            with open(path(name)) as f:
                out.write(f.read())
    return {"ca": path("ca.pem"), "leaf": path("leaf.pem"), "chain": path("chain.pem"), "key": path("leaf.key")}


# ----------------------------------------------------------------------------------------------
# The table.

COLUMNS = [
    ("server-same", "tlshello server ← peer client, same version"),
    ("server-mismatch", "tlshello server ← peer client at the other version (must fail), then the next client"),
    ("client-same", "tlshello client → peer server, same version"),
    ("client-mismatch", "tlshello client → peer server at the other version (must fail)"),
]


def cell(result):
    if result is None:
        return "—"
    text = result.text.replace("|", "\\|")
    if result.passed:
        if not result.expect_ok and text.startswith("refused: "):
            return "fails as expected: " + text[len("refused: "):]
        return text
    return "**UNEXPECTED** " + text


def tool_versions(runner):
    def first_line(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not found"
    return [
        ("tlshello's TLS library", first_line([runner.tlshello.binary, "versions"])),
        ("OpenSSL", first_line(["openssl", "version"])),
        ("GnuTLS tools", first_line(["gnutls-cli", "--version"])),
        ("Python", "%s (%s)" % (sys.version.split()[0], first_line([sys.executable, "-c", "import ssl; print(ssl.OPENSSL_VERSION)"]))),
        ("tlslite-ng", first_line([runner.tlslite_python, "-c", "import tlslite; print(tlslite.__version__)"])),
    ] + ([("tlshello's OpenSSL backend", first_line([runner.args.tlshello_openssl, "versions", "--backend", "openssl"]))]
         if runner.args.tlshello_openssl else [])


def render(runner, peers, elapsed):
    out = []
    out.append("# Interop matrix")
    out.append("")
    out.append("Written by `make interop` (`interop/run-matrix.py`) on %s in %.0f s. Every case ran on 127.0.0.1 "
               "with a deadline of %g s; the exchange is the demo's: `%s` from the client, `%s` back."
               % (datetime.date.today().isoformat(), elapsed, runner.args.deadline, GREETING, REPLY))
    out.append("")
    for name, version in tool_versions(runner):
        out.append("- %s: %s" % (name, version))
    out.append("")
    out.append("The other version of each row (mismatch columns): %s. tlshello stays at the row's version; "
               "the peer is pinned to the other one." % ", ".join("%s → %s" % (LABEL[v], LABEL[MISMATCH[v]]) for v in VERSIONS))
    out.append("")
    for peer in peers:
        out.append("## %s" % peer.title)
        out.append("")
        out.append("| version | " + " | ".join(title for _, title in COLUMNS) + " |")
        out.append("|---" * (len(COLUMNS) + 1) + "|")
        alpn_rows = ["alpn-" + v for v in ALPN_VERSIONS] if getattr(peer, "speaks_alpn", False) else []
        for row in VERSIONS + ["chain"] + alpn_rows:
            label = LABEL.get(row) or ("ALPN, " + LABEL[row[len("alpn-"):]] if row.startswith("alpn-") else "ECDSA P-256 chain (test CA)")
            cells = [cell(runner.results.get((peer.name, row, column))) for column, _ in COLUMNS]
            out.append("| %s | %s |" % (label, " | ".join(cells)))
        out.append("")
    out.append("Notes:")
    out.append("")
    out.append("- OpenSSL 3 (s_client, s_server and Python's `ssl`) needs `-cipher 'DEFAULT:@SECLEVEL=0'` "
               "(Python: `set_ciphers('DEFAULT:@SECLEVEL=0')` and `minimum_version`) for TLS 1.0 and 1.1.")
    out.append("- gnutls-serv cannot send a reply of our choosing: in `--echo` mode it returns each line it "
               "receives, so against it the tlshello client sends `%s\\n` and must get the same bytes back. "
               "It also binds every address, so it runs alone in a network namespace (`unshare --net`, loopback up) "
               "that the tlshello client joins with `nsenter --net`." % GREETING)
    out.append("- tlslite-ng cannot validate a certificate chain: its client pins the server's leaf certificate "
               "(SHA-256 fingerprint) instead. A TLS 1.3-only tlslite-ng configuration must drop the brainpool groups.")
    out.append("- The demo's Python server closes without close_notify; the tlshello client reports that and succeeds.")
    out.append("- The ECDSA row: `tlshello server --cert chain.pem --key leaf.key` with no version pin; the chain "
               "(leaf for localhost and 127.0.0.1, then the CA) is made by certtool at run time, and the peer's client "
               "gets the CA file, verification on.")
    out.append("- The ALPN rows (OpenSSL and GnuTLS tools): the peer's client offers `%s` to `tlshello server --alpn %s "
               "--alpn-strict` (the server's order decides), then `%s` alone, which must be refused with the "
               "no_application_protocol alert (120); `tlshello client --alpn %s` against the peer's server accepting "
               "`%s`, then `--alpn %s` against a server accepting only h2, which refuses with the same alert "
               "(`s_server` by itself, `gnutls-serv` with `--alpn-fatal`). OpenSSL's `s_server` picks by its own order; "
               "`gnutls-serv` by the client's. `s_client -brief` does not print the ALPN outcome: the tlshello server's "
               "log gives it."
               % (",".join(ALPN_OFFER), ",".join(ALPN_SERVER), ",".join(ALPN_FOREIGN), ",".join(ALPN_OFFER),
                  ",".join(ALPN_SERVER), ",".join(ALPN_FOREIGN)))
    if any(peer.name == TlshelloOpenSSLPeer.name for peer in peers):
        out.append("- The tlshello-on-OpenSSL table is tlshello against itself over the two libraries: `tlshello` on GnuTLS "
                   "(the default build) in the role the column names, and the same front end built with the package trait "
                   "OpenSSL and run with `--backend openssl` as the peer. A cell passes only when both sides report the "
                   "exchange in the same words (version and cipher suite, from each side's `--json`; ALPN agreed on both), "
                   "both see close_notify, and each version pin and refusal gives tlshello's own sentence on either library. "
                   "The ECDSA row gives the OpenSSL-backend client the test CA file.")
    out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description="tlshello interop matrix")
    parser.add_argument("--tlshello", default=os.path.join(ROOT, ".build", "release", "tlshello"))
    parser.add_argument("--tlslite-python", default=os.path.join(ROOT, ".build-interop", "venv", "bin", "python"),
                        help="a Python with tlslite-ng installed")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "interop.md"))
    parser.add_argument("--deadline", type=float, default=30.0, help="seconds per case")
    parser.add_argument("--peer", action="append", help="run only these peers (default: all)")
    parser.add_argument("--tlshello-openssl", help="a tlshello built with the package trait OpenSSL: adds the "
                        "tlshello-openssl peer (tlshello on its OpenSSL backend against tlshello on GnuTLS)")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    runner = Runner(args)
    all_peers = [OpenSSLPeer(runner), GnuTLSPeer(runner), PythonPeer(runner), TlslitePeer(runner)]
    if args.tlshello_openssl:
        all_peers.append(TlshelloOpenSSLPeer(runner, args.tlshello_openssl))
    else:
        print("no --tlshello-openssl binary: the tlshello-on-OpenSSL rows are left out", file=sys.stderr)
    peers = [p for p in all_peers if not args.peer or p.name in args.peer]
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="tlshello-interop-") as directory:
            chain = make_test_ca(directory)
            for peer in peers:
                print("%s:" % peer.title, file=sys.stderr, flush=True)
                for version in VERSIONS:
                    runner.server_role(peer, version)
                    runner.client_role(peer, version)
                runner.chain_case(peer, chain)
                if getattr(peer, "speaks_alpn", False):
                    for version in ALPN_VERSIONS:
                        runner.alpn_cases(peer, version)
    finally:
        stop_all()
    elapsed = time.monotonic() - started

    table = render(runner, peers, elapsed)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        f.write(table)
    print(table)
    passed = sum(1 for r in runner.results.values() if r.passed)
    failed = len(runner.results) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
