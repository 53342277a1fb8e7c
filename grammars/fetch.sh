#!/bin/sh
# fetch.sh PKG VERSION INTEGRITY ABI DEST
# Fetches an npm grammar package with `npm pack` (never `npm install`: no
# scripts run), checks its tarball against the pinned integrity hash and the
# generated parser's LANGUAGE_VERSION, and unpacks it into DEST.
set -eu
pkg=$1 version=$2 integrity=$3 abi=$4 dest=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/npm-pack.sh"
npm_pack_checked "$pkg" "$version" "$integrity" "$tmp"
rm -rf "$dest" && mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1 package/src package/package.json
got_abi=$(sed -n 's/^#define LANGUAGE_VERSION \([0-9]*\).*/\1/p' "$dest/src/parser.c")
if [ "$got_abi" != "$abi" ]; then
  echo "grammars/fetch.sh: $pkg@$version: LANGUAGE_VERSION $got_abi, expected $abi" >&2
  exit 1
fi
echo "fetched $pkg@$version (integrity and ABI $abi checked)"
