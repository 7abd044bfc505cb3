#!/usr/bin/env bash
# Makes the Python that draws the charts of `make bench` (Benchmarks/charts.py): a virtual
# environment outside the sources (default .build-bench/venv, ignored by git) with the pins of
# Benchmarks/requirements.txt (matplotlib from PyPI), made again when the pins change.
# Prints that Python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.build-bench/venv}
requirements=Benchmarks/requirements.txt

scripts/ensure-packages.sh "python3:python3" >&2

scripts/python-venv.sh "$venv" "$requirements" matplotlib
