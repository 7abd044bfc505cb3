#!/usr/bin/env python3
"""The charts of docs/benchmarks.md, drawn from a run's raw figures (docs/benchmarks.json) with
matplotlib (pinned in Benchmarks/requirements.txt, in the bench's virtual environment outside the
sources: scripts/bench-venv.sh). `run-bench.py` calls it at the end of a run; `make bench-charts`
draws them again from the committed JSON.

  handshakes   full handshakes per second per server, C=1 and C=16, TLS 1.2 and 1.3, RSA-2048 and
               ECDSA P-256: bars at the median of the rounds, error bars from the fewest to the most
  latency      p50, p90 and p99 of an exchange (full handshake), RSA-2048, at C=1 and C=16
  idle-memory  server memory per idle connection at each count held
  http         HelloHTTP on GnuTLS and on NIOSSL under h2load: requests/s over established HTTP/2
               connections and new connections/s (full handshake + one request)

SVG with the Agg backend, text as paths, a fixed hash salt and no date in the metadata: drawing the
same JSON again writes the same bytes. A chart whose figures the run does not hold is not written.
  charts.py --json docs/benchmarks.json --out-dir docs [--prefix benchmarks-]
"""
import argparse
import json
import os
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from driver import charts_plan, report  # noqa: E402

OURS = "#d9480f"      # tlshello and hello-http: the servers of this project
THEIRS = ["#1c7ed6", "#5c940d", "#7048e8", "#868e96", "#0b7285"]
QUANTILES = [("p50", "#74c0fc"), ("p90", "#1c7ed6"), ("p99", "#0b3a6e")]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    """(median, below, above) for an error bar from the smallest to the largest value."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    mid = statistics.median(values)
    return mid, mid - min(values), max(values) - mid


class Charts:
    def __init__(self, data, plt, ticker):
        self.data = data
        self.plt = plt
        self.ticker = ticker
        self.report = report.Report(data)
        self.servers = self.report.servers
        self.colours = {}
        others = iter(THEIRS)
        for key in self.servers:
            self.colours[key] = OURS if key == "tlshello" else next(others)

    def label(self, key):
        kind = report.KINDS[key]
        if key == "tlshello":
            return kind.short + " (this project)"
        return kind.short + (" (handshake only)" if kind.hello_mode == "handshake" else "")

    def tick_label(self, key):
        kind = report.KINDS[key]
        return kind.short + ("\n(handshake only)" if kind.hello_mode == "handshake" else "")

    def mark_ours(self, ax, keys):
        """tlshello's tick label in its colour and bold, and a light band behind its bars."""
        for tick, key in zip(ax.get_xticklabels(), keys):
            if key == "tlshello":
                tick.set_color(OURS)
                tick.set_fontweight("bold")
        if "tlshello" in keys:
            x = keys.index("tlshello")
            ax.axvspan(x - 0.46, x + 0.46, color=OURS, alpha=0.07, linewidth=0, zorder=0)

    def figure(self, rows, cols, height):
        fig, axes = self.plt.subplots(rows, cols, figsize=(10, height), squeeze=False)
        return fig, axes

    # -- handshakes -----------------------------------------------------------------------------

    def handshakes(self):
        settings = [(cert, version) for cert in ("rsa2048", "ecdsa-p256") for version in ("tlsv1.2", "tlsv1.3")
                    if self.report.figure(figure="handshake", cert=cert, version=version).records]
        if not settings:
            return None
        fig, axes = self.figure(2, 1, 8)
        width = 0.8 / max(1, len(self.servers))
        for row, connections in enumerate((1, 16)):
            ax = axes[row][0]
            for i, key in enumerate(self.servers):
                xs, heights, below, above = [], [], [], []
                for x, (cert, version) in enumerate(settings):
                    f = self.report.figure(figure="handshake", cert=cert, version=version,
                                           connections=connections, server=key)
                    s = spread(f.rates)
                    if s is None:
                        continue
                    xs.append(x - 0.4 + width * (i + 0.5))
                    heights.append(s[0])
                    below.append(s[1])
                    above.append(s[2])
                ax.bar(xs, heights, width * 0.92, yerr=[below, above], capsize=2.5, color=self.colours[key],
                       label=self.label(key), error_kw={"elinewidth": 0.9, "ecolor": "#212529"},
                       edgecolor="#212529" if key == "tlshello" else "none", linewidth=0.8)
            ax.set_xticks(range(len(settings)))
            ax.set_xticklabels(["%s, TLS %s" % (report.CERT_SHORT[c], v[4:]) for c, v in settings])
            ax.set_ylabel("full handshakes per second")
            ax.yaxis.set_major_formatter(self.thousands())
            ax.set_title("C=%d (%s)" % (connections, "one connection at a time" if connections == 1
                                         else "16 concurrent connections"), fontsize=10)
            ax.grid(axis="y", color="#dee2e6", linewidth=0.6)
            ax.set_axisbelow(True)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", fontsize=8, ncol=len(self.servers), frameon=False,
                   bbox_to_anchor=(0.5, 0.955))
        fig.suptitle("Full handshakes per second, by server (median of %d rounds; error bars from the fewest to the most)"
                     % self.rounds(), fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.93))
        return fig

    def thousands(self):
        return self.ticker.FuncFormatter(lambda v, _: "{:,.0f}".format(v))

    def rounds(self):
        return (self.data.get("parameters") or {}).get("rounds") or 1

    # -- latency --------------------------------------------------------------------------------

    def latency(self):
        cert = "rsa2048"
        versions = [v for v in ("tlsv1.2", "tlsv1.3")
                    if self.report.figure(figure="handshake", cert=cert, version=v).records]
        if not versions:
            return None
        fig, axes = self.plt.subplots(len(versions), 2, figsize=(10, 3.8 * len(versions)), squeeze=False,
                                      sharey=True)
        ticker = self.ticker
        for row, version in enumerate(versions):
            for col, connections in enumerate((1, 16)):
                ax = axes[row][col]
                width = 0.8 / len(QUANTILES)
                for q, (name, colour) in enumerate(QUANTILES):
                    xs, ys = [], []
                    for x, key in enumerate(self.servers):
                        f = self.report.figure(figure="handshake", cert=cert, version=version,
                                               connections=connections, server=key)
                        value = median(f.values(lambda r, name=name: r["bench"]["latencyMilliseconds"][name]))
                        if value is not None:
                            xs.append(x - 0.4 + width * (q + 0.5))
                            ys.append(value)
                    ax.bar(xs, ys, width * 0.92, color=colour, label=name)
                ax.set_yscale("log")
                ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
                ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: "{:,g}".format(v)))
                ax.yaxis.set_minor_formatter(ticker.NullFormatter())
                ax.set_xticks(range(len(self.servers)))
                ax.set_xticklabels([self.tick_label(k) for k in self.servers], fontsize=8)
                self.mark_ours(ax, self.servers)
                if col == 0:
                    ax.set_ylabel("milliseconds (log scale)")
                ax.set_title("TLS %s, C=%d" % (version[4:], connections), fontsize=10)
                ax.grid(axis="y", which="both", color="#dee2e6", linewidth=0.5)
                ax.set_axisbelow(True)
        axes[0][0].legend(fontsize=8, frameon=False, title="quantile", title_fontsize=8, loc="upper right")
        fig.suptitle("Latency of one exchange (connect, full handshake, greeting and reply), RSA-2048\n"
                     "median over %d rounds of each run's quantile; shaded: tlshello" % self.rounds(), fontsize=11)
        fig.tight_layout()
        return fig

    # -- idle memory ----------------------------------------------------------------------------

    def idle_memory(self):
        records = [r for r in self.report.records if r.get("figure") == "idle" and r.get("kibPerConnection") is not None]
        if not records:
            return None
        counts = sorted({r["connections"] for r in records})
        ys_all = [r["kibPerConnection"] for r in records]
        keys = [k for k in self.servers if any(r["server"] == k for r in records)]
        fig, axes = self.figure(1, 1, 4.2)
        ax = axes[0][0]
        width = 0.8 / len(keys)
        for i, key in enumerate(keys):
            xs, ys = [], []
            for x, count in enumerate(counts):
                value = median([r["kibPerConnection"] for r in records if r["server"] == key and r["connections"] == count])
                if value is not None:
                    xs.append(x - 0.4 + width * (i + 0.5))
                    ys.append(value)
            bars = ax.bar(xs, ys, width * 0.92, color=self.colours[key], label=self.label(key),
                          edgecolor="#212529" if key == "tlshello" else "none", linewidth=0.8)
            ax.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
            for x, count in enumerate(counts):
                tried = [r for r in self.report.records if r.get("figure") == "idle" and r["server"] == key
                         and r.get("connections") == count and r.get("kibPerConnection") is None]
                if tried:
                    why = "exited" if tried[0].get("serverExited") else "failed"
                    ax.text(x - 0.4 + width * (i + 0.5), 0.5, "no figure:\n%s after\n{:,} held".format(tried[0].get("held") or 0)
                            % why, ha="center", va="bottom", fontsize=7, color="#495057")
        ax.set_xticks(range(len(counts)))
        ax.set_xticklabels(["{:,} connections held".format(c) for c in counts])
        ax.set_ylabel("KiB of server RSS per connection")
        ax.grid(axis="y", color="#dee2e6", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        ax.set_ylim(0, max(ys_all) * 1.3)
        cert = report.CERT_SHORT.get((self.data.get("parameters") or {}).get("idleCert"), "")
        ax.set_title("Server memory per idle connection (TLS 1.3, %s; VmRSS growth ÷ connections held)" % cert,
                     fontsize=11)
        fig.tight_layout()
        return fig

    # -- HTTP -----------------------------------------------------------------------------------

    def http(self):
        http = self.data.get("http") or {}
        runs = [r for r in http.get("runs") or [] if r.get("h2load") and not r.get("error")]
        if not runs:
            return None
        servers = [k for k in ("hello-http", "hello-http-nio-ssl") if any(r["server"] == k for r in runs)]
        p = http.get("parameters") or {}
        panels = [("established", "requests/s over %s established HTTP/2 connections" % p.get("connections", "?"),
                   "requests per second"),
                  ("connections", "new connections/s (full handshake + one request)", "connections per second")]
        fig, axes = self.figure(1, 2, 4.2)
        for col, (figure, title, unit) in enumerate(panels):
            ax = axes[0][col]
            for x, key in enumerate(servers):
                s = spread([r["h2load"]["requestsPerSecond"] for r in runs if r["server"] == key and r["figure"] == figure])
                if s is None:
                    continue
                ours = key == "hello-http"
                bars = ax.bar([x], [s[0]], 0.6, yerr=[[s[1]], [s[2]]], capsize=4,
                              color=OURS if ours else self.colours.get("nio-ssl", THEIRS[0]), edgecolor="#212529" if ours else "none", linewidth=0.8,
                              error_kw={"elinewidth": 0.9, "ecolor": "#212529"})
                ax.bar_label(bars, labels=["{:,.0f}".format(s[0])], fontsize=8, padding=3)
            ax.set_xticks(range(len(servers)))
            ax.set_xticklabels(["hello-http\n(GnuTLS, this project)" if k == "hello-http" else "hello-http-nio-ssl\n(NIOSSL, BoringSSL)"
                                for k in servers], fontsize=9)
            ax.set_ylabel(unit)
            ax.yaxis.set_major_formatter(self.thousands())
            ax.set_title(title, fontsize=10)
            ax.margins(y=0.15)
            ax.grid(axis="y", color="#dee2e6", linewidth=0.6)
            ax.set_axisbelow(True)
        fig.suptitle("HelloHTTP under h2load: median of %d rounds, error bars from the fewest to the most"
                     % (p.get("rounds") or self.rounds()), fontsize=11)
        fig.tight_layout()
        return fig


def configure(matplotlib):
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "tlshello-benchmarks",  # the ids of clip paths, the same on every run
        "svg.fonttype": "none",                 # text stays text: smaller files, diffable
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def draw(data, out_dir, prefix="benchmarks-"):
    """Draws every chart the run's figures allow into out_dir; returns [(key, path)] written."""
    import matplotlib
    configure(matplotlib)
    import matplotlib.pyplot as plt
    import matplotlib.ticker as ticker

    charts = Charts(data, plt, ticker)
    makers = {"handshakes": charts.handshakes, "latency": charts.latency, "idle-memory": charts.idle_memory,
              "http": charts.http}
    written = []
    for key in charts_plan.ORDER:
        fig = makers[key]()
        if fig is None:
            continue
        path = os.path.join(out_dir, charts_plan.file_name(key, prefix))
        fig.savefig(path, format="svg", metadata={"Title": charts_plan.CHARTS[key][0], "Date": None, "Creator": None})
        plt.close(fig)
        written.append((key, path))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="Draw docs/benchmarks.md's charts from a run's benchmarks.json.")
    parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                       "docs", "benchmarks.json"), help="the run's raw figures")
    parser.add_argument("--out-dir", help="where the SVG files go (default: beside --json)")
    parser.add_argument("--prefix", default="benchmarks-", help="start of each file's name (default benchmarks-)")
    args = parser.parse_args(argv)
    try:
        with open(args.json) as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        print("charts: cannot read %s: %s" % (args.json, error), file=sys.stderr)
        return 2
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("charts: matplotlib is not installed in %s (make bench-charts installs it)" % sys.executable, file=sys.stderr)
        return 2
    out_dir = args.out_dir or os.path.dirname(os.path.abspath(args.json))
    os.makedirs(out_dir, exist_ok=True)
    for key, path in draw(data, out_dir, args.prefix):
        print("chart %s: %s" % (key, os.path.relpath(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
