#!/usr/bin/env python3
"""Where a tlshello server's handshake goes, instruction by instruction.

Runs `tlshello server` under `valgrind --tool=callgrind`, drives it with `tlshello bench` for a
few seconds per scenario, and splits the server's instructions per exchange into the
public-key operations (the signature, the key exchange), hashing (transcript, HKDF, HMAC), the
record cipher, and everything else (GnuTLS's state machine, SwiftNIO, tlshello). Callgrind counts
instructions, not seconds: the split is the same on a loaded machine, which is what makes it the
proof of a CPU-per-handshake bound. It counts user-space instructions only (not the kernel's
socket work).

Usage: profile-server.py --tlshello .build/release/tlshello [--seconds 4] [--markdown FILE]
Needs valgrind (Debian: valgrind). Processes are stopped by PID; temporary files are removed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Inclusive cost of these functions (exported by nettle/hogweed) is attributed to a category.
# Callers never nest across categories (a signature does not call the key exchange).
CATEGORIES = [
    ("RSA signature", [r"nettle_rsa_pss_sha256_sign_digest_tr", r"nettle_rsa_pkcs1_sign_tr",
                       r"nettle_rsa_sha256_sign_digest_tr", r"nettle_rsa_sha512_sign_digest_tr"]),
    ("ECDSA signature", [r"nettle_ecdsa_sign"]),
    ("key exchange (X25519/P-256)", [r"nettle_curve25519_mul_g", r"nettle_curve25519_mul",
                                     r"nettle_ecc_point_mul_g", r"nettle_ecc_point_mul",
                                     r"nettle_ecdsa_generate_keypair"]),
    ("hashing (transcript, HKDF, HMAC)", [r"_nettle_sha256_compress", r"_nettle_sha512_compress"]),
]

SCENARIOS = [
    # label, server args, bench args, (certificate, version, kind) for the JSON
    ("full, TLS 1.3, RSA-2048", [], [], ("rsa2048", "tlsv1.3", "full")),
    ("full, TLS 1.2, RSA-2048", [], ["--priority", "TLS12"], ("rsa2048", "tlsv1.2", "full")),
    ("full, TLS 1.3, ECDSA P-256", ["ECDSA"], [], ("ecdsa-p256", "tlsv1.3", "full")),
    ("resumed, TLS 1.3", [], ["--mode", "resume"], ("rsa2048", "tlsv1.3", "resumed")),
]


def secure_default_tls12(tlshello):
    """The secure default priority string with TLS 1.3 taken out (same preferences, TLS 1.2 only)."""
    out = subprocess.run([tlshello, "versions"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"(NORMAL:-VERS-ALL:\+VERS-TLS1\.3:\+VERS-TLS1\.2\S*)", out)
    if not match:
        raise SystemExit("profile-server: cannot read the secure default from 'tlshello versions'")
    return match.group(1).replace("+VERS-TLS1.3:", "")


def wait_for_line(process, text, deadline):
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if text in line:
            return line
    return None


def run_scenario(tlshello, stripped, workdir, seconds, server_args, bench_args):
    out_prefix = os.path.join(workdir, "callgrind.out")
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_prefix}.%p", stripped,
               "server", "--port", "0", "--quiet", "--handshake-timeout", "120"] + server_args
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = wait_for_line(server, "listening on", time.monotonic() + 120)
        if not line:
            raise SystemExit("profile-server: the server under valgrind did not start")
        port = re.search(r"listening on [0-9.]+:(\d+)", line).group(1)
        base = [tlshello, "bench", "127.0.0.1", "--port", port, "--timeout", "120", "--json"]
        # Warm up (first connection, lazy initialisation), then zero the counters and measure.
        subprocess.run(base + ["--duration", "0.2"] + bench_args, capture_output=True, timeout=300)
        subprocess.run(["callgrind_control", "-z", str(server.pid)], capture_output=True, timeout=60)
        result = subprocess.run(base + ["--duration", str(seconds)] + bench_args,
                                capture_output=True, text=True, timeout=300)
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        subprocess.run(["callgrind_control", "-d", str(server.pid)], capture_output=True, timeout=60)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    dumps = sorted(f for f in os.listdir(workdir) if f.startswith("callgrind.out.") and f.endswith(".1"))
    if not dumps:
        raise SystemExit("profile-server: callgrind wrote no dump")
    dump = os.path.join(workdir, dumps[-1])
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dump],
                               capture_output=True, text=True, timeout=300).stdout
    for name in os.listdir(workdir):
        if name.startswith("callgrind.out."):
            os.remove(os.path.join(workdir, name))
    return summary, annotated


def split(annotated, exchanges):
    inclusive = {}
    total = None
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)$", line)
        if not match:
            continue
        count = int(match.group(1).replace(",", ""))
        name = match.group(2)
        if "PROGRAM TOTALS" in name:
            total = count
            continue
        symbol = name.split(":", 1)[1].split(" [")[0] if ":" in name else name
        inclusive[symbol] = max(inclusive.get(symbol, 0), count)
    if not total or exchanges <= 0:
        raise SystemExit("profile-server: no totals in the callgrind output")
    rows = []
    counted = 0
    for label, patterns in CATEGORIES:
        cost = 0
        for symbol, count in inclusive.items():
            if any(re.fullmatch(p + r".*", symbol) for p in patterns):
                # Avoid double counting a function and its own callee of the same category
                # (curve25519_mul and curve25519_mul_g are siblings; ecc_point_mul_g is called by
                # ecdsa_generate_keypair): keep outermost entries only.
                cost += count
        if label.startswith("key exchange"):
            inner = inclusive.get("nettle_ecc_point_mul_g", 0)
            if inclusive.get("nettle_ecdsa_generate_keypair", 0) >= inner:
                cost -= inner
        rows.append((label, cost / exchanges))
        counted += cost
    rows = [row for row in rows if row[1] > 0]
    rows.append(("everything else (GnuTLS's state machine and records, SwiftNIO, tlshello, libc)",
                 (total - counted) / exchanges))
    return total / exchanges, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tlshello", default=os.path.join(ROOT, ".build", "release", "tlshello"))
    parser.add_argument("--seconds", type=float, default=4.0, help="measured seconds per scenario (under valgrind)")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--json", help="also write the figures to this file (make bench's goals read it)")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "callgrind_annotate", "objcopy"):
        if not shutil.which(tool):
            raise SystemExit(f"profile-server: {tool} is missing (Debian: apt-get install valgrind binutils)")
    tlshello = os.path.abspath(args.tlshello)
    workdir = tempfile.mkdtemp(prefix="tlshello-profile-")
    try:
        # valgrind 3.19 cannot read the DWARF 5 of Swift binaries: profile a copy without it.
        stripped = os.path.join(workdir, "tlshello")
        subprocess.run(["objcopy", "--strip-debug", tlshello, stripped], check=True)
        ecdsa_cert = os.path.join(workdir, "ecdsa.pem")
        ecdsa_key = os.path.join(workdir, "ecdsa.key")
        subprocess.run([tlshello, "cert", "--cert", ecdsa_cert, "--key", ecdsa_key, "--key-type", "ecdsa",
                        "--subject", "CN=localhost", "--san", "localhost", "--san", "127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        tls12 = secure_default_tls12(tlshello)
        sections = []
        figures = []
        for label, server_args, bench_args, (cert, version, kind) in SCENARIOS:
            server_args = (["--cert", ecdsa_cert, "--key", ecdsa_key] if server_args == ["ECDSA"] else server_args)
            bench_args = [tls12 if a == "TLS12" else a for a in bench_args]
            print(f"profile: {label} …", file=sys.stderr, flush=True)
            summary, annotated = run_scenario(tlshello, stripped, workdir, args.seconds, server_args, bench_args)
            per_exchange, rows = split(annotated, summary["exchanges"])
            crypto = sum(cost for name, cost in rows if "signature" in name or name.startswith("key exchange"))
            figures.append({"label": label, "cert": cert, "version": version, "kind": kind,
                            "exchanges": summary["exchanges"], "instructionsPerExchange": round(per_exchange),
                            "signatureAndKeyExchange": round(crypto),
                            "ratio": round(per_exchange / crypto, 4) if crypto else None,
                            "split": {name: round(cost) for name, cost in rows}})
            lines = [f"#### Server, {label}: {summary['exchanges']} exchanges "
                     f"({summary.get('protocol')}, {summary.get('cipherSuite')}, {summary.get('group')}, "
                     f"{summary.get('resumed', 0)} resumed)", "",
                     "| where | instructions per exchange | share |", "|---|---:|---:|"]
            for name, cost in rows:
                lines.append(f"| {name} | {cost:,.0f} | {100 * cost / per_exchange:.1f}% |")
            lines.append(f"| **total** | **{per_exchange:,.0f}** | 100% |")
            if crypto > 0:
                lines.append("")
                lines.append(f"All instructions ÷ (signature + key exchange): **{per_exchange / crypto:.3f}×**.")
            sections.append("\n".join(lines))
        header = ("# Where the server's time goes\n\n"
                  "Written by `make bench` (`Benchmarks/profile-server.py`): `tlshello server` under "
                  "`valgrind --tool=callgrind`, driven by `tlshello bench` (one connection, the secure default "
                  "unless stated), instructions per exchange split by the nettle functions they run in. "
                  "User-space instructions only: the kernel's socket work is not counted. The share of the "
                  "signature plus the key exchange is the server's distance from its crypto bound.\n\n")
        text = header + "\n\n".join(sections) + "\n"
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as handle:
                handle.write(text)
        if args.json:
            with open(args.json, "w") as handle:
                json.dump({"tool": "profile-server", "scenarios": figures}, handle, indent=1)
                handle.write("\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
