#!/usr/bin/env bash
# `make man`: tlshello(1) and the shell completions, from the argument parser itself.
#
#   scripts/man-and-completions.sh TLSHELLO-BINARY GENERATED-MANUAL OUT-DIR
#
# GENERATED-MANUAL is the page swift-argument-parser's generate-manual plugin wrote. Its
# discussions keep the help's blank lines and several sentences to a line; here each blank line
# becomes a paragraph (.Pp, dropped before a list item, where mdoc ignores it) and each sentence
# starts a line, as mdoc wants. The page must then render without a warning from groff (-ww) or
# mandoc (-Tlint, warnings and worse). The completions are `tlshello --generate-completion-script`
# for bash, zsh and fish. Writes OUT-DIR/man/tlshello.1 and OUT-DIR/completions/{tlshello.bash,_tlshello,tlshello.fish}.
set -euo pipefail

binary=${1:?usage: scripts/man-and-completions.sh TLSHELLO-BINARY GENERATED-MANUAL OUT-DIR}
generated=${2:?usage: scripts/man-and-completions.sh TLSHELLO-BINARY GENERATED-MANUAL OUT-DIR}
out=${3:?usage: scripts/man-and-completions.sh TLSHELLO-BINARY GENERATED-MANUAL OUT-DIR}

fail() { printf 'man-and-completions: FAILED: %s\n' "$*" >&2; exit 1; }
[ -x "$binary" ] || fail "no binary at $binary"
[ -f "$generated" ] || fail "no generated manual at $generated"

mkdir -p "$out/man" "$out/completions"
page=$out/man/tlshello.1
sed -E '/^\./! s/([.!?]) +([A-Z])/\1\n\2/g' "$generated" \
  | awk '/^$/ || /^\.Pp$/ { pending = 1; next }
         { if (pending && $0 !~ /^\.(It|El)( |$)/) print ".Pp"; pending = 0; print }' >"$page"

warnings=$(groff -ww -z -mandoc "$page" 2>&1) || fail "groff could not read $page: $warnings"
[ -z "$warnings" ] || fail "groff -ww warns about $page:"$'\n'"$warnings"
warnings=$(mandoc -Tlint -W warning "$page" 2>&1) || true
[ -z "$warnings" ] || fail "mandoc -Tlint warns about $page:"$'\n'"$warnings"
warnings=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null) || fail "man -l could not render $page: $warnings"
[ -z "$warnings" ] || fail "man -l warns about $page:"$'\n'"$warnings"
printf 'ok: %s renders without warnings (groff -ww, mandoc -Tlint, man -l)\n' "$page"

"$binary" --generate-completion-script bash >"$out/completions/tlshello.bash"
"$binary" --generate-completion-script zsh >"$out/completions/_tlshello"
"$binary" --generate-completion-script fish >"$out/completions/tlshello.fish"
bash -n "$out/completions/tlshello.bash" || fail "the bash completion does not parse"
# Each completion offers every subcommand.
for subcommand in server client bench cert versions ticket-key; do
  for file in tlshello.bash _tlshello tlshello.fish; do
    grep -q -- "$subcommand" "$out/completions/$file" || fail "$file does not complete $subcommand"
  done
done
printf 'ok: completions for bash, zsh and fish in %s\n' "$out/completions"
