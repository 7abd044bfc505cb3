#!/usr/bin/env bash
# make diagrams: the demo's exchange drawn as ladder diagrams (tlshello client --diagram) for
# docs/: TLS 1.3, TLS 1.2, and a failed handshake (a TLS 1.2 client against a TLS 1.3 server).
# Release binary, certs/ of the repository, loopback, verification on; each server started on a
# free port and stopped by its PID.
#   scripts/diagrams.sh [BINARY] [OUTPUT-DIRECTORY]
# To add a picture: one more `picture NAME SERVER-ARGS -- CLIENT-ARGS` line at the end (the client
# arguments may name further output files under "$out").
set -uo pipefail
binary=${1:-.build/release/tlshello}
out=${2:-docs}
mkdir -p "$out"

server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  server_pid=
}
trap cleanup EXIT

# picture NAME [SERVER-ARGS…] -- [CLIENT-ARGS…]: one exchange, drawn by the client into $out/NAME.svg.
# A client that fails is expected when NAME ends in -mismatch (its diagram shows the failure).
picture() {
  local name=$1; shift
  local server_args=() client_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do server_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  client_args=("$@")

  coproc SERVER { exec "$binary" server --host 127.0.0.1 --port 0 "${server_args[@]}" 2>&1; }
  server_pid=$SERVER_PID
  exec 3<&"${SERVER[0]}"
  local port= line
  # The server prints 'listening on ADDR:PORT' once its socket listens: wait for that line.
  while IFS= read -r -t 20 line <&3; do
    if [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
  done
  if [ -z "$port" ]; then
    echo "diagrams: the server did not report that it listens" >&2
    exit 1
  fi
  local command=("$binary" client 127.0.0.1 --port "$port" --cafile certs/diegoUcamCert.pem
                 --diagram "$out/$name.svg" "${client_args[@]}")
  echo "== ${command[*]}"
  "${command[@]}" >/dev/null 2>"$out/.$name.err"
  local status=$?
  if [[ $name == *-mismatch ]]; then
    [ $status -ne 0 ] || { echo "diagrams: $name: the handshake was expected to fail" >&2; exit 1; }
  elif [ $status -ne 0 ]; then
    cat "$out/.$name.err" >&2
    exit 1
  fi
  rm -f "$out/.$name.err"
  [ -s "$out/$name.svg" ] || { echo "diagrams: $out/$name.svg was not written" >&2; exit 1; }
  exec 3<&-
  cleanup
  echo "   wrote $out/$name.svg"
}

picture handshake-tls13 --tls-version tlsv1.3 -- --tls-version tlsv1.3
picture handshake-tls12 --tls-version tlsv1.2 -- --tls-version tlsv1.2
picture handshake-version-mismatch --tls-version tlsv1.3 -- --tls-version tlsv1.2
