"""The HTTP rows of `make bench`: Examples/HelloHTTP's application on GnuTLS (`hello-http`,
TLSServerHandler) and on swift-nio-ssl (`hello-http-nio-ssl`, NIOSSLServerHandler, BoringSSL),
both driven by h2load (nghttp2-client) over HTTP/2, in interleaved rounds.

Two figures, each server in turn in every round:
  established  requests/s over connections already open: `h2load -c C -m M -n N` (the C handshakes
               are a negligible part of N requests)
  connections  new connections/s, each a full handshake and one request: `h2load -c K -n K -m 1`
The server's CPU time comes from /proc/PID/stat around each run, as for the TLS figures.
"""
import os
import re
import shutil
import time

from . import procs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LISTEN_DEADLINE = 30.0

SERVERS = {
    "hello-http": "`Examples/HelloHTTP` `hello-http`: GnuTLS through SecureSocketsNIO's `TLSServerHandler`",
    "hello-http-nio-ssl": "`Benchmarks` `hello-http-nio-ssl`: the same application with swift-nio-ssl's "
                          "`NIOSSLServerHandler` (BoringSSL)",
}
ORDER = ["hello-http", "hello-http-nio-ssl"]
SHORT = {"hello-http": "GnuTLS (hello-http)", "hello-http-nio-ssl": "NIOSSL (hello-http-nio-ssl)"}
FIGURES = ["established", "connections"]


def parse_h2load(text):
    """h2load's summary as a dict, or None when it printed none."""
    out = {}
    match = re.search(r"^finished in ([\d.]+)(m?s), ([\d.]+) req/s, ([\d.]+)([KMG]?B)/s", text, re.MULTILINE)
    if not match:
        return None
    seconds = float(match.group(1)) / (1000.0 if match.group(2) == "ms" else 1.0)
    out["seconds"] = seconds
    out["requestsPerSecond"] = float(match.group(3))
    match = re.search(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                      r"(\d+) errored, (\d+) timeout", text, re.MULTILINE)
    if match:
        keys = ["total", "started", "done", "succeeded", "failed", "errored", "timeout"]
        out["requests"] = dict(zip(keys, (int(g) for g in match.groups())))
    match = re.search(r"^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text, re.MULTILINE)
    if match:
        out["status"] = dict(zip(["2xx", "3xx", "4xx", "5xx"], (int(g) for g in match.groups())))
    for name, pattern in (("tls", r"^TLS Protocol: (\S+)"), ("cipher", r"^Cipher: (\S+)"),
                          ("serverTempKey", r"^Server Temp Key: (.+)$"), ("alpn", r"^Application protocol: (\S+)")):
        found = re.search(pattern, text, re.MULTILINE)
        if found:
            out[name] = found.group(1).strip()
    for name, label in (("request", "time for request"), ("connect", "time for connect"),
                        ("firstByte", "time to 1st byte")):
        found = re.search(r"^%s:\s+(\S+)\s+(\S+)\s+(\S+)" % re.escape(label), text, re.MULTILINE)
        if found:
            out.setdefault("timeMilliseconds", {})[name] = {
                "min": milliseconds(found.group(1)), "max": milliseconds(found.group(2)),
                "mean": milliseconds(found.group(3))}
    return out


def milliseconds(text):
    """h2load's '812us', '1.52ms' or '2.01s' in milliseconds."""
    match = re.match(r"([\d.]+)(us|ms|s)$", text)
    if not match:
        return None
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]


class Servers:
    """Starts the two HelloHTTP servers from their binaries."""

    def __init__(self, hello_http, benchmarks_bin):
        self.paths = {"hello-http": hello_http,
                      "hello-http-nio-ssl": os.path.join(benchmarks_bin, "hello-http-nio-ssl") if benchmarks_bin else None}

    def unavailable(self):
        """{server: why it cannot run}, h2load's absence included (then both)."""
        why = {}
        if not shutil.which("h2load"):
            return {key: "h2load not installed (Debian: nghttp2-client)" for key in ORDER}
        for key in ORDER:
            path = self.paths[key]
            if not path or not os.access(path, os.X_OK):
                why[key] = "%s not built (%s)" % (key, path or "no --benchmarks-bin")
        return why

    def start(self, key, cert, key_file):
        argv = [self.paths[key], "--host", "127.0.0.1", "--port", "0", "--cert", cert, "--key", key_file]
        proc = procs.Proc(key, argv)
        try:
            match = proc.wait_for(r"^listening on 127\.0\.0\.1:(\d+)$", procs.Deadline(LISTEN_DEADLINE),
                                  what="its 'listening on' line")
        except procs.Failed:
            proc.stop()
            raise
        return Server(key, proc, int(match.group(1)))


class Server:
    def __init__(self, key, proc, port):
        self.key = key
        self.proc = proc
        self.pid = proc.pid
        self.port = port

    def alive(self):
        return self.proc.running()

    def exit_note(self):
        return "%s %s%s" % (self.key, procs.exit_description(self.proc.popen.poll()), self.proc.last_words(1))

    def stop(self):
        return self.proc.stop()


def h2load_argv(server, figure, parameters):
    url = "https://127.0.0.1:%d/" % server.port
    if figure == "established":
        return ["h2load", "-t", "1", "-c", str(parameters["connections"]), "-m", str(parameters["streams"]),
                "-n", str(parameters["requests"]), url]
    return ["h2load", "-t", "1", "-c", str(parameters["newConnections"]), "-n", str(parameters["newConnections"]),
            "-m", "1", url]


def run(server, record, figure, parameters):
    """One h2load run against `server`; fills `record` with h2load's summary and the server's CPU."""
    argv = h2load_argv(server, figure, parameters)
    record["argv"] = argv
    if not server.alive():
        record["error"] = "server not running: " + server.exit_note()
        return record
    cpu_before = procs.cpu_milliseconds(server.pid)
    started = time.monotonic()
    proc = procs.Proc("h2load", argv)
    status = None
    try:
        status = proc.wait(procs.Deadline(120))
    except procs.Failed as error:
        record["error"] = str(error)
    finally:
        proc.stop()
    cpu_after = procs.cpu_milliseconds(server.pid)
    record["wallSeconds"] = round(time.monotonic() - started, 3)
    record["exitStatus"] = status
    summary = parse_h2load(proc.stdout)
    if summary:
        record["h2load"] = summary
    done = ((summary or {}).get("status") or {}).get("2xx") or 0
    if cpu_before is not None and cpu_after is not None:
        record["serverCPUMilliseconds"] = round(cpu_after - cpu_before, 1)
        if done:
            record["serverCPUMicrosecondsPerRequest"] = round(1000.0 * (cpu_after - cpu_before) / done, 2)
    expected = parameters["requests"] if figure == "established" else parameters["newConnections"]
    if "error" not in record:
        if status != 0:
            record["error"] = "h2load %s%s" % (procs.exit_description(status), proc.last_words(2))
        elif done != expected:
            record["error"] = "%d of %d requests answered 2xx%s" % (done, expected, proc.last_words(2))
        elif (summary or {}).get("alpn") != "h2":
            record["error"] = "ALPN chose %r, not h2" % (summary or {}).get("alpn")
    if not server.alive():
        record["serverExited"] = server.exit_note()
    return record


def measure(launcher, rounds, parameters, cert, key_file, step, log):
    """Both servers started once, then `rounds` rounds of every figure, each server in turn.
    Returns the section's raw data; `step(text)` reports each run."""
    data = {"servers": {k: SERVERS[k] for k in ORDER}, "parameters": dict(parameters, rounds=rounds, cert=cert),
            "unavailable": launcher.unavailable(), "runs": [], "notes": []}
    keys = [k for k in ORDER if k not in data["unavailable"]]
    for key, why in data["unavailable"].items():
        log("http: not run: %s" % why)
    running = {}
    try:
        for key in keys:
            try:
                running[key] = launcher.start(key, cert, key_file)
            except procs.Failed as error:
                data["unavailable"][key] = "did not start: %s" % error
                log("http: %s did not start: %s" % (key, error))
        for round_ in range(1, rounds + 1):
            for figure in FIGURES:
                for key in ORDER:
                    server = running.get(key)
                    if server is None:
                        continue
                    if not server.alive():
                        note = "%s exited during the run (%s); restarted" % (key, server.exit_note())
                        data["notes"].append(note)
                        server.stop()
                        try:
                            server = running[key] = launcher.start(key, cert, key_file)
                        except procs.Failed as error:
                            del running[key]
                            data["notes"].append("%s did not restart: %s" % (key, error))
                            continue
                    record = {"figure": figure, "server": key, "round": round_}
                    run(server, record, figure, parameters)
                    data["runs"].append(record)
                    step("http %s round %d/%d: %s: %s" % (figure, round_, rounds, SHORT[key], describe(record)))
    finally:
        for server in running.values():
            status = server.stop()
            if status not in (0, None):
                data["notes"].append("%s exited %s when stopped with SIGTERM" % (server.key, procs.exit_description(status)))
    return data


def describe(record):
    h2 = record.get("h2load") or {}
    if record.get("error") or not h2:
        return "FAILED: %s" % (record.get("error") or "no h2load summary")
    text = "%.0f req/s" % h2["requestsPerSecond"]
    if record.get("serverCPUMicrosecondsPerRequest") is not None:
        text += ", server CPU %.1f µs per request" % record["serverCPUMicrosecondsPerRequest"]
    return text + " (%s, %s, %s)" % (h2.get("tls"), h2.get("cipher"), h2.get("alpn"))
