#!/usr/bin/env bash
# Makes sure the Debian packages tlshello needs are installed: installs the missing ones with
# apt-get when run as root, otherwise names them in one message and fails.
#   scripts/ensure-packages.sh build [ENTRY…]   what building needs (GnuTLS headers, pkg-config)
#   scripts/ensure-packages.sh test [ENTRY…]    that plus the test peers (OpenSSL, GnuTLS tools, Python, tshark, ip), the diagram checkers (xmllint, rsvg-convert)
#                                               and the browser that renders illustrated pages (headless Chromium)
# Extra ENTRY arguments have the form of the lists below (package:command, e.g. debootstrap:debootstrap).
set -euo pipefail

# package:command-that-proves-it (empty command: ask dpkg)
build=(
  "libgnutls28-dev:"
  "pkg-config:pkg-config"
)
test=(
  "ca-certificates:"
  "gnutls-bin:gnutls-cli"
  "openssl:openssl"
  "python3:python3"
  "tshark:tshark"
  "iproute2:ip"
  "libxml2-utils:xmllint"
  "librsvg2-bin:rsvg-convert"
  "chromium:chromium"
)
mode=build
case "${1:-}" in
  build|test) mode=$1; shift ;;
esac
if [ "$mode" = test ]; then wanted=("${build[@]}" "${test[@]}"); else wanted=("${build[@]}"); fi
wanted+=("$@")

missing=()
for entry in "${wanted[@]}"; do
  package=${entry%%:*}
  command=${entry#*:}
  if [ -n "$command" ]; then
    command -v "$command" >/dev/null 2>&1 && continue
  elif dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    continue
  fi
  missing+=("$package")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tlshello: installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "tlshello: missing packages: ${missing[*]}" >&2
  echo "tlshello: install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
