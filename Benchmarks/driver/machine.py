"""The machine the run is on: its description, its limits (open files), and the crypto speeds that
bound every figure (crypto-limits through GnuTLS/nettle, `gnutls-cli --benchmark-ciphers`, and
`openssl speed` for the OpenSSL/BoringSSL side of the comparison)."""
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys

from . import procs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(argv, timeout=20):
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, cwd=ROOT)
        return (done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return "unavailable (%s)" % error


def _first_line(text):
    return text.splitlines()[0].strip() if text else ""


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def describe(tlshello, benchmarks_bin):
    cpuinfo = _read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    mhz = re.findall(r"^cpu MHz\s*:\s*([\d.]+)$", cpuinfo, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    flags = flags.group(1).split() if flags else []
    meminfo = _read("/proc/meminfo")
    mem = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resolved = {}
    try:
        with open(os.path.join(ROOT, "Benchmarks", "Package.resolved")) as f:
            for pin in json.load(f).get("pins", []):
                resolved[pin.get("identity")] = pin.get("state", {}).get("version")
    except (OSError, ValueError):
        pass
    commit = _run(["git", "rev-parse", "--short", "HEAD"])
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"])
    tlshello_versions = _run([tlshello, "versions"]) if tlshello else ""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpuModel": models[0] if models else platform.processor() or "unknown",
        "cpuMHz": float(mhz[0]) if mhz else None,
        "virtualized": "hypervisor" in flags,
        "aesni": "aes" in flags,
        "cores": os.cpu_count(),
        "coresUsable": len(os.sched_getaffinity(0)),
        "kernel": "%s %s" % (platform.system(), platform.release()),
        "memoryMiB": int(mem.group(1)) // 1024 if mem else None,
        "gnutls": _first_line(tlshello_versions) or _first_line(_run(["gnutls-cli", "--version"])),
        "openssl": _first_line(_run(["openssl", "version"])),
        "python": "Python " + platform.python_version(),
        "swift": _first_line(_run(["swift", "--version"])) if shutil.which("swift") else "swift not on PATH",
        "swiftNIOSSL": resolved.get("swift-nio-ssl"),
        "swiftNIO": resolved.get("swift-nio"),
        "tlshelloCommit": commit + (" (with uncommitted changes)" if dirty and "unavailable" not in dirty else ""),
        "openFiles": {"soft": soft, "hard": hard},
        "somaxconn": _read("/proc/sys/net/core/somaxconn").strip(),
        "portRange": " ".join(_read("/proc/sys/net/ipv4/ip_local_port_range").split()),
        "tcpTwReuse": _read("/proc/sys/net/ipv4/tcp_tw_reuse").strip(),
        "loadAverageBefore": load_average(),
    }


def load_average():
    """The 1-minute load average (other work on the machine shows here)."""
    fields = _read("/proc/loadavg").split()
    return float(fields[0]) if fields else None


# ----------------------------------------------------------------------------------------------
# Open files.

CAP_NOTE = "raising it needs CAP_SYS_RESOURCE"


def raise_open_files(wanted):
    """Raises RLIMIT_NOFILE (soft and, if needed, hard) to `wanted` for this process and the
    children it starts. Returns (limit now in force, None) or (limit now in force, the bound)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft, None
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(wanted, hard)))
        return wanted, None
    except (ValueError, OSError):
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard, "hard limit of open files %d; %s" % (hard, CAP_NOTE)


# ----------------------------------------------------------------------------------------------
# Crypto speeds.

def crypto_limits(binary, rsa_key, ecdsa_key, seconds, runs=3):
    """`crypto-limits --json`, run `runs` times, each item's best run kept (on a shared virtual
    machine a measurement is only ever slowed down, never sped up): {name: {opsPerSecond, …}}, or
    a note when absent."""
    best = None
    for _ in range(runs):
        report = crypto_limits_once(binary, rsa_key, ecdsa_key, seconds)
        if report.get("skipped"):
            return report
        if best is None:
            best = report
            continue
        for name, item in report.get("items", {}).items():
            if item.get("opsPerSecond", 0) > best["items"].get(name, {}).get("opsPerSecond", 0):
                best["items"][name] = item
    best["runs"] = runs
    return best


def crypto_limits_once(binary, rsa_key, ecdsa_key, seconds):
    """One `crypto-limits --json` run."""
    if not binary or not os.access(binary, os.X_OK):
        return {"skipped": "crypto-limits not built (%s): `swift build -c release --package-path Benchmarks`" % binary}
    argv = [binary, "--json", "--rsa-key", rsa_key, "--seconds", "%g" % seconds]
    if ecdsa_key:
        argv += ["--ecdsa-key", ecdsa_key]
    proc = procs.Proc("crypto-limits", argv)
    try:
        status = proc.wait(procs.Deadline(30 * seconds + 60))
    finally:
        proc.stop()
    if status != 0:
        return {"skipped": "crypto-limits %s%s" % (procs.exit_description(status), proc.last_words())}
    try:
        report = json.loads(proc.stdout)
    except ValueError as error:
        return {"skipped": "crypto-limits printed no JSON (%s)" % error}
    return report


def gnutls_cipher_speed(deadline_seconds=40):
    """The AES-128-GCM line of `gnutls-cli --benchmark-ciphers` (its first line, about 5 s), in
    bytes/s; the command is stopped once that line is read (the whole list takes ~100 s)."""
    argv = ["gnutls-cli", "--benchmark-ciphers"]
    if shutil.which("stdbuf"):
        argv = ["stdbuf", "-oL"] + argv  # line-buffered, so that the line arrives when printed
    proc = procs.Proc("gnutls-cli --benchmark-ciphers", argv)
    try:
        match = proc.wait_for(r"AES-128-GCM\s+([\d.]+)\s+([KMG]B)/sec", procs.Deadline(deadline_seconds),
                              what="its AES-128-GCM line")
    except procs.Failed as error:
        return {"skipped": str(error)}
    finally:
        proc.stop(grace=2.0)
    value = float(match.group(1)) * {"KB": 1e3, "MB": 1e6, "GB": 1e9}[match.group(2)]
    return {"aes128gcmBytesPerSecond": value, "line": match.group(0).strip(), "payload": 16384}


def openssl_speed(seconds=1):
    """`openssl speed -mr` for RSA-2048, ECDSA P-256 and ECDH P-256 (OpenSSL's own rates, for the
    comparison with GnuTLS's)."""
    proc = procs.Proc("openssl speed", ["openssl", "speed", "-mr", "-seconds", str(seconds), "rsa2048", "ecdsap256",
                                        "ecdhp256"])
    try:
        status = proc.wait(procs.Deadline(10 * seconds + 30))
    finally:
        proc.stop()
    if status != 0:
        return {"skipped": "openssl speed %s%s" % (procs.exit_description(status), proc.last_words())}
    result = {}
    for line in proc.stdout.splitlines():
        fields = line.strip().split(":")
        try:
            if fields[0] == "+F2" and fields[2] == "2048":
                result["rsa2048Sign"], result["rsa2048Verify"] = float(fields[3]), float(fields[4])
            elif fields[0] == "+F4" and fields[2] == "256":
                result["ecdsaP256Sign"], result["ecdsaP256Verify"] = float(fields[3]), float(fields[4])
            elif fields[0] == "+F5" and fields[2] == "256":
                result["ecdhP256"] = float(fields[3])
        except (IndexError, ValueError):
            continue
    result["version"] = _first_line(_run(["openssl", "version"]))
    return result


def item_rate(limits, name):
    """ops/s of a crypto-limits item, or None."""
    items = (limits or {}).get("items") or {}
    item = items.get(name)
    if isinstance(item, dict):
        return item.get("opsPerSecond")
    if isinstance(item, (int, float)):
        return float(item)
    return None


def item_bytes(limits, name):
    items = (limits or {}).get("items") or {}
    item = items.get(name)
    return item.get("bytesPerSecond") if isinstance(item, dict) else None


def python_executable():
    return sys.executable
