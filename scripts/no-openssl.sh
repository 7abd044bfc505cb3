#!/usr/bin/env bash
# `make no-openssl`: proves that the tlshello Debian package installs and runs on a Debian 12
# system that has no OpenSSL library.
#
#   1. a minimal Debian 12 root (debootstrap --variant=minbase bookworm), made once and cached
#      outside the repository (default /var/cache/tlshello/debian12-minbase);
#   2. checks that it holds no libssl/libcrypto file and no OpenSSL package, and that it has libgnutls30;
#   3. installs the package (argument 1, from `make deb`: the release binary built with
#      --static-swift-stdlib) with `dpkg -i` inside the root, so that dpkg checks its Depends
#      there, and checks with the root's own ldd that /usr/bin/tlshello needs no OpenSSL and no
#      Swift runtime library, and that every library it needs is in the root;
#   4. for TLS 1.2 and 1.3, runs `tlshello server` with no --cert from a folder without certs/ (it
#      serves the demo's certificate from /usr/share/tlshello/certs) and `tlshello client` both
#      inside the root (chroot), the client verifying the server against that certificate
#      (--cafile), and checks the exchange on both sides;
#   5. purges the package, so the cached root stays as debootstrap made it.
# Needs root (debootstrap, chroot). Every wait has a deadline; the server is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

package=${1:?usage: scripts/no-openssl.sh TLSHELLO-DEB}
root=${TLSHELLO_MINBASE_DIR:-${XDG_CACHE_HOME:-/var/cache}/tlshello/debian12-minbase}
inside=/opt/tlshello-check          # where the package is copied to and the server runs, in the root
binary=/usr/bin/tlshello
certificate=/usr/share/tlshello/certs/diegoUcamCert.pem
greeting="Hola soy tu cliente"
reply="Hola soy tu servidor...."

say() { printf '%s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'no-openssl: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: debootstrap and chroot need it"
[ -f "$package" ] || fail "no package at $package (make deb)"
scripts/ensure-packages.sh "debootstrap:debootstrap" "util-linux:flock"

# The Debian mirror this machine's apt uses for bookworm, so that debootstrap fetches from the same
# place (empty: debootstrap's default).
apt_mirror() {
  {
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null
    echo
  } | awk 'BEGIN { RS = ""; FS = "\n" }
           /(^|\n)Suites:[^\n]*[[:space:]]bookworm([[:space:]]|\n|$)/ && /(^|\n)Types:[^\n]*deb([[:space:]]|\n|$)/ {
             for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, f, /[[:space:]]+/); print f[2]; exit }
           }'
  grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -E 's/\[[^]]*\]//' | awk '$3 == "bookworm" { print $2; exit }' || true
}

# The prefix that runs a command inside the root: chroot, with /proc mounted as on any running
# system (the Swift runtime reads the command line from /proc/self/cmdline). The mount lives in a
# private mount namespace, so it ends with the command and never stays behind in the cached root.
# unshare, sh and chroot exec in turn: the PID of the prefixed command is the command's own.
in_root=(unshare --mount -- sh -c 'root=$1; shift; mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' sh "$root")

# 1. The cached root. A lock keeps two runs from building it at once. debootstrap works in
#    ROOT.partial, which gets the marker file and becomes ROOT only when complete: an interrupted
#    run starts again, and a ROOT without the marker is not ours and is left alone.
case $root in /*/*) ;; *) fail "TLSHELLO_MINBASE_DIR must be an absolute path below a folder: $root" ;; esac
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9
if [ -f "$root/.tlshello-minbase" ]; then
  say "== Debian 12 minbase root: $root (cached, made $(cat "$root/.tlshello-minbase"))"
else
  [ ! -e "$root" ] || fail "$root exists but was not made by this script: remove it or set TLSHELLO_MINBASE_DIR"
  mirror=$(apt_mirror | head -n 1) || mirror=
  say "== Debian 12 minbase root: $root (making it: debootstrap --variant=minbase bookworm${mirror:+ from the apt mirror of this machine})"
  rm -rf "$root.partial"
  started=$SECONDS
  if ! debootstrap --variant=minbase bookworm "$root.partial" ${mirror:+"$mirror"} >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2
    fail "debootstrap failed (log: $root.log)"
  fi
  date -u '+%Y-%m-%d %H:%M UTC' >"$root.partial/.tlshello-minbase"
  mv "$root.partial" "$root"
  say "   made in $((SECONDS - started)) s"
fi

# 2. No OpenSSL in the root; GnuTLS is there.
found=$(find "$root" -xdev \( -name 'libssl.so*' -o -name 'libcrypto.so*' -o -name 'libssl3*' \) -print)
[ -z "$found" ] || fail "OpenSSL files in the root: $found"
ok "no libssl.so* / libcrypto.so* file anywhere in the root (find)"
packages=$("${in_root[@]}" dpkg-query -W -f '${Package}\n' | grep -E '^(libssl|openssl)' || true)
[ -z "$packages" ] || fail "OpenSSL packages in the root: $packages"
ok "no libssl* / openssl package installed in the root (dpkg-query)"
gnutls=$("${in_root[@]}" dpkg-query -W -f '${Package} ${Version}' libgnutls30 2>/dev/null) || fail "libgnutls30 is not in the root"
ok "the root has $gnutls (minbase pulls it in for apt)"

# 3. The package installed with dpkg, and what the loader would load there.
cleanup() {  # the package purged and the copy removed: the cached root stays as debootstrap made it
  "${in_root[@]}" dpkg --purge tlshello >/dev/null 2>&1 || true
  rm -rf "${root:?}$inside"
}
server_pid= server_status=
stop_server() {  # SIGTERM to the server's PID (chroot execs it), then its exit status
  server_status=0
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || server_status=$?
  fi
  server_pid=
}
trap 'stop_server; cleanup' EXIT
cleanup
mkdir -p "$root$inside"
cp "$package" "$root$inside/tlshello.deb"
say "== dpkg -i $(basename "$package") in the root ($(du -h "$package" | cut -f1))"
installed=$("${in_root[@]}" dpkg -i "$inside/tlshello.deb" 2>&1) || { printf '%s\n' "$installed" >&2; fail "dpkg -i failed in the root"; }
printf '%s\n' "$installed" | sed 's/^/   /'
status=$("${in_root[@]}" dpkg-query -W -f '${Status} ${Version}' tlshello) || fail "dpkg does not list tlshello in the root"
[[ $status == "install ok installed "* ]] || fail "tlshello is not installed cleanly in the root: $status"
ok "dpkg -i in the root: tlshello ${status##* } installed, its Depends met by the root's own packages"
for file in "$binary" "$certificate" /usr/share/man/man1/tlshello.1.gz /usr/share/bash-completion/completions/tlshello; do
  [ -e "$root$file" ] || fail "the package did not install $file"
done
ok "installed: $binary, $certificate, the man page and the completions"
libraries=$("${in_root[@]}" /usr/bin/ldd "$binary") || fail "ldd inside the root failed: $libraries"
printf '%s\n' "$libraries" | sed 's/^/   /'
if printf '%s\n' "$libraries" | grep -qE 'libssl|libcrypto'; then fail "the binary links OpenSSL"; fi
ok "ldd in the root: no libssl / libcrypto"
if printf '%s\n' "$libraries" | grep -q 'not found'; then fail "a library the binary needs is missing from the root"; fi
ok "ldd in the root: every library found"
printf '%s\n' "$libraries" | grep -q 'libgnutls.so.30' || fail "the binary does not load libgnutls.so.30"
ok "ldd in the root: TLS comes from libgnutls.so.30"
if printf '%s\n' "$libraries" | grep -q 'libswift'; then fail "the binary needs a Swift runtime library (build it with --static-swift-stdlib)"; fi
ok "ldd in the root: no Swift runtime library (--static-swift-stdlib)"

# 4. The exchange, server and client both inside the root. chroot starts them in / (no certs/
#    there), so the server, given no --cert, serves the installed demo certificate.
for version in tlsv1.2 tlsv1.3; do
  say "== $version: tlshello server (no --cert) and tlshello client in the root (chroot), verification on"
  coproc SERVER { exec "${in_root[@]}" "$binary" server --host 127.0.0.1 --port 0 --tls-version "$version" 2>&1; }
  server_pid=$SERVER_PID
  exec 3<&"${SERVER[0]}"
  port= log=
  while IFS= read -r -t 20 line <&3; do
    log+="$line"$'\n'
    if [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
  done
  [ -n "$port" ] || { printf '%s' "$log" >&2; fail "the server in the root did not report that it listens"; }
  status=0
  client=$(timeout 30 "${in_root[@]}" "$binary" client 127.0.0.1 --port "$port" \
    --cafile "$certificate" --tls-version "$version" --timeout 10 2>&1) || status=$?
  printf '%s\n' "$client" | sed 's/^/   client: /'
  # The server logs the client's end after the exchange; read up to that line, with a deadline.
  while IFS= read -r -t 20 line <&3; do
    log+="$line"$'\n'
    [[ $line == *"4. client disconnected"* || $line == *"failed:"* ]] && break
  done
  stop_server
  exec 3<&-
  printf '%s' "$log" | sed 's/^/   server: /'
  [ "$status" -eq 0 ] || fail "$version: the client exited $status"
  [ "$server_status" -eq 0 ] || fail "$version: the server exited $server_status after SIGTERM"
  want=${version#tlsv}
  printf '%s\n' "$client" | grep -q "^1\. connected to 127\.0\.0\.1:$port: TLS$want, " || fail "$version: not negotiated"
  printf '%s\n' "$client" | grep -qx '   verified (chain and name 127.0.0.1)' || fail "$version: the client did not verify the server"
  printf '%s\n' "$client" | grep -qx "3. reply received: $reply" || fail "$version: the client did not get the reply"
  printf '%s' "$log" | grep -q "3. message received: $greeting\$" || fail "$version: the server did not get the greeting"
  printf '%s' "$log" | grep -q "handshake done: TLS$want, " || fail "$version: the server did not log the handshake"
  printf '%s' "$log" | grep -q "^certificate read: $certificate (CN=diegoUcamCert," \
    || fail "$version: the server did not serve the installed demo certificate"
  ok "$version: exchange completed inside the root (the server on the installed demo certificate), client verified chain and name, server and client exited cleanly"
done
say "no-openssl: the tlshello package installed with dpkg and ran its exchange (TLS 1.2 and 1.3, verification on) inside a Debian 12 root with no OpenSSL library"
