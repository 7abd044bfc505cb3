#!/usr/bin/env bash
# Makes a virtual environment outside the sources with the pins of a requirements file, made
# again when the pins change (or when MODULE, default tlslite, does not import); prints its Python on
# the last line. Used by scripts/interop-peers.sh (tlslite-ng peer), scripts/conformance-venv.sh
# (tlsfuzzer) and scripts/bench-venv.sh (matplotlib).
#   scripts/python-venv.sh VENV REQUIREMENTS [MODULE]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
requirements=$2
module=${3:-tlslite}

if ! cmp -s "$requirements" "$venv/requirements.txt" || ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
  echo "tlshello: installing $requirements into $venv" >&2
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
