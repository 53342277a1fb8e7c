# npm-pack.sh: sourced by fetch.sh and fetch-runtime.sh (POSIX sh).
# npm_pack_checked PKG VERSION INTEGRITY DIR: downloads PKG@VERSION's tarball
# into DIR with `npm pack` (never `npm install`: no package script runs),
# checks it against the pinned integrity hash ("sha512-<base64>", as npm's
# lockfiles write it) and sets $tarball to its path; a mismatch exits 1
# naming the caller ($0), the package and both hashes.
npm_pack_checked() {
  (cd "$4" && npm pack --silent "$1@$2" >/dev/null)
  tarball=$(ls "$4"/*.tgz)
  _algo=${3%%-*}
  _got=$(node -e 'const c=require("crypto"),f=require("fs");
    process.stdout.write(process.argv[1]+"-"+c.createHash(process.argv[1]).update(f.readFileSync(process.argv[2])).digest("base64"))' "$_algo" "$tarball")
  if [ "$_got" != "$3" ]; then
    echo "$0: $1@$2: integrity mismatch" >&2
    echo "  pinned: $3" >&2
    echo "  got:    $_got" >&2
    exit 1
  fi
}
