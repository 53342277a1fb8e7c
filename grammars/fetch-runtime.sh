#!/bin/sh
# fetch-runtime.sh PKG VERSION INTEGRITY "ABI..." DEST
# Fetches the tree-sitter C runtime the npm package `tree-sitter` ships
# (vendor/tree-sitter/lib: lib.c, src/, include/) with `npm pack` (no script
# runs), checks the tarball against the pinned integrity hash, checks that the
# runtime loads every pinned grammar's ABI (TREE_SITTER_MIN_COMPATIBLE_
# LANGUAGE_VERSION <= ABI <= TREE_SITTER_LANGUAGE_VERSION), and unpacks the
# runtime into DEST (DEST/lib/src/lib.c, DEST/lib/include/tree_sitter/api.h).
set -eu
pkg=$1 version=$2 integrity=$3 abis=$4 dest=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/npm-pack.sh"
npm_pack_checked "$pkg" "$version" "$integrity" "$tmp"
mkdir -p "$tmp/x"
tar -xzf "$tarball" -C "$tmp/x" --strip-components=3 \
  package/vendor/tree-sitter/lib/src package/vendor/tree-sitter/lib/include
api=$tmp/x/lib/include/tree_sitter/api.h
max=$(sed -n 's/^#define TREE_SITTER_LANGUAGE_VERSION \([0-9]*\).*/\1/p' "$api")
min=$(sed -n 's/^#define TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION \([0-9]*\).*/\1/p' "$api")
for abi in $abis; do
  if [ -z "$max" ] || [ -z "$min" ] || [ "$abi" -lt "$min" ] || [ "$abi" -gt "$max" ]; then
    echo "grammars/fetch-runtime.sh: $pkg@$version loads ABI ${min:-?}..${max:-?}, a pinned grammar is ABI $abi" >&2
    exit 1
  fi
done
rm -rf "$dest" && mkdir -p "$dest"
mv "$tmp/x/lib" "$dest/lib"
echo "fetched the tree-sitter runtime of $pkg@$version (integrity checked; ABI $min..$max loads $abis)"
