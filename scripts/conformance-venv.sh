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

scripts/python-venv.sh "$venv" "$requirements"
