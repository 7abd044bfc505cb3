#!/usr/bin/env bash
# The demo's exchange on loopback: a tlshello server on a free port, a tlshello client against it
# with verification on (trusting certs/diegoUcamCert.pem), both sides' steps shown, the server
# stopped afterwards by its PID.
set -uo pipefail
binary=${1:-.build/release/tlshello}
[ $# -gt 0 ] && shift

coproc SERVER { exec "$binary" server --host 127.0.0.1 --port 0 "$@" 2>&1; }
server_pid=$SERVER_PID
exec 3<&"${SERVER[0]}"
cleanup() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
}
trap cleanup EXIT

echo "== server: tlshello server --host 127.0.0.1 --port 0 =="
port=
# The server prints 'listening on ADDR:PORT' only once its socket listens: wait for that line.
while IFS= read -r -t 20 line <&3; do
  echo "$line"
  if [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
if [ -z "$port" ]; then
  echo "demo: the server did not report that it listens" >&2
  exit 1
fi

echo
echo "== client: tlshello client 127.0.0.1 --port $port --cafile certs/diegoUcamCert.pem --trace =="
"$binary" client 127.0.0.1 --port "$port" --cafile certs/diegoUcamCert.pem --trace
status=$?

echo
echo "== server, after the exchange (stopped with SIGTERM) =="
kill -TERM "$server_pid"
while IFS= read -r -t 20 line <&3; do echo "$line"; done
wait "$server_pid"
server_status=$?
[ $status -eq 0 ] && [ $server_status -eq 0 ] && echo && echo "demo: exchange completed, verification on, server exited 0"
[ $status -eq 0 ] && exit $server_status
exit $status
