#!/usr/bin/env python3
"""`make bench`: one run, on this machine, of the same load generator (`tlshello bench`) against
several TLS servers on loopback, written to docs/benchmarks.md (and every run's raw figures to
docs/benchmarks.json).

Servers: tlshello server, gnutls-serv (in a network namespace of its own: it binds every address),
openssl s_server, the demo's server in Python 3, and nio-ssl-server (swift-nio-ssl, BoringSSL).

Figures, in this order:
  limits      crypto-limits (GnuTLS/nettle: RSA-2048, ECDSA P-256, ECDH, AEAD), the AES-128-GCM line of
              `gnutls-cli --benchmark-ciphers`, `openssl speed` (RSA-2048, ECDSA and ECDH P-256)
  handshakes  full handshakes at C=1 and C=16, TLS 1.2 and 1.3, RSA-2048 and ECDSA P-256 certificates;
              in the same rounds, a handshake alone at C=1 (`latency`: tlshello and gnutls-serv) and, with
              the RSA certificate, resumed handshakes (session tickets) at C=16 (`resume`)
  bulk        echo throughput, TLS 1.3, C=1 (tlshello --echo, gnutls-serv --echo, nio-ssl-server --mode echo)
  identities  full handshakes at C=16, TLS 1.2 and 1.3, against a tlshello server with the RSA
              certificate alone and one with RSA + ECDSA (two --cert/--key pairs), in the same rounds: a
              client that takes ECDSA against each, and a client that takes only RSA signatures against the
              dual one; a probe with `tlshello client --json` before the runs records which certificate served
  idle        server RSS per idle connection holding 1,000 and 10,000 (and 100,000 where the open-files
              limit allows; otherwise the bound is written)
  http        Examples/HelloHTTP's application on GnuTLS (hello-http) and on NIOSSL (hello-http-nio-ssl),
              driven by h2load over HTTP/2: requests/s over established connections and new connections/s
              (full handshake + one request), their ratio (driver/hellohttp.py)
Runs are interleaved: in each round every server runs once per setting, in turn; medians and min–max
over the rounds. Server CPU per exchange comes from /proc/PID/stat, memory from /proc/PID/status.
The defaults (3 rounds of 0.5-second runs) keep `make bench` under 10 minutes from a fresh clone on a
2-core machine, builds included (about 4.5 minutes of builds, 2.5 of runs); --quick runs one round;
--render JSON rewrites the document from an earlier run's raw figures. At the end, Benchmarks/charts.py
(matplotlib, in .build-bench/venv: scripts/bench-venv.sh) draws the charts beside the document, which
embeds them (`make bench-charts` draws them again from the committed JSON).

Nothing sleeps to synchronise: servers are ready when they print their listening line (or, for
openssl s_server, when a TCP connect succeeds), and every wait has a deadline. Every process is
stopped by its PID in a `finally` (Ctrl-C and SIGTERM included); the temporary directory (the
ECDSA pair) is removed.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from driver import charts_plan, hellohttp, load, machine, procs, report, servers  # noqa: E402
import progress as progress_mod  # noqa: E402

RSA_CERT = os.path.join(ROOT, "certs", "diegoUcamCert.pem")
RSA_KEY = os.path.join(ROOT, "certs", "diegoUcamKey.pem")
VERSIONS = ["tlsv1.2", "tlsv1.3"]
CONCURRENCY = [1, 16]
IDLE_COUNTS = [1000, 10000]
HUNDRED_THOUSAND = 100000
IDLE_WARMUP = 16
# The latency of one handshake alone (load `handshake`, C=1) for the goal "p50 no worse than
# gnutls-serv's": the hello load against gnutls-serv in TLS 1.3 also waits for its Nagle delay.
LATENCY_SERVERS = ["tlshello", "gnutls-serv"]
FIGURE_WORD = {"handshake": "full", "latency": "handshake-only", "resume": "resumed"}
# The identities figure: (server setting, client), in the order each round runs them.
IDENTITY_PLAN = [("rsa-only", "ecdsa"), ("dual", "ecdsa"), ("dual", "rsa")]
# What a client that takes only RSA signatures appends to the load generator's priorities.
RSA_ONLY_SIGNATURES = (":-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-PSS-RSAE-SHA384:+SIGN-RSA-PSS-RSAE-SHA512"
                       ":+SIGN-RSA-SHA256:+SIGN-RSA-SHA384:+SIGN-RSA-SHA512")


# The run's progress (scripts/progress.py), made by main(): each step a plain line, and on a
# terminal a status line below them with the time, the steps done and what runs now.
PROGRESS = None


def log(line):
    if PROGRESS is None:
        print(line, flush=True)
    else:
        PROGRESS.line(line)


def now(text):
    if PROGRESS is not None:
        PROGRESS.now(text)


clock = progress_mod.clock


def describe_run(record):
    bench = record.get("bench") or {}
    if not bench.get("exchanges"):
        return "FAILED: %s" % (record.get("error") or record.get("serverExited") or
                               "; ".join("%s: %s" % kv for kv in sorted((bench.get("firstErrors") or {}).items()))
                               or "no exchange")
    lat = bench.get("latencyMilliseconds") or {}
    text = "%.0f/s p50 %.2f ms p99 %.2f ms" % (bench["exchangesPerSecond"], lat.get("p50", 0), lat.get("p99", 0))
    if record.get("serverCPUMillisecondsPerExchange") is not None:
        text += ", server CPU %.3f ms" % record["serverCPUMillisecondsPerExchange"]
    if bench.get("megabytesPerSecond") is not None:
        text = "%.0f MB/s, " % bench["megabytesPerSecond"] + text
    if record["figure"] == "resume":
        text += ", %d/%d resumed" % (bench.get("resumed") or 0, bench["exchanges"])
    failures = sum((bench.get("failures") or {}).values())
    if failures:
        text += ", %d failures" % failures
    if record.get("serverExited"):
        text += " [%s]" % record["serverExited"]
    return text


class Bench:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.launcher = servers.Launcher(args.tlshello, args.benchmarks_bin)
        self.generator = load.LoadGenerator(args.tlshello)
        self.runs = []
        self.notes = []
        self.unavailable = {}
        self.hundred = None
        self.keys = [k for k in servers.ORDER if k in args.servers]
        for key in list(self.keys):
            why = self.launcher.available(key)
            if why:
                self.unavailable[key] = why
                self.keys.remove(key)
        self.certs = {"rsa2048": (RSA_CERT, RSA_KEY)}

    # -- set-up ------------------------------------------------------------------------------

    def check_tlshello(self):
        if not os.access(self.args.tlshello, os.X_OK):
            raise procs.Failed("%s is not an executable: run `make release` first" % self.args.tlshello)
        proc = procs.Proc("tlshello bench --help", [self.args.tlshello, "bench", "--help"])
        status = proc.wait(procs.Deadline(30))
        if status != 0 or "--mode" not in proc.stdout + proc.stderr:
            raise procs.Failed("%s has no `bench` subcommand (%s)%s" % (self.args.tlshello, procs.exit_description(status),
                                                                       proc.last_words(1)))

    def make_ecdsa_pair(self):
        cert = os.path.join(self.tmp, "ecdsa-cert.pem")
        key = os.path.join(self.tmp, "ecdsa-key.pem")
        proc = procs.Proc("tlshello cert", [self.args.tlshello, "cert", "--cert", cert, "--key", key, "--key-type", "ecdsa",
                                            "--subject", "CN=tlshello-bench", "--days", "2"])
        status = proc.wait(procs.Deadline(30))
        if status != 0:
            raise procs.Failed("tlshello cert --key-type ecdsa %s%s" % (procs.exit_description(status), proc.last_words()))
        self.certs["ecdsa-p256"] = (cert, key)

    # -- figures -----------------------------------------------------------------------------

    def limits(self):
        a = self.args
        result = {}
        if "limits" not in a.figures:
            return {"cryptoLimits": {"skipped": "not measured (--figures)"}}
        crypto = os.path.join(a.benchmarks_bin, "crypto-limits") if a.benchmarks_bin else None
        log("limits: crypto-limits (GnuTLS/nettle, %g s per item)" % a.crypto_seconds)
        ecdsa_key = self.certs.get("ecdsa-p256", (None, None))[1]
        result["cryptoLimits"] = machine.crypto_limits(crypto, RSA_KEY, ecdsa_key, a.crypto_seconds)
        if result["cryptoLimits"].get("skipped"):
            log("  skipped: %s" % result["cryptoLimits"]["skipped"])
            self.notes.append("crypto-limits did not run (%s): every fraction of a GnuTLS crypto limit is blank."
                              % result["cryptoLimits"]["skipped"])
        else:
            items = result["cryptoLimits"].get("items", {})
            log("  " + ", ".join("%s %.0f/s" % (k, v.get("opsPerSecond", 0)) for k, v in items.items()
                                 if not v.get("bytesPerSecond")))
        log("limits: gnutls-cli --benchmark-ciphers (its AES-128-GCM line)")
        result["gnutlsCli"] = machine.gnutls_cipher_speed()
        log("  %s" % (result["gnutlsCli"].get("line") or result["gnutlsCli"].get("skipped")))
        log("limits: openssl speed rsa2048 ecdsap256 ecdhp256")
        result["opensslSpeed"] = machine.openssl_speed(1)
        log("  %s" % ", ".join("%s %.0f/s" % (k, v) for k, v in result["opensslSpeed"].items() if isinstance(v, float)))
        return result

    def start_set(self, keys, cert, version, echo=False):
        """Starts the servers of one setting; the ones that fail to start are noted and left out."""
        started = {}
        cert_file, key_file = self.certs[cert]
        for key in keys:
            try:
                started[key] = self.launcher.start(key, cert_file, key_file, version=version, echo=echo)
            except procs.Failed as error:
                note = "%s (%s, %s%s) did not start: %s" % (servers.KINDS[key].short, cert, version or "any version",
                                                           ", echo" if echo else "", error)
                log("  " + note)
                self.notes.append(note)
        return started

    def ensure_running(self, running, key, cert, version, echo=False):
        """Restarts a server that has exited (gnutls-serv can abort); None if it cannot start (then
        it is not tried again in this setting)."""
        if key not in running:
            return None
        server = running[key]
        if server is not None and server.alive():
            return server
        if server is not None:
            note = "%s exited during the run (%s); restarted for the next runs" % (servers.KINDS[key].short,
                                                                                   server.exit_note())
            log("  " + note)
            self.notes.append(note)
            server.stop()
        restarted = self.start_set([key], cert, version, echo)
        running[key] = restarted.get(key)
        return running[key]

    def handshakes(self, progress):
        a = self.args
        for cert in a.certs:
            for version in VERSIONS:
                log("full handshakes: %s, TLS %s: starting %s" % (report.CERT_SHORT[cert], version[4:],
                                                                  ", ".join(servers.KINDS[k].short for k in self.keys)))
                running = self.start_set(self.keys, cert, version)
                given_up = {}
                try:
                    for round_ in range(1, a.rounds + 1):
                        for figure, connections, keys, duration in self.handshake_plan(cert):
                            for key in keys:
                                kind = servers.KINDS[key]
                                label = "%s %s TLS %s C=%d round %d/%d: %s" % (
                                    FIGURE_WORD[figure], report.CERT_SHORT[cert], version[4:],
                                    connections, round_, a.rounds, kind.short)
                                record = {"figure": figure, "server": key, "cert": cert, "round": round_}
                                skip = given_up.get((figure, connections, key))
                                server = None if skip else self.ensure_running(running, key, cert, version)
                                if skip or server is None:
                                    record.update({"mode": kind.hello_mode, "connections": connections, "version": version,
                                                   "skipped": skip or "server did not start"})
                                    self.runs.append(record)
                                    progress.step(label + ": skipped (%s)" % record["skipped"])
                                    continue
                                if figure == "resume":
                                    mode, extra = kind.resume
                                elif figure == "latency":
                                    mode, extra = "handshake", []
                                else:
                                    mode, extra = kind.hello_mode, []
                                now(label)
                                self.generator.run(server, record, mode, connections, duration, version,
                                                   self.certs[cert][0], message=kind.message, extra=extra)
                                self.runs.append(record)
                                progress.step(label + ": " + describe_run(record))
                                if round_ == 1 and not (record.get("bench") or {}).get("exchanges"):
                                    given_up[(figure, connections, key)] = "failed in round 1"
                finally:
                    for server in running.values():
                        if server is not None:
                            server.stop()

    def handshake_plan(self, cert):
        """One round of one setting: (figure, C, servers, seconds), each server in turn."""
        a = self.args
        plan = [("handshake", c, self.keys, a.duration) for c in CONCURRENCY]
        latency = [k for k in LATENCY_SERVERS if k in self.keys]
        if "latency" in a.figures and latency:
            plan.append(("latency", 1, latency, a.latency_duration))
        if cert == "rsa2048" and "resume" in a.figures:
            plan.append(("resume", 16, self.keys, a.resume_duration))
        return plan

    def bulk(self, progress):
        a = self.args
        keys = [k for k in self.keys if servers.KINDS[k].echo]
        log("bulk echo: TLS 1.3, starting %s" % ", ".join(servers.KINDS[k].short + " (echo)" for k in keys))
        running = self.start_set(keys, "rsa2048", "tlsv1.3", echo=True)
        given_up = {}
        try:
            for round_ in range(1, a.rounds + 1):
                for key in keys:
                    label = "bulk echo TLS 1.3 C=1 round %d/%d: %s" % (round_, a.rounds, servers.KINDS[key].short)
                    record = {"figure": "bulk", "server": key, "cert": "rsa2048", "round": round_}
                    server = None if key in given_up else self.ensure_running(running, key, "rsa2048", "tlsv1.3", echo=True)
                    if server is None:
                        record.update({"mode": "bulk", "connections": 1, "version": "tlsv1.3",
                                       "skipped": given_up.get(key, "server did not start")})
                        self.runs.append(record)
                        progress.step(label + ": skipped (%s)" % record["skipped"])
                        continue
                    now(label)
                    self.generator.run(server, record, "bulk", 1, a.bulk_duration, "tlsv1.3", RSA_CERT,
                                       extra=["--bytes", str(a.bulk_bytes), "--timeout", "3"])
                    self.runs.append(record)
                    progress.step(label + ": " + describe_run(record))
                    if round_ == 1 and not (record.get("bench") or {}).get("exchanges"):
                        given_up[key] = "failed in round 1"
        finally:
            for server in running.values():
                if server is not None:
                    server.stop()

    def identities(self, progress):
        """Several identities on one server: RSA alone against RSA + ECDSA."""
        a = self.args
        rsa_cert, rsa_key = self.certs["rsa2048"]
        ecdsa_cert, ecdsa_key = self.certs["ecdsa-p256"]
        both = os.path.join(self.tmp, "rsa-and-ecdsa.pem")
        with open(both, "w") as out:
            for path in (rsa_cert, ecdsa_cert):
                with open(path) as pem:
                    out.write(pem.read().rstrip("\n") + "\n")
        pairs = {"rsa-only": (), "dual": ((ecdsa_cert, ecdsa_key),)}
        appended = {"ecdsa": "", "rsa": RSA_ONLY_SIGNATURES}
        for version in VERSIONS:
            log("identities: TLS %s: starting tlshello with RSA alone and with RSA + ECDSA" % version[4:])
            running = {}
            try:
                for setting, more in pairs.items():
                    try:
                        running[setting] = self.launcher.start("tlshello", rsa_cert, rsa_key, version=version,
                                                               more_pairs=more)
                    except procs.Failed as error:
                        self.notes.append("tlshello (%s, %s) did not start: %s" % (setting, version, error))
                served = {}
                for setting, client in IDENTITY_PLAN:
                    if setting in running:
                        served[(setting, client)] = self.probe_served(running[setting], version, both, appended[client])
                for round_ in range(1, a.rounds + 1):
                    for setting, client in IDENTITY_PLAN:
                        label = "identities TLS %s C=16 round %d/%d: %s server, %s client" % (
                            version[4:], round_, a.rounds, setting, client)
                        record = {"figure": "identities", "server": "tlshello", "setting": setting, "client": client,
                                  "cert": "rsa2048", "served": served.get((setting, client)), "round": round_}
                        server = running.get(setting)
                        if server is None or not server.alive():
                            record.update({"mode": "hello", "connections": 16, "version": version,
                                           "skipped": "server did not start" if server is None else server.exit_note()})
                            self.runs.append(record)
                            progress.step(label + ": skipped (%s)" % record["skipped"])
                            continue
                        now(label)
                        self.generator.run(server, record, "hello", 16, a.duration, version, both,
                                           priority_append=appended[client])
                        self.runs.append(record)
                        progress.step(label + ": %s; %s" % (record["served"] or "certificate unknown", describe_run(record)))
            finally:
                for server in running.values():
                    server.stop()

    def probe_served(self, server, version, cafile, priority_append):
        """The public key of the certificate `server` presents to this kind of client, e.g. 'ECDSA
        SECP256R1', from one `tlshello client --json` exchange (None if it fails)."""
        argv = [self.args.tlshello, "client", "127.0.0.1", "--port", str(server.port), "--cafile", cafile, "--json"]
        argv += self.generator.version_args(version, priority_append)
        proc = procs.Proc("tlshello client (probe)", argv)
        try:
            proc.wait(procs.Deadline(30))
        except procs.Failed:
            return None
        finally:
            proc.stop()
        for line in reversed(proc.stdout.splitlines()):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            chain = ((value.get("negotiated") or {}).get("peerCertificates") or []) if isinstance(value, dict) else []
            if chain:
                return chain[0].get("publicKey")
        return None

    def idle(self, progress):
        a = self.args
        keys = [k for k in self.keys if servers.KINDS[k].holds]
        cert_file, key_file = self.certs[a.idle_cert]
        for key in keys:
            for count in a.idle_counts:
                label = "idle %s connections: %s" % ("{:,}".format(count), servers.KINDS[key].short)
                record = {"figure": "idle", "server": key, "cert": a.idle_cert, "round": 1}
                try:
                    server = self.launcher.start(key, cert_file, key_file)
                except procs.Failed as error:
                    record.update({"connections": count, "error": "did not start: %s" % error})
                    self.runs.append(record)
                    progress.step(label + ": " + record["error"])
                    continue
                threads = servers.KINDS[key].open_threads
                now(label)
                try:
                    self.generator.hold(server, {}, IDLE_WARMUP, None, cert_file, threads=threads)  # warm-up, not recorded
                    self.generator.hold(server, record, count, None, cert_file, threads=threads)
                finally:
                    server.stop()
                self.runs.append(record)
                if record.get("kibPerConnection") is not None:
                    text = "held %d (%d failed) in %.1f s, RSS %.1f → %.1f MiB: %.1f KiB per connection" % (
                        record["held"], record.get("failedToOpen") or 0, record.get("openSeconds", 0),
                        record["rssBeforeKiB"] / 1024, record["rssHoldingKiB"] / 1024, record["kibPerConnection"])
                else:
                    text = "held %s: %s" % (record.get("held"), record.get("serverExited") or record.get("error") or "?")
                progress.step(label + ": " + text)

    def hundred_thousand(self, progress):
        a = self.args
        wanted = HUNDRED_THOUSAND + 2048
        limit, bound = machine.raise_open_files(wanted)
        if bound:
            note = ("not reached on this machine: %s (the load generator and the server each need about 100,000 "
                    "descriptors; %d is the most either may open here)" % (bound, limit))
            self.hundred = {"bound": bound, "openFilesLimit": limit, "note": note}
            progress.step("idle 100,000 connections: " + note)
            return
        # 127.0.0.2–127.0.0.5 as sources: each has its own ~28,000 ephemeral ports.
        sources = ["127.0.0.%d" % i for i in range(2, 6)]
        cert_file, key_file = self.certs[a.idle_cert]
        record = {"figure": "idle100k", "server": "tlshello", "cert": a.idle_cert, "round": 1}
        now("idle 100,000 connections: tlshello")
        try:
            server = self.launcher.start("tlshello", cert_file, key_file, max_connections=HUNDRED_THOUSAND + 1000)
            try:
                self.generator.hold(server, {}, IDLE_WARMUP, None, cert_file)
                self.generator.hold(server, record, HUNDRED_THOUSAND, None, cert_file, sources=sources,
                                    open_seconds=600)
            finally:
                server.stop()
        except procs.Failed as error:
            record["error"] = str(error)
        self.runs.append(record)
        value = record.get("kibPerConnection")
        note = ("held %s of 100,000 (sources %s): %s KiB per connection" % (
            "{:,}".format(record.get("held") or 0), ", ".join(sources), report.fmt(value, 1)) if value is not None
            else "failed: %s" % (record.get("error") or record.get("serverExited") or "?"))
        self.hundred = {"bound": None, "openFilesLimit": limit, "note": note, "kibPerConnection": value,
                        "held": record.get("held")}
        progress.step("idle 100,000 connections: " + note)

    # -- the whole run -----------------------------------------------------------------------

    def count_steps(self):
        """(timed steps, a rough estimate of the seconds they take)."""
        a = self.args
        n, seconds = 0, 0.0
        if "limits" in a.figures:
            seconds += 14 * a.crypto_seconds + 12
        if "handshakes" in a.figures:
            for cert in a.certs:
                for _, _, keys, duration in self.handshake_plan(cert):
                    n += a.rounds * len(VERSIONS) * len(keys)
                    seconds += a.rounds * len(VERSIONS) * len(keys) * (duration + 0.15)
        if "bulk" in a.figures:
            echo = len([k for k in self.keys if servers.KINDS[k].echo])
            n += a.rounds * echo
            seconds += a.rounds * echo * (a.bulk_duration + 0.15)
        if "identities" in a.figures and "tlshello" in self.keys:
            n += a.rounds * len(VERSIONS) * len(IDENTITY_PLAN)
            seconds += a.rounds * len(VERSIONS) * len(IDENTITY_PLAN) * (a.duration + 0.15) + 4
        if "idle" in a.figures:
            holders = len([k for k in self.keys if servers.KINDS[k].holds])
            n += len(a.idle_counts) * holders + 1
            seconds += holders * sum(2 + c / 1200.0 for c in a.idle_counts)
        if "http" in a.figures:
            n += a.rounds * len(hellohttp.FIGURES) * len(hellohttp.ORDER)
            seconds += a.rounds * len(hellohttp.ORDER) * (a.http_requests / 25000.0 + a.http_new_connections / 300.0)
        return n, seconds

    def http_parameters(self):
        a = self.args
        return {"connections": a.http_connections, "streams": a.http_streams, "requests": a.http_requests,
                "newConnections": a.http_new_connections}

    def run(self):
        a = self.args
        started = time.monotonic()
        self.check_tlshello()
        for key, why in self.unavailable.items():
            log("not run: %s" % why)
            self.notes.append("%s was not run: %s." % (servers.KINDS[key].short, why))
        machine.raise_open_files(max(20000, 2 * max(a.idle_counts or [0]) + 2048))
        self.make_ecdsa_pair()
        description = machine.describe(a.tlshello, a.benchmarks_bin)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        description["openFilesAfter"] = {"soft": soft, "hard": hard}
        steps, estimate = self.count_steps()
        log("tlshello bench run: %s, %d cores; %d timed steps in %d round(s), about %s" % (
            description["cpuModel"], description["coresUsable"], steps, a.rounds, clock(estimate)))
        progress = PROGRESS
        progress.total = steps
        now("limits of the machine")
        limits = self.limits()
        if "handshakes" in a.figures:
            self.handshakes(progress)
        if "bulk" in a.figures:
            self.bulk(progress)
        if "identities" in a.figures and "tlshello" in self.keys:
            self.identities(progress)
        if "idle" in a.figures:
            self.idle(progress)
            self.hundred_thousand(progress)
        http = None
        if "http" in a.figures:
            now("HTTP/2: HelloHTTP under h2load")
            http = hellohttp.measure(hellohttp.Servers(a.hello_http, a.benchmarks_bin), a.rounds, self.http_parameters(),
                                     RSA_CERT, RSA_KEY, progress.step, log)
        now("writing the report")
        description["loadAverageAfter"] = machine.load_average()
        self.notes += self.observed_notes() + self.standing_notes()
        return {
            "tool": "Benchmarks/run-bench.py",
            "machine": description,
            "parameters": {"rounds": a.rounds, "duration": a.duration, "latencyDuration": a.latency_duration,
                           "resumeDuration": a.resume_duration,
                           "bulkDuration": a.bulk_duration,
                           "bulkBytes": a.bulk_bytes, "idleCounts": a.idle_counts, "idleCert": a.idle_cert,
                           "certs": a.certs, "figures": a.figures, "quick": a.quick},
            "servers": {k: servers.KINDS[k].title for k in self.keys},
            "unavailable": self.unavailable,
            "limits": limits,
            "profile": self.profile(),
            "runs": self.runs,
            "hundredThousand": self.hundred,
            "http": http,
            "notes": self.notes,
            "elapsed": clock(time.monotonic() - started),
        }

    def profile(self):
        """profile-server.py's figures (callgrind, instructions per exchange), when given."""
        path = self.args.profile
        if not path:
            return None
        try:
            with open(path) as handle:
                return json.load(handle)
        except (OSError, ValueError) as error:
            self.notes.append("the callgrind profile (%s) could not be read: %s" % (path, error))
            return None

    def observed_notes(self):
        """Explanations of failures seen in this run, where the cause is known."""
        notes = []
        bulk = [r for r in self.runs if r["figure"] == "bulk" and r["server"] == "gnutls-serv"]
        if bulk and not any((r.get("bench") or {}).get("exchanges") for r in bulk):
            notes.append("gnutls-serv's echo did not work for bulk: it echoes a buffer only once it holds a newline, "
                         "and copies it with strdup()/strlen(), so the load generator's binary pattern (it has NUL "
                         "bytes) never comes back whole (checked by hand: a line with a NUL byte gets no answer). "
                         "A text pattern with newlines would let it take part.")
        timed = [r for r in self.runs if r["figure"] in ("handshake", "latency", "resume") and (r.get("bench") or {}).get("exchanges")]
        if timed:
            counts = sorted(r["bench"]["exchanges"] for r in timed)
            ours = [r["bench"]["exchanges"] for r in timed if r["server"] == "tlshello"]
            notes.append("Runs are short (%g s for full handshakes) so that `make bench` fits in 10 minutes with its "
                         "builds on this machine: a timed run completed %d exchanges at the median, %d at the fewest "
                         "(%d for tlshello), so a p99 rests on a run's few slowest exchanges; every run's figures are "
                         "in benchmarks.json." % (self.args.duration, counts[len(counts) // 2], counts[0],
                                                  min(ours) if ours else 0))
        python13 = [r for r in self.runs if r["figure"] == "resume" and r["server"] == "python" and r.get("version") == "tlsv1.3"
                    and (r.get("bench") or {}).get("exchanges")]
        if python13 and not any(r["bench"].get("resumed") for r in python13):
            notes.append("demo.py resumed no TLS 1.3 session: `tlshello client --resume` against it reports that the "
                         "server sent no session ticket; its TLS 1.2 sessions do resume.")
        return notes

    def standing_notes(self):
        return [
            "The load generator is `tlshello bench` (GnuTLS client) for every server; it verifies the certificate "
            "(`--cafile`). Its own CPU per exchange is the *client CPU* column; client and servers share the cores.",
            "gnutls-serv runs alone in a network namespace (`unshare --net`, loopback up) because it binds every "
            "address; the load generator joins it with `nsenter --net`. Its echo answers whole lines only, so the "
            "greeting is sent with a newline. Its PID is that of gnutls-serv itself (unshare and sh exec it).",
            "gnutls-serv (3.7.9) listens with a backlog of 10 and sets no TCP_NODELAY (seen with strace): at C=16 "
            "some connects wait for a SYN retransmission (1 s: its p99), so it keeps less than its one core busy "
            "(*server cores busy*); in TLS 1.3 its echo is a small write behind its session tickets, which Nagle "
            "holds until the client's delayed ACK (about 40 ms: its TLS 1.3 `hello` latency at C=1). Hence the "
            "goals compare with its one-core capacity (1000 ÷ its CPU ms per handshake) and with the latency of a "
            "handshake alone. It is select()-based: the descriptor past FD_SETSIZE (1024) aborts it.",
            "openssl s_server serves one connection at a time and does not speak the exchange: its load is "
            "`handshake` (close_notify right after the handshake; `--resume` for resumption).",
            "The demo's Python server is sequential with a listen backlog of 10: at C=16 some connects wait for "
            "SYN retransmission, which shows in its p99.",
            "Server CPU per exchange is the delta of utime+stime (clock ticks of %g ms) over the whole run, "
            "divided by the exchanges the load generator completed." % (1000.0 / procs.CLOCK_TICKS),
        ]


def parse_args(argv):
    parser = argparse.ArgumentParser(description="make bench: tlshello against gnutls-serv, openssl s_server, the demo's "
                                     "Python server and swift-nio-ssl, on loopback.")
    parser.add_argument("--tlshello", default=os.path.join(ROOT, ".build", "release", "tlshello"),
                        help="the tlshello release binary (server and load generator)")
    parser.add_argument("--benchmarks-bin", default=os.path.join(ROOT, "Benchmarks", ".build", "release"),
                        help="where nio-ssl-server and crypto-limits are (swift build -c release --package-path Benchmarks)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"), help="the markdown to write")
    parser.add_argument("--profile", help="JSON of Benchmarks/profile-server.py (instructions per handshake), for the goals")
    parser.add_argument("--json-out", help="the raw runs (default: --out with .json)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of interleaved runs (default 3)")
    parser.add_argument("--duration", type=float, default=0.5,
                        help="seconds per full-handshake run (default 0.5: with 3 rounds, the run fits in 10 minutes "
                        "with the builds on 2 cores)")
    parser.add_argument("--resume-duration", type=float, default=0.4,
                        help="seconds per resumed-handshake run (default 0.4)")
    parser.add_argument("--latency-duration", type=float, default=0.4,
                        help="seconds per handshake-latency run (C=1, tlshello and gnutls-serv; default 0.4)")
    parser.add_argument("--bulk-duration", type=float, default=1.0, help="seconds per bulk run (default 1)")
    parser.add_argument("--bulk-bytes", type=int, default=16 * 1024 * 1024, help="bytes per bulk transfer (default 16 MiB)")
    parser.add_argument("--crypto-seconds", type=float, default=0.25, help="seconds per crypto-limits item (default 0.25)")
    parser.add_argument("--idle-counts", default=",".join(str(c) for c in IDLE_COUNTS),
                        help="idle connection counts, comma-separated (default 1000,10000)")
    parser.add_argument("--idle-cert", choices=["rsa2048", "ecdsa-p256"], default="ecdsa-p256",
                        help="certificate of the idle-connection servers (default ecdsa-p256: faster to open)")
    parser.add_argument("--hello-http", default=os.path.join(ROOT, "Examples", "HelloHTTP", ".build", "release", "hello-http"),
                        help="Examples/HelloHTTP's hello-http (swift build -c release --package-path Examples/HelloHTTP)")
    parser.add_argument("--http-connections", type=int, default=16,
                        help="h2load connections for HTTP/2 requests over established connections (default 16)")
    parser.add_argument("--http-streams", type=int, default=10,
                        help="h2load streams at a time per connection (-m) for them (default 10)")
    parser.add_argument("--http-requests", type=int, default=60000,
                        help="requests per established-connection run (h2load -n, default 60000)")
    parser.add_argument("--http-new-connections", type=int, default=400,
                        help="connections per new-connection run, one request each (default 400)")
    parser.add_argument("--charts-python", default=os.path.join(ROOT, ".build-bench", "venv", "bin", "python"),
                        help="a Python with matplotlib (scripts/bench-venv.sh) to draw the charts beside --out with "
                        "Benchmarks/charts.py (default .build-bench/venv/bin/python)")
    parser.add_argument("--no-charts", action="store_true", help="draw no charts (the markdown embeds those present)")
    parser.add_argument("--quick", action="store_true", help="one round (for development)")
    parser.add_argument("--render", metavar="JSON", help="write the markdown from the raw runs of an earlier run "
                        "(its benchmarks.json) instead of running anything")
    parser.add_argument("--servers", default=",".join(servers.ORDER),
                        help="servers to run, comma-separated (default: %s)" % ",".join(servers.ORDER))
    parser.add_argument("--certs", default="rsa2048,ecdsa-p256")
    parser.add_argument("--figures", default="limits,handshakes,latency,resume,bulk,identities,idle,http",
                        help="figures to measure, comma-separated (default: all)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 1
    args.servers = [s for s in args.servers.split(",") if s]
    for key in args.servers:
        if key not in servers.KINDS:
            parser.error("unknown server %r (known: %s)" % (key, ", ".join(servers.ORDER)))
    args.certs = [c for c in args.certs.split(",") if c]
    args.figures = [f for f in args.figures.split(",") if f]
    args.idle_counts = [int(c) for c in args.idle_counts.split(",") if c]
    args.tlshello = os.path.abspath(args.tlshello)
    args.benchmarks_bin = os.path.abspath(args.benchmarks_bin) if args.benchmarks_bin else None
    args.hello_http = os.path.abspath(args.hello_http)
    args.out = os.path.abspath(args.out)
    args.json_out = os.path.abspath(args.json_out or os.path.splitext(args.out)[0] + ".json")
    if args.rounds < 1 or args.duration <= 0 or args.bulk_duration <= 0:
        parser.error("--rounds, --duration and --bulk-duration must be positive")
    return args


def draw_charts(args, json_path):
    """Benchmarks/charts.py with the bench's matplotlib: the SVG charts beside --out."""
    if args.no_charts:
        return
    if not os.access(args.charts_python, os.X_OK):
        log("charts: not drawn: no %s (scripts/bench-venv.sh makes it; `make bench-charts` draws them)"
            % os.path.relpath(args.charts_python, os.getcwd()))
        return
    now("drawing the charts")
    argv = [args.charts_python, os.path.join(ROOT, "Benchmarks", "charts.py"), "--json", json_path,
            "--out-dir", os.path.dirname(args.out)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    for line in result.stdout.splitlines():
        log(line)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        log("charts: Benchmarks/charts.py failed (%s): %s" % (procs.exit_description(result.returncode), last))


def markdown(args, data):
    """The document, with the charts present beside it."""
    return report.Report(data, charts=charts_plan.existing(os.path.dirname(args.out))).markdown()


def write_outputs(args, data):
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.json_out, "w") as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write("\n")
    draw_charts(args, args.json_out)
    doc = markdown(args, data)
    with open(args.out, "w") as f:
        f.write(doc)
    return doc


def main(argv=None):
    global PROGRESS
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.charts_python = os.path.abspath(args.charts_python)
    if args.render:
        with open(args.render) as f:
            data = json.load(f)
        doc = markdown(args, data)
        with open(args.out, "w") as f:
            f.write(doc)
        print(doc)
        return 0
    procs.install_signal_handlers()
    tmp = tempfile.mkdtemp(prefix="tlshello-bench-")
    PROGRESS = progress_mod.Progress(what="timed steps")
    try:
        bench = Bench(args, tmp)
        data = bench.run()
        doc = write_outputs(args, data)
        PROGRESS.close()
        print()
        print(doc)
        log("written: %s and %s (%s)" % (os.path.relpath(args.out, os.getcwd()), os.path.relpath(args.json_out, os.getcwd()),
                                         data["elapsed"]))
        return 0
    except procs.Failed as error:
        print("run-bench: %s" % error, file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        print("run-bench: interrupted (%s): every process stopped, nothing written" % (str(interrupt) or "SIGINT"),
              file=sys.stderr)
        return 130
    finally:
        PROGRESS.close()
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
