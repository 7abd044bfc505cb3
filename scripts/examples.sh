#!/usr/bin/env bash
# make examples: Examples/HelloHTTP's hello-http checked with real clients, verification on.
#   scripts/examples.sh [HELLO_HTTP] [TLSHELLO]
# A fresh certificate for localhost and 127.0.0.1 (tlshello cert) is the only trust root: curl
# fetches GET / over HTTP/2 and over HTTP/1.1 (both names), nghttp over HTTP/2, h2load with ten
# streams at a time on each connection, a wrong path gets 404, and curl without the certificate
# is refused. The binary links GnuTLS and neither libssl, libcrypto nor BoringSSL. The server
# runs on a free port, is stopped by its PID with SIGTERM and must exit 0. Every failure is
# named; the status is 1 if any check failed.
set -uo pipefail
hello=${1:-Examples/HelloHTTP/.build/release/hello-http}
tlshello=${2:-.build/release/tlshello}
greeting='Hola soy tu servidor....'

failures=0
fail() { echo "examples: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "examples: ok: $*"; }

for tool in "$hello" "$tlshello"; do
  [ -x "$tool" ] || { echo "examples: $tool is not built (make examples builds it)" >&2; exit 1; }
done
for tool in curl nghttp h2load ldd nm timeout; do
  command -v "$tool" >/dev/null || { echo "examples: $tool is missing (Debian: curl, nghttp2-client, libc-bin, binutils, coreutils)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== $hello: what it links =="
libraries=$(ldd "$hello")
if grep -Eq 'libssl|libcrypto' <<<"$libraries"; then
  fail "ldd names OpenSSL: $(grep -E 'libssl|libcrypto' <<<"$libraries" | tr -s ' \t' ' ' | tr '\n' ';')"
else
  pass "ldd names no libssl and no libcrypto"
fi
grep -q 'libgnutls' <<<"$libraries" && pass "ldd names libgnutls" || fail "ldd does not name libgnutls"
symbols=$(nm "$hello" 2>&1)
# The symbol table must be there for its absence of BoringSSL to mean anything.
if grep -q 'gnutls_handshake' <<<"$symbols" && grep -q 'TLSServerHandler' <<<"$symbols"; then
  boring=$(grep -Eic 'boringssl|CNIOBoringSSL' <<<"$symbols")
  [ "$boring" -eq 0 ] && pass "symbols: GnuTLS and TLSServerHandler, no BoringSSL" \
    || fail "symbols: $boring BoringSSL symbols, e.g. $(grep -Ei 'boringssl' <<<"$symbols" | head -1)"
else
  fail "nm shows neither gnutls_handshake nor TLSServerHandler: $(head -1 <<<"$symbols")"
fi

echo "== a certificate for localhost and 127.0.0.1 =="
"$tlshello" cert --cert "$work/cert.pem" --key "$work/key.pem" --subject CN=localhost \
  --san localhost --san 127.0.0.1 --days 1 >/dev/null || { echo "examples: tlshello cert failed" >&2; exit 1; }
pass "$work/cert.pem"

echo "== hello-http --host 127.0.0.1 --port 0 =="
coproc SERVER { exec "$hello" --host 127.0.0.1 --port 0 --cert "$work/cert.pem" --key "$work/key.pem" 2>&1; }
server_pid=$SERVER_PID
exec 3<&"${SERVER[0]}"
port=
# 'listening on ADDR:PORT' is printed once the socket listens: wait for it, bounded.
while IFS= read -r -t 20 line <&3; do
  echo "server: $line"
  if [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+)$ ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
if [ -z "$port" ]; then
  echo "examples: hello-http did not print 'listening on 127.0.0.1:PORT' within 20 s" >&2
  exit 1
fi

# curl NAME PATH VERSION-FLAG EXPECTED-VERSION EXPECTED-STATUS [EXPECTED-BODY]
fetch() {
  local host=$1 path=$2 flag=$3 version=$4 status=$5 body=${6-}
  local url="https://$host:$port$path" got
  got=$(curl -sS --max-time 10 "$flag" --cacert "$work/cert.pem" -o "$work/body" \
    -w '%{http_version} %{http_code}' "$url" 2>"$work/curl.err")
  local rc=$?
  if [ $rc -ne 0 ]; then
    fail "curl $flag $url: exit $rc: $(cat "$work/curl.err")"
  elif [ "$got" != "$version $status" ]; then
    fail "curl $flag $url: HTTP/$got, expected HTTP/$version $status"
  elif [ -n "$body" ] && [ "$(cat "$work/body")" != "$body" ]; then
    fail "curl $flag $url: body '$(head -c 200 "$work/body")', expected '$body'"
  else
    pass "curl $flag $url: HTTP/$got${body:+, body '$body'}"
  fi
}

echo "== curl (--cacert: verification on) =="
fetch localhost / --http2 2 200 "$greeting"
fetch 127.0.0.1 / --http2 2 200 "$greeting"
fetch localhost / --http1.1 1.1 200 "$greeting"
fetch 127.0.0.1 / --http1.1 1.1 200 "$greeting"
fetch localhost /nothing-here --http2 2 404
fetch localhost /nothing-here --http1.1 1.1 404

# Verification really is on: without the certificate as a trust root curl must refuse (60).
curl -sS --max-time 10 --http2 -o /dev/null "https://localhost:$port/" 2>"$work/curl.err"
rc=$?
[ $rc -eq 60 ] && pass "curl without --cacert refuses the certificate (exit 60)" \
  || fail "curl without --cacert: exit $rc, expected 60: $(cat "$work/curl.err")"

echo "== nghttp (HTTP/2 only) =="
nghttp -v --timeout=10 "https://localhost:$port/" >"$work/nghttp.out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  fail "nghttp: exit $rc: $(grep -m1 -i error "$work/nghttp.out")"
elif ! grep -q 'The negotiated protocol: h2' "$work/nghttp.out"; then
  fail "nghttp: h2 was not negotiated"
elif ! grep -q ':status: 200' "$work/nghttp.out" || ! grep -qF "$greeting" "$work/nghttp.out"; then
  fail "nghttp: no 200 with the greeting"
else
  pass "nghttp https://localhost:$port/: h2 negotiated, :status 200, the greeting"
fi

echo "== h2load (HTTP/2, streams multiplexed on each connection) =="
# Many requests in flight on one connection: each burst of records must be answered in full.
timeout 30 h2load -c 2 -m 10 -n 2000 "https://127.0.0.1:$port/" >"$work/h2load.out" 2>&1
rc=$?
summary=$(grep -E '^requests:' "$work/h2load.out")
if [ $rc -eq 124 ]; then
  fail "h2load -c 2 -m 10 -n 2000: no end within 30 s (requests left unanswered): ${summary:-no summary}"
elif [ $rc -ne 0 ]; then
  fail "h2load: exit $rc: $(tail -1 "$work/h2load.out")"
elif ! grep -q '^Application protocol: h2$' "$work/h2load.out"; then
  fail "h2load: h2 was not negotiated"
elif ! grep -q '^status codes: 2000 2xx' "$work/h2load.out"; then
  fail "h2load: not every request answered 2xx: $summary"
else
  pass "h2load -c 2 -m 10 -n 2000: 2000 answers 2xx over h2"
fi

echo "== SIGTERM to hello-http (PID $server_pid) =="
kill -TERM "$server_pid"
# The server exits once its connections are closed: its output ends (EOF), bounded.
eof=
while :; do
  IFS= read -r -t 20 line <&3
  rc=$?
  if [ $rc -eq 0 ]; then echo "server: $line"; continue; fi
  [ $rc -le 128 ] && eof=yes   # above 128: the 20 s ran out
  break
done
if [ -z "$eof" ]; then
  fail "hello-http still runs 20 s after SIGTERM"
else
  wait "$server_pid"
  status=$?
  [ $status -eq 0 ] && pass "hello-http exited 0" || fail "hello-http exited $status"
fi
server_pid=

if [ $failures -ne 0 ]; then
  echo "examples: $failures check(s) failed" >&2
  exit 1
fi
echo "examples: every check passed"
