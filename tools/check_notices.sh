#!/bin/sh
# check_notices.sh NOTICES PINS [-lNAME ...]
# Fails unless THIRD_PARTY_NOTICES has exactly the components the binary
# is built from: one entry (Component + Version + Embedded) per npm pin of
# PINS (grammars/pins.mk: every <X>_PKG with its <X>_VERSION, grammars now,
# the tree-sitter runtime once it is vendored from npm), and
# one `Link: -lNAME` per library the Makefile links; an entry for a pin or a
# library no longer used fails too. `make` runs it before linking.
set -eu
notices=$1 pins=$2
shift 2
[ -f "$notices" ] || { echo "check_notices: $notices is missing" >&2; exit 1; }
want=$(mktemp) have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
# What the build uses: "embedded PKG VERSION" per pin, "link -lNAME" per library.
sed -n 's/^\([A-Z_]*\)_PKG *:= *\(.*\)$/\1 \2/p' "$pins" | while read -r key pkg; do
  version=$(sed -n "s/^${key}_VERSION *:= *\(.*\)$/\1/p" "$pins")
  echo "embedded $pkg $version"
done >"$want"
for flag in "$@"; do
  case $flag in -l*) echo "link $flag" >>"$want" ;; esac
done
# What the notices cover: the same lines from their entries' fields.
awk '/^Component: / { c = substr($0, 12) }
     /^Version: /   { v = substr($0, 10) }
     /^Embedded: /  { print "embedded " c " " v }
     /^Link: /      { print "link " substr($0, 7) }' "$notices" >"$have"
status=0
sort -u "$want" | { bad=0; while read -r line; do
  grep -qxF "$line" "$have" || { echo "check_notices: $notices has no entry for $line" >&2; bad=1; }
done; exit $bad; } || status=1
sort -u "$have" | { bad=0; while read -r line; do
  grep -qxF "$line" "$want" ||
    { echo "check_notices: $notices has an entry for $line, which the build no longer uses" >&2; bad=1; }
done; exit $bad; } || status=1
exit $status
