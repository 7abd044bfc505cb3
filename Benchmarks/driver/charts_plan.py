"""The charts of docs/benchmarks.md: their names, files and the section each is shown in. Known
here, without matplotlib, so the report (system Python) can embed what Benchmarks/charts.py (the
bench's virtual environment) drew."""
import os

# key: (alt text, the heading of the section it is shown in)
CHARTS = {
    "handshakes": ("Full handshakes per second by server, C=1 and C=16, with the min–max of the rounds",
                   "## Full handshakes"),
    "latency": ("Latency quantiles p50, p90 and p99 of an exchange by server, RSA-2048, C=1 and C=16",
                "## Full handshakes"),
    "idle-memory": ("Server memory per idle connection by server", "## Idle connections: memory per connection"),
    "http": ("HelloHTTP requests per second over established HTTP/2 connections and new connections per second, "
             "GnuTLS against NIOSSL", "## HTTP/2: HelloHTTP on GnuTLS and on NIOSSL"),
}
ORDER = ["handshakes", "latency", "idle-memory", "http"]


def file_name(key, prefix="benchmarks-"):
    return "%s%s.svg" % (prefix, key)


def existing(directory, prefix="benchmarks-"):
    """{key: file name} of the charts present in `directory` (beside the markdown)."""
    return {key: file_name(key, prefix) for key in ORDER if os.path.isfile(os.path.join(directory, file_name(key, prefix)))}


def embed(lines, charts):
    """`lines` of the markdown with each chart's image after the first paragraph of its section."""
    out = list(lines)
    for key in reversed(ORDER):
        if key not in charts:
            continue
        alt, heading = CHARTS[key]
        if heading not in out:
            continue
        at = out.index(heading) + 1
        # After the heading's blank line and the paragraph that follows it.
        while at < len(out) and out[at] == "":
            at += 1
        while at < len(out) and out[at] != "":
            at += 1
        out[at:at] = ["", "![%s](%s)" % (alt, charts[key])]
    return out
