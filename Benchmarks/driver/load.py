"""Runs of the load generator (`tlshello bench`) against one server, with the server's CPU time
(/proc/PID/stat) around each run and its resident memory (/proc/PID/status) while idle connections
are held."""
import json
import re
import subprocess
import time

from . import procs


def parse_summary(text):
    """The bench's final JSON object (the last line that is one with 'exchangesPerSecond'), or its
    error object, or None."""
    error = None
    for line in reversed(text.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "exchangesPerSecond" in value:
            return value
        if isinstance(value, dict) and value.get("event") == "error" and error is None:
            error = value
    return error


def bench_error(proc, status):
    """One line: why a bench run failed."""
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip().startswith("tlshello bench:")]
    if lines:
        return lines[-1]
    return "tlshello bench %s%s" % (procs.exit_description(status), proc.last_words(2))


def client_priorities(tlshello):
    """The load generator's priority string per version: tlshello's secure default (its cipher and
    group preferences: AES-128-GCM, X25519 first) limited to that version. A version pin
    (`--tls-version`) would use GnuTLS's NORMAL order instead (AES-256-GCM, P-256 first)."""
    out = subprocess.run([tlshello, "versions"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"(NORMAL:-VERS-ALL:\+VERS-TLS1\.3:\+VERS-TLS1\.2\S*)", out)
    if not match:
        return {}
    default = match.group(1)
    return {"tlsv1.3": default.replace("+VERS-TLS1.3:+VERS-TLS1.2", "+VERS-TLS1.3"),
            "tlsv1.2": default.replace("+VERS-TLS1.3:+VERS-TLS1.2", "+VERS-TLS1.2")}


class LoadGenerator:
    def __init__(self, tlshello):
        self.tlshello = tlshello
        self.priorities = client_priorities(tlshello)

    def version_args(self, version, priority_append=""):
        """The bench options that limit the client to `version`, with tlshello's default preferences
        (and `priority_append` added to them, e.g. a narrower list of signature algorithms)."""
        if not version:
            return []
        if version in self.priorities:
            return ["--priority", self.priorities[version] + priority_append]
        if priority_append:
            return ["--priority", "NORMAL:-VERS-ALL:+VERS-TLS%s%s" % (version[4:], priority_append)]
        return ["--tls-version", version]

    def argv(self, server, mode, connections, duration, version, cafile, message=None, extra=(), priority_append=""):
        argv = server.bench_prefix() + [
            self.tlshello, "bench", "127.0.0.1", "--port", str(server.port), "--mode", mode,
            "--connections", str(connections), "--duration", "%g" % duration, "--json"]
        if cafile:
            argv += ["--cafile", cafile]
        argv += self.version_args(version, priority_append)
        if message is not None and mode in ("hello", "resume"):
            argv += ["--message", message]
        return argv + list(extra)

    def run(self, server, record, mode, connections, duration, version, cafile, message=None, extra=(), priority_append=""):
        """One timed run; fills `record` (a dict) with the bench summary and the server's CPU."""
        argv = self.argv(server, mode, connections, duration, version, cafile, message, extra, priority_append)
        record.update({"mode": mode, "connections": connections, "duration": duration, "version": version,
                       "argv": argv[len(server.bench_prefix()):]})
        if not server.alive():
            record["error"] = "server not running: " + server.exit_note()
            return record
        cpu_before = server.cpu_ms()
        started = time.monotonic()
        proc = procs.Proc("tlshello bench", argv)
        status = None
        try:
            status = proc.wait(procs.Deadline(duration + 45))
        except procs.Failed as error:
            record["error"] = str(error)
        finally:
            proc.stop()
        cpu_after = server.cpu_ms()
        record["wallSeconds"] = round(time.monotonic() - started, 3)
        record["exitStatus"] = status
        summary = parse_summary(proc.stdout)
        if summary and "exchangesPerSecond" in summary:
            record["bench"] = summary
        elif summary:
            record["benchError"] = summary
        if cpu_before is not None and cpu_after is not None:
            record["serverCPUMilliseconds"] = round(cpu_after - cpu_before, 1)
            exchanges = (record.get("bench") or {}).get("exchanges") or 0
            if exchanges:
                record["serverCPUMillisecondsPerExchange"] = round((cpu_after - cpu_before) / exchanges, 4)
        if status not in (0, None) and "error" not in record:
            record["error"] = bench_error(proc, status)
        if not server.alive():
            record["serverExited"] = server.exit_note()
        return record

    def hold(self, server, record, connections, version, cafile, sources=(), open_seconds=None, threads=None):
        """Opens `connections` idle TLS connections to the server, samples its VmRSS before and
        while they are held, then releases them (closing the bench's stdin)."""
        open_seconds = open_seconds or (60 + connections / 100.0)
        argv = server.bench_prefix() + [
            self.tlshello, "bench", "127.0.0.1", "--port", str(server.port), "--mode", "idle",
            "--connections", str(connections), "--duration", "%g" % (open_seconds + 60), "--json", "--timeout", "30"]
        if cafile:
            argv += ["--cafile", cafile]
        argv += self.version_args(version)
        for source in sources:
            argv += ["--source", source]
        if threads:
            argv += ["--threads", str(threads)]
        record.update({"mode": "idle", "connections": connections, "version": version,
                       "argv": argv[len(server.bench_prefix()):], "sources": list(sources)})
        if not server.alive():
            record["error"] = "server not running: " + server.exit_note()
            return record
        procs.wait_until_idle(server.pid, procs.Deadline(5))
        record["rssBeforeKiB"] = server.rss_kib()
        record["fdsBefore"] = procs.open_descriptors(server.pid)
        started = time.monotonic()
        proc = procs.Proc("tlshello bench --mode idle", argv, stdin=subprocess.PIPE)
        try:
            try:
                match = proc.wait_for(r'^\{[^\n]*"event"\s*:\s*"holding"[^\n]*\}', procs.Deadline(open_seconds),
                                      what="its 'holding' line")
                holding = json.loads(match.group(0))
                record["held"] = holding.get("connections")
                record["failedToOpen"] = holding.get("failed")
                record["openSeconds"] = round(time.monotonic() - started, 3)
                if server.alive():
                    record["serverWentIdle"] = procs.wait_until_idle(server.pid, procs.Deadline(10))
                    record["rssHoldingKiB"] = server.rss_kib()
                    record["fdsHolding"] = procs.open_descriptors(server.pid)
                    record["hwmKiB"] = procs.status_kib(server.pid, "VmHWM")
            except procs.Failed as error:
                record["error"] = str(error)
            proc.close_stdin()  # end of input: the bench closes its connections and reports
            try:
                status = proc.wait(procs.Deadline(60))
                record["exitStatus"] = status
            except procs.Failed as error:
                record.setdefault("error", str(error))
        finally:
            proc.stop()
        summary = parse_summary(proc.stdout)
        if summary and "exchangesPerSecond" in summary:
            record["bench"] = summary
        if not server.alive():
            record["serverExited"] = server.exit_note()
        held = record.get("held") or 0
        if held and record.get("rssHoldingKiB") is not None and record.get("rssBeforeKiB") is not None \
                and "serverExited" not in record:
            record["kibPerConnection"] = round((record["rssHoldingKiB"] - record["rssBeforeKiB"]) / held, 2)
        return record
