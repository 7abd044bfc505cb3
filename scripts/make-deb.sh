#!/usr/bin/env bash
# `make deb`: the Debian package of the tlshello command.
#
#   scripts/make-deb.sh STATIC-TLSHELLO-BINARY BUILD-DIR OUT-DIR
#
# STATIC-TLSHELLO-BINARY is the release build with the Swift runtime linked in (`make static`);
# BUILD-DIR holds man/tlshello.1 and completions/ (`make man`). Lays out, in OUT-DIR/debian/tlshello
# (where dpkg-shlibdeps expects a package's files):
#   /usr/bin/tlshello                                  the binary, stripped
#   /usr/share/tlshello/certs/diegoUcamCert.pem, …Key.pem   the demo's certificate and key, which
#                                                      `tlshello server` serves when no --cert is
#                                                      given and ./certs has none
#   /usr/share/man/man1/tlshello.1.gz                  tlshello(1)
#   /usr/share/bash-completion/completions/tlshello, /usr/share/zsh/vendor-completions/_tlshello,
#   /usr/share/fish/vendor_completions.d/tlshello.fish
#   /usr/share/doc/tlshello/copyright, changelog.gz
# then computes Depends with dpkg-shlibdeps (and fails if it names anything but GnuTLS and the C
# and C++ runtimes), builds OUT-DIR/tlshello_VERSION_ARCH.deb with dpkg-deb --root-owner-group,
# and runs lintian on it: an error fails, warnings are listed.
# Environment: DEB_VERSION (default: 0.1.0+gitYYYYMMDD.HASH of the last commit),
# DEB_MAINTAINER (default: tlshello maintainers <tlshello@example.org>).
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/make-deb.sh STATIC-TLSHELLO-BINARY BUILD-DIR OUT-DIR"
binary=${1:?$usage}
build=${2:?$usage}
out=${3:?$usage}

fail() { printf 'make-deb: FAILED: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }
[ -x "$binary" ] || fail "no binary at $binary (make static)"
[ -f "$build/man/tlshello.1" ] || fail "no $build/man/tlshello.1 (make man)"
for file in tlshello.bash _tlshello tlshello.fish; do
  [ -f "$build/completions/$file" ] || fail "no $build/completions/$file (make man)"
done

if commit_date=$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null); then
  version=${DEB_VERSION:-0.1.0+git$commit_date.$(git rev-parse --short HEAD)}
  changelog_date=$(git log -1 --format=%cD)
  commit=$(git rev-parse HEAD)
else
  version=${DEB_VERSION:-0.1.0}
  changelog_date=$(date -R)
  commit="a source tree without git history"
fi
maintainer=${DEB_MAINTAINER:-tlshello maintainers <tlshello@example.org>}
architecture=$(dpkg --print-architecture)

root=$out/debian/tlshello
rm -rf "$out/debian" "$out"/tlshello_*.deb
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/tlshello/certs" "$root/usr/share/man/man1" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/doc/tlshello"

install -m 0755 "$binary" "$root/usr/bin/tlshello"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/tlshello"
install -m 0644 certs/diegoUcamCert.pem certs/diegoUcamKey.pem "$root/usr/share/tlshello/certs/"
gzip -9n -c "$build/man/tlshello.1" >"$root/usr/share/man/man1/tlshello.1.gz"
# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
sed '1{/^#!/d}' "$build/completions/tlshello.bash" >"$root/usr/share/bash-completion/completions/tlshello"
chmod 0644 "$root/usr/share/bash-completion/completions/tlshello"
install -m 0644 "$build/completions/_tlshello" "$root/usr/share/zsh/vendor-completions/_tlshello"
install -m 0644 "$build/completions/tlshello.fish" "$root/usr/share/fish/vendor_completions.d/tlshello.fish"
chmod 0644 "$root/usr/share/man/man1/tlshello.1.gz"

cat >"$root/usr/share/doc/tlshello/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tlshello
Comment: The binary links the Swift runtime and standard libraries, swift-argument-parser and
 swift-nio statically; GnuTLS, glibc and libstdc++ are used as shared libraries from their own
 Debian packages. /usr/share/tlshello/certs holds the demo's self-signed certificate and its
 private key, published with the demo for teaching: the key is public and protects nothing.

Files: *
Copyright: 2026 the tlshello authors
License: tlshello
 The tlshello sources carry no license file; they are distributed as they are, with no warranty.

Files: usr/bin/tlshello
Copyright: 2014-2026 Apple Inc. and the Swift project authors (the Swift runtime and standard libraries,
 swift-argument-parser, swift-nio, swift-collections, swift-atomics, swift-system)
License: Apache-2.0 with Runtime Library Exception
 Licensed under the Apache License, Version 2.0, with the Runtime Library Exception.
 .
 On Debian systems, the full text of the Apache License, Version 2.0 can be found in
 /usr/share/common-licenses/Apache-2.0. The Runtime Library Exception: as an exception, if you
 use this Software to compile your source code and portions of this Software are embedded into
 the binary product as a result, you may redistribute such product without providing attribution
 as would otherwise be required by Sections 4(a), 4(b) and 4(d) of the License.
EOF

{
  printf 'tlshello (%s) bookworm; urgency=medium\n\n' "$version"
  printf '  * The tlshello command built from %s.\n\n' "$commit"
  printf ' -- %s  %s\n' "$maintainer" "$changelog_date"
} | gzip -9n >"$root/usr/share/doc/tlshello/changelog.gz"
chmod 0644 "$root/usr/share/doc/tlshello/copyright" "$root/usr/share/doc/tlshello/changelog.gz"

# Depends, from the libraries the binary really loads (dpkg-shlibdeps reads debian/control).
printf 'Source: tlshello\n\nPackage: tlshello\nArchitecture: any\n' >"$out/debian/control"
shlibs=$(cd "$out" && dpkg-shlibdeps -O -edebian/tlshello/usr/bin/tlshello 2>&1) \
  || fail "dpkg-shlibdeps: $shlibs"
depends=$(printf '%s\n' "$shlibs" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || fail "dpkg-shlibdeps named no dependency: $shlibs"
unexpected=$(printf '%s\n' "$depends" | tr ',' '\n' | sed -E 's/^ +//; s/ .*//' \
  | grep -vxE 'libc6|libgcc-s1|libstdc\+\+6|libgnutls30' || true)
[ -z "$unexpected" ] || fail "the binary needs more than GnuTLS and the C/C++ runtimes: $unexpected (Depends: $depends)"
ok "Depends (dpkg-shlibdeps): $depends"

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: tlshello
Version: $version
Architecture: $architecture
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Section: net
Priority: optional
Description: TLS greeting server and client over GnuTLS
 tlshello is the classic sockets demo over TLS: a server that answers each
 client's greeting and a client that verifies the server, with a trace of
 every handshake message (--trace, --explain), a key log for packet captures
 (--keylog), JSON output and a load generator (tlshello bench).
 .
 The Swift runtime is linked in; TLS comes from the system's GnuTLS, and no
 OpenSSL library is needed. The demo's certificate and key are installed in
 /usr/share/tlshello/certs, so 'tlshello server' runs without options.
EOF
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

deb=$out/tlshello_${version}_${architecture}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
ok "built $deb ($(du -h "$deb" | cut -f1), installed size ${installed_size} KiB)"
dpkg-deb --contents "$deb" | awk '{ print "   " $1, $6 }'

# lintian: errors fail the package, warnings are listed.
lintian_status=0
report=$(lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1) || lintian_status=$?
report=$(printf '%s\n' "$report" | grep -v -e '^running with root privileges is not recommended' -e '^$' || true)
[ "$lintian_status" -eq 0 ] || { printf '%s\n' "$report" >&2; fail "lintian found errors (exit status $lintian_status)"; }
if [ -n "$report" ]; then printf '%s\n' "$report" | sed 's/^/   lintian: /'; fi
ok "lintian: no errors$( [ -n "$report" ] && printf ' (%s other findings above)' "$(printf '%s\n' "$report" | wc -l)")"
