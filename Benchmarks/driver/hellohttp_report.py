"""The HTTP rows of docs/benchmarks.md: the HelloHTTP application on GnuTLS against the same on
NIOSSL (driver/hellohttp.py's runs), their ratio, and new connections against the crypto bound of a
full handshake (crypto-limits' signature + key exchange, as for the TLS goals)."""
import statistics

from . import hellohttp

ESTABLISHED_TARGET = 0.90
HANDSHAKE_CPU_TARGET = 1.10


def _ok(records):
    return [r for r in records if r.get("h2load") and not r.get("error")]


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class HTTPFigures:
    """The runs of the HTTP section, by figure and server."""

    def __init__(self, data):
        self.data = data or {}
        self.runs = self.data.get("runs") or []

    def records(self, figure, server):
        return [r for r in self.runs if r.get("figure") == figure and r.get("server") == server]

    def rates(self, figure, server):
        return [r["h2load"]["requestsPerSecond"] for r in _ok(self.records(figure, server))]

    def rate(self, figure, server):
        return _median(self.rates(figure, server))

    def cpu_us(self, figure, server):
        return _median([r.get("serverCPUMicrosecondsPerRequest") for r in _ok(self.records(figure, server))])

    def paired_ratios(self, figure):
        """GnuTLS ÷ NIOSSL requests/s of each round where both ran (neighbouring runs share the
        machine's load of the moment)."""
        out = []
        for round_ in sorted({r.get("round") for r in self.runs}):
            ours = [r for r in _ok(self.records(figure, "hello-http")) if r.get("round") == round_]
            theirs = [r for r in _ok(self.records(figure, "hello-http-nio-ssl")) if r.get("round") == round_]
            if ours and theirs and theirs[0]["h2load"]["requestsPerSecond"]:
                out.append(ours[0]["h2load"]["requestsPerSecond"] / theirs[0]["h2load"]["requestsPerSecond"])
        return out

    def negotiated(self, figure, server):
        for record in _ok(self.records(figure, server)):
            return record["h2load"]
        return {}

    def failures(self, figure, server):
        records = self.records(figure, server)
        failed = [r for r in records if r.get("error") or not r.get("h2load")]
        return "%d of %d runs: %s" % (len(failed), len(records), failed[0].get("error") or "no summary") if failed else "0"


def crypto_cost_ms(report_mod, limits, negotiated):
    """GnuTLS's crypto cost of one full RSA-2048 handshake in the version and group h2load reported."""
    version = {"TLSv1.3": "tlsv1.3", "TLSv1.2": "tlsv1.2"}.get(negotiated.get("tls"))
    if not version:
        return None
    return report_mod.handshake_cost_ms(limits, "rsa2048", version, negotiated.get("serverTempKey"))


def goals(report):
    """Rows (goal, condition, measured, target, verdict) for the goals table."""
    from . import report as report_mod
    figures = HTTPFigures(report.data.get("http"))
    if not figures.runs:
        return []
    fmt, ratio, divide = report_mod.fmt, report_mod.ratio, report_mod.divide
    p = figures.data.get("parameters", {})
    rows = []
    ours, theirs = figures.rate("established", "hello-http"), figures.rate("established", "hello-http-nio-ssl")
    paired = figures.paired_ratios("established")
    r = _median(paired)
    cpu_ours, cpu_theirs = figures.cpu_us("established", "hello-http"), figures.cpu_us("established", "hello-http-nio-ssl")
    # Requests per second of server CPU, GnuTLS ÷ NIOSSL: what the rates would be with each server alone.
    efficiency = divide(cpu_theirs, cpu_ours)
    if r is None:
        verdict = "–"
    elif r >= ESTABLISHED_TARGET:
        verdict = "**met**"
    elif efficiency is not None and efficiency >= ESTABLISHED_TARGET:
        verdict = "**not met** in requests/s on this shared machine; **met** in requests per server CPU-second"
    else:
        verdict = "**not met**"
    rows.append(("HTTP/2 requests/s over established connections ≥ 0.9× the NIOSSL build",
                 "HelloHTTP, RSA-2048, `h2load -c %s -m %s -n %s`" % (p.get("connections"), p.get("streams"),
                                                                       fmt(p.get("requests"), 0)),
                 "%s, the median of the rounds' ratios (%s; medians %s/s ÷ %s/s); server CPU per request %s µs "
                 "against %s µs, so %s the requests per server CPU-second" % (
                     ratio(r), ", ".join(ratio(x) for x in paired), fmt(ours, 0), fmt(theirs, 0), fmt(cpu_ours, 1),
                     fmt(cpu_theirs, 1), ratio(efficiency)),
                 "≥ 0.90×", verdict))
    rate = figures.rate("connections", "hello-http")
    cpu_ms = divide(figures.cpu_us("connections", "hello-http"), 1000.0)
    cost = crypto_cost_ms(report_mod, report.limits, figures.negotiated("connections", "hello-http"))
    bound = report.cores * 1000.0 / cost if cost else None
    nio = figures.rate("connections", "hello-http-nio-ssl")
    per = divide(cpu_ms, cost)
    rows.append(("HTTP/2 new connections (full handshake + one request) within the crypto bound",
                 "HelloHTTP, RSA-2048, `h2load -c %s -n %s -m 1`" % (p.get("newConnections"), p.get("newConnections")),
                 "%s/s, %s of the bound (%d cores × 1000 ÷ %s ms of signature and key exchange = %s/s); server CPU "
                 "per connection %s ms = %s the crypto cost; the NIOSSL build %s/s (%s)" % (
                     fmt(rate, 0), ratio(divide(rate, bound)), report.cores, fmt(cost, 3), fmt(bound, 0), fmt(cpu_ms, 3),
                     ratio(per), fmt(nio, 0), ratio(divide(rate, nio))),
                 "CPU ≤ 1.10× crypto cost",
                 "–" if per is None else ("**met**" if per <= HANDSHAKE_CPU_TARGET else "**not met**")))
    return rows


def section(report):
    """The '## HTTP/2' section: every figure for both servers."""
    from . import report as report_mod
    data = report.data.get("http")
    if not data:
        return []
    figures = HTTPFigures(data)
    fmt, spread, ratio, divide = report_mod.fmt, report_mod.spread, report_mod.ratio, report_mod.divide
    p = data.get("parameters", {})
    gnutls_sign = report_mod.machine_mod.item_rate(report.limits, "rsa2048SignPSS")
    openssl_sign = (report.data["limits"].get("opensslSpeed") or {}).get("rsa2048Sign")
    lines = ["## HTTP/2: HelloHTTP on GnuTLS and on NIOSSL", "",
             "The same application (`Examples/HelloHTTP`'s `HelloHTTPApplication`: swift-nio-http2, `GET /` answered "
             "with the greeting) behind two TLS handlers, both started once and driven in turn, %d round%s, by "
             "h2load (nghttp2-client, OpenSSL as its TLS client) over HTTP/2 chosen by ALPN, certificate %s:" % (
                 p.get("rounds", 1), "" if p.get("rounds", 1) == 1 else "s", "RSA-2048 (certs/diegoUcamCert.pem)"), ""]
    for key in hellohttp.ORDER:
        why = (data.get("unavailable") or {}).get(key)
        lines.append("- **%s**: %s%s" % (hellohttp.SHORT[key], data["servers"].get(key, ""),
                                        "; **not run**: %s" % why if why else ""))
    lines += ["",
              "- *established*: requests per second over connections already open, `h2load -t 1 -c %s -m %s -n %s` "
              "(%s connections, %s streams each at a time; their %s handshakes are a negligible part of the run);" % (
                  p.get("connections"), p.get("streams"), p.get("requests"), p.get("connections"), p.get("streams"),
                  p.get("connections")),
              "- *new connections*: `h2load -t 1 -c %s -n %s -m 1`, each connection a full handshake and one request "
              "(h2load's req/s is then connections per second)." % (p.get("newConnections"), p.get("newConnections")),
              "",
              "Server CPU per request is the server's utime+stime over the run ÷ the 2xx answers; h2load shares the "
              "%d cores with the server." % report.cores, "",
              "| figure | server | req/s | server CPU µs per request | TLS | cipher | key exchange | ALPN | failed runs |",
              "|---|---|---:|---:|---|---|---|---|---|"]
    for figure, title in (("established", "established"), ("connections", "new connections")):
        for key in hellohttp.ORDER:
            if not figures.records(figure, key):
                continue
            n = figures.negotiated(figure, key)
            cpu = [r.get("serverCPUMicrosecondsPerRequest") for r in _ok(figures.records(figure, key))]
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                title, hellohttp.SHORT[key], spread(figures.rates(figure, key), 0), spread(cpu, 1),
                n.get("tls", "–"), n.get("cipher", "–"), n.get("serverTempKey", "–"), n.get("alpn", "–"),
                figures.failures(figure, key)))
    lines.append("")
    for figure, title in (("established", "Established connections"), ("connections", "New connections")):
        paired = figures.paired_ratios(figure)
        lines.append("- %s: GnuTLS ÷ NIOSSL = %s in requests/s (median of the rounds' ratios: %s), %s in "
                     "requests per server CPU-second." % (
                         title, ratio(_median(paired)), ", ".join(ratio(x) for x in paired) or "–",
                         ratio(divide(figures.cpu_us(figure, "hello-http-nio-ssl"), figures.cpu_us(figure, "hello-http")))))
    lines += ["",
              "Requests/s move with whatever else the machine runs (the load average before and after the run is "
              "in *The machine and the run*), which is why each round's ratio is taken from two neighbouring "
              "runs; the server's CPU per request moves much less and tells what each build would reach alone."]
    lines += ["",
              "What bounds them: over established connections each request is a few small records of AES-GCM, "
              "HTTP/2 framing and the event loop, no public-key work, so the two builds differ only in their TLS "
              "handler and record layer. A new connection is dominated by the server's RSA-2048 signature, which "
              "nettle (GnuTLS) makes %s slower than OpenSSL's (BoringSSL's is of the same kind) on this machine "
              "(%s against %s signatures/s on one core, *The machine's limits*), so the NIOSSL build opens more "
              "connections per second; the yardstick for GnuTLS is its own crypto cost per handshake, as in the TLS "
              "goals." % (ratio(divide(openssl_sign, gnutls_sign), 1), fmt(gnutls_sign, 0), fmt(openssl_sign, 0)), ""]
    for note in data.get("notes") or []:
        lines.append("- " + note)
    if data.get("notes"):
        lines.append("")
    return lines
