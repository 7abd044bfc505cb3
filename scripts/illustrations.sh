#!/usr/bin/env bash
# make illustrations: the demo's exchange at TLS 1.3 and TLS 1.2 written as illustrated pages
# (tlshello client --illustrate) into docs/illustrated-tls13.html and docs/illustrated-tls12.html,
# and a screenshot of the TLS 1.3 page (headless Chromium) into docs/illustrated-tls13.png.
# Release binary, certs/ of the repository, loopback, verification on; each server started on a
# free port and stopped by its PID, Chromium run in a process group of its own with a throwaway
# profile. The pages hold the secrets of these two demo connections, and nothing else.
#   scripts/illustrations.sh [BINARY] [OUTPUT-DIRECTORY]
set -uo pipefail
binary=${1:-.build/release/tlshello}
out=${2:-docs}
mkdir -p "$out"

server_pid=
profile=$(mktemp -d)
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  server_pid=
}
trap 'cleanup; rm -rf "$profile"' EXIT

# page NAME VERSION: one exchange at VERSION, illustrated by the client into $out/NAME.html.
page() {
  local name=$1 version=$2
  coproc SERVER { exec "$binary" server --host 127.0.0.1 --port 0 --tls-version "$version" 2>&1; }
  server_pid=$SERVER_PID
  exec 3<&"${SERVER[0]}"
  local port= line
  # The server prints 'listening on ADDR:PORT' once its socket listens: wait for that line.
  while IFS= read -r -t 20 line <&3; do
    if [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
  done
  if [ -z "$port" ]; then
    echo "illustrations: the server did not report that it listens" >&2
    exit 1
  fi
  local command=("$binary" client 127.0.0.1 --port "$port" --cafile certs/diegoUcamCert.pem
                 --tls-version "$version" --illustrate "$out/$name.html")
  echo "== ${command[*]}"
  if ! "${command[@]}" >/dev/null 2>"$out/.$name.err"; then
    cat "$out/.$name.err" >&2
    exit 1
  fi
  rm -f "$out/.$name.err"
  [ -s "$out/$name.html" ] || { echo "illustrations: $out/$name.html was not written" >&2; exit 1; }
  # Published documentation: readable by all (the secrets are those of this demo connection only).
  chmod 0644 "$out/$name.html"
  exec 3<&-
  cleanup
  echo "   wrote $out/$name.html"
}

page illustrated-tls13 tlsv1.3
page illustrated-tls12 tlsv1.2

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  echo "illustrations: chromium is missing (scripts/ensure-packages.sh test installs it): no screenshot" >&2
  exit 1
fi
# timeout runs Chromium in a process group of its own and kills the whole group at the deadline.
timeout --kill-after=5 90 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" --window-size=1280,1500 --screenshot="$out/illustrated-tls13.png" \
  "file://$(cd "$out" && pwd)/illustrated-tls13.html" 2>/dev/null
[ -s "$out/illustrated-tls13.png" ] || { echo "illustrations: no screenshot was taken" >&2; exit 1; }
echo "   wrote $out/illustrated-tls13.png"
