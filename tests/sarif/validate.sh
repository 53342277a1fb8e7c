#!/bin/sh
# validate.sh FILE.sarif [BUILD_DIR]   validate a SARIF log (exit 0 valid, 1 invalid)
# validate.sh --setup [BUILD_DIR]      only install the tools and the schema
#
# Validates against two SARIF 2.1.0 schemas with ajv-cli:
#  - package/sarif-2.1.0.json (draft 2020-12) of the pinned npm package below,
#    fetched once with `npm pack` into BUILD_DIR/sarif/ and checked against
#    its pinned integrity hash; only that one file is kept;
#  - ../shared/sarif/sarif-schema-2.1.0.json (draft-07, the stricter OASIS
#    copy) relative to the repository root, when that directory exists.
# The tools (ajv-cli, ajv-formats) are pinned by package-lock.json next to
# this script and installed with `npm ci` into BUILD_DIR/npm/, never into the
# repository. Both steps are skipped when already done. Exit 2 when the
# tools or the schema cannot be set up.
set -eu

SCHEMA_PKG=@microsoft/sarif-multitool-linux
SCHEMA_VERSION=5.7.0
SCHEMA_INTEGRITY=sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==
SCHEMA_MEMBER=package/sarif-2.1.0.json

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared="$repo/../shared/sarif"

die() {
  echo "validate.sh: $*" >&2
  exit 2
}

usage() {
  echo "usage: $0 FILE.sarif [BUILD_DIR] | --setup [BUILD_DIR]" >&2
  exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
file=$1
build=${2:-$repo/build}
mkdir -p "$build" || die "cannot create $build"
build=$(cd "$build" && pwd)
npm_dir=$build/npm
ajv=$npm_dir/node_modules/.bin/ajv
schema=$build/sarif/sarif-2.1.0.json

# Installs the locked tools unless the same lockfile is installed already.
setup_tools() {
  if [ -x "$ajv" ] && cmp -s "$here/package-lock.json" "$npm_dir/package-lock.json"; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found (make deps installs it)"
  rm -rf "$npm_dir" && mkdir -p "$npm_dir"
  cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
  npm ci --prefix "$npm_dir" --no-audit --no-fund --ignore-scripts --loglevel=error >&2 ||
    die "npm ci failed in $npm_dir"
}

# Prints the integrity string ("sha512-<base64>") of a file, as npm computes it.
integrity_of() {
  node -e 'const c = require("crypto"), f = require("fs");
    const algo = process.argv[1];
    process.stdout.write(algo + "-" + c.createHash(algo).update(f.readFileSync(process.argv[2])).digest("base64"));' \
    "${SCHEMA_INTEGRITY%%-*}" "$1"
}

# Fetches the schema package once, checks it, and keeps only the schema file.
setup_schema() {
  [ -s "$schema" ] && return 0
  mkdir -p "$build/sarif"
  tmp=$(mktemp -d "$build/sarif/fetch.XXXXXX")
  (cd "$tmp" && npm pack --silent "$SCHEMA_PKG@$SCHEMA_VERSION" >/dev/null) ||
    { rm -rf "$tmp"; die "npm pack $SCHEMA_PKG@$SCHEMA_VERSION failed"; }
  tarball=$(ls "$tmp"/*.tgz)
  got=$(integrity_of "$tarball")
  if [ "$got" != "$SCHEMA_INTEGRITY" ]; then
    rm -rf "$tmp"
    die "$SCHEMA_PKG@$SCHEMA_VERSION: integrity mismatch (pinned $SCHEMA_INTEGRITY, got $got)"
  fi
  tar -xzf "$tarball" -C "$tmp" "$SCHEMA_MEMBER" || { rm -rf "$tmp"; die "no $SCHEMA_MEMBER in the package"; }
  mv "$tmp/$SCHEMA_MEMBER" "$schema"
  rm -rf "$tmp"
}

setup() {
  mkdir -p "$build/sarif"
  # Parallel test jobs share BUILD_DIR: one sets up, the others wait.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$build/sarif/.lock"
    flock 9
  fi
  setup_tools
  setup_schema
  if command -v flock >/dev/null 2>&1; then exec 9>&-; fi
}

setup
[ "$file" = "--setup" ] && exit 0
[ -f "$file" ] || die "no such file: $file"

# ajv-cli require()s a data file whose name does not end in .json.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/$(basename "$file").json"
cp "$file" "$data"

status=0
echo "validate.sh: $file against $SCHEMA_PKG@$SCHEMA_VERSION $SCHEMA_MEMBER (draft 2020-12)" >&2
"$ajv" validate --spec=draft2020 -c ajv-formats -s "$schema" -d "$data" \
  --all-errors --errors=text || status=1

if [ -d "$shared" ]; then
  # The plugin require()s ajv-formats: run a copy next to the installed tools.
  rm -f "$npm_dir/ajv-sarif-plugin.js"
  cp "$shared/ajv-sarif-plugin.js" "$npm_dir/ajv-sarif-plugin.js"
  echo "validate.sh: $file against $shared/sarif-schema-2.1.0.json (draft-07)" >&2
  "$ajv" validate --spec=draft7 -c "$npm_dir/ajv-sarif-plugin.js" -s "$shared/sarif-schema-2.1.0.json" \
    -d "$data" --all-errors --errors=text || status=1
fi
exit $status
