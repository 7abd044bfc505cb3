#!/usr/bin/env bash
# Makes the Python that runs tlsfuzzer for `make conformance`: a virtual environment outside the
# sources (default .build-conformance/venv, ignored by git) with the pins of
# conformance/requirements.txt (tlslite-ng from PyPI), made again when the pins change.
# Prints that Python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.build-conformance/venv}
requirements=conformance/requirements.txt

scripts/ensure-packages.sh "python3:python3" >&2

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
