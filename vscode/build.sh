#!/bin/sh
# Builds the ormlint VS Code extension: installs the locked dependencies,
# compiles (tsc type-checks and emits the tests, esbuild bundles
# src/extension.ts with vscode-languageclient into dist/extension.js), runs the
# extension's tests, packages ormlint-<version>.vsix with @vscode/vsce 2.x and
# checks what went into it. Every tool runs on Node 18 or later.
#
#   sh vscode/build.sh                 from anywhere
#   NODE=/path/to/node sh build.sh     run the build tools with another node
#   VSIX_DIR=build sh vscode/build.sh  write the .vsix there (relative to the
#                                      current directory; default: vscode/)
#
# npm ci is skipped when node_modules was installed from the same
# package-lock.json (remove node_modules to force it); with npm's cache filled
# it runs offline (--prefer-offline).
set -eu

start=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
VSIX_DIR=${VSIX_DIR:-$here}
mkdir -p "$VSIX_DIR"
VSIX_DIR=$(cd "$VSIX_DIR" && pwd)
cd "$here"
NODE=${NODE:-node}
NPM=${NPM:-npm}

version=$("$NODE" -p 'require("./package.json").version')
vsix="$VSIX_DIR/ormlint-$version.vsix"

echo "== ormlint vscode: node $("$NODE" --version), npm $("$NPM" --version)"

stamp=node_modules/.ormlint-package-lock.json
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  echo "== npm ci: node_modules is up to date with package-lock.json"
else
  echo "== npm ci"
  rm -f "$stamp"
  "$NPM" ci --prefer-offline --ignore-scripts --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

echo "== compile"
rm -rf out dist
"$NODE" node_modules/typescript/bin/tsc -p .
"$NODE" node_modules/esbuild/bin/esbuild src/extension.ts --bundle --platform=node --format=cjs \
  --target=node18 --external:vscode --minify --log-level=warning --outfile=dist/extension.js

echo "== test"
"$NODE" --test out/test/settings.test.js out/test/sync.test.js out/test/manifest.test.js out/test/extension.test.js

echo "== package $vsix"
rm -f "$vsix"
# --no-dependencies: dist/extension.js carries everything but vscode.
# --skip-license: package.json says MIT; there is no LICENSE file to ship.
"$NODE" node_modules/@vscode/vsce/vsce package --no-dependencies --skip-license --out "$vsix"

echo "== test the .vsix"
ORMLINT_VSIX="$vsix" "$NODE" --test out/test/vsix.test.js

echo "== built $vsix ($(wc -c < "$vsix") bytes) in $(( $(date +%s) - start ))s"
