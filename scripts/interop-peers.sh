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

scripts/python-venv.sh "$venv" "$requirements"
