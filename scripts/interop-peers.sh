#!/usr/bin/env bash
# Installs the peers of `make interop` when they are absent:
#   - Debian packages: openssl (s_client/s_server), gnutls-bin (gnutls-cli, gnutls-serv, certtool),
#     python3, iproute2 (ip) and util-linux (unshare, nsenter) for gnutls-serv's own network namespace;
#   - tlslite-ng from PyPI, pinned in interop/tlslite/requirements.txt, into a virtual environment
#     outside the sources (default .build-interop/venv, ignored by git), made again when the pins change.
# Prints the Python to run the tlslite-ng peer with on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.build-interop/venv}
requirements=interop/tlslite/requirements.txt

scripts/ensure-packages.sh test "iproute2:ip" "util-linux:unshare" "util-linux:nsenter" >&2

if ! cmp -s "$requirements" "$venv/requirements.txt" || ! "$venv/bin/python" -c 'import tlslite' 2>/dev/null; then
  echo "tlshello: installing tlslite-ng into $venv" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's own python3 makes virtual environments only with python3-venv installed.
    rm -rf "$venv"
    scripts/ensure-packages.sh "python3-venv:" >&2
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv/bin/python"
