#!/usr/bin/env bash
# The demo's exchange on loopback: a tlshello server on a free port, a tlshello client against it
# with verification on (trusting certs/diegoUcamCert.pem), both sides' steps shown, the server
# stopped afterwards by its PID.
set -euo pipefail
binary=${1:-.build/release/tlshello}
shift || true
log=$(mktemp)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT INT TERM

"$binary" server --host 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
server_pid=$!

# Wait for the readiness line (printed only once the socket listens), 20 s at most.
port=
for _ in $(seq 200); do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "demo: the server did not start" >&2; exit 1; }
  read -r -t 0.1 <> <(:) || true
done
[ -n "$port" ] || { cat "$log"; echo "demo: no readiness line from the server" >&2; exit 1; }

echo "== server (tlshello server --port 0) =="
cat "$log"
echo
echo "== client (tlshello client 127.0.0.1 --port $port --cafile certs/diegoUcamCert.pem) =="
"$binary" client 127.0.0.1 --port "$port" --cafile certs/diegoUcamCert.pem
status=$?

# The server logs step 4 once the client has gone; stop it and show what it printed.
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
echo
echo "== server, after the exchange =="
tail -n +3 "$log"
exit $status
