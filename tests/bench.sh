#!/bin/sh
# make bench: ormlint over large real trees, with the prefilter and without
# (--no-prefilter), side by side with the floor any tree-sitter tool pays
# (parse + full cursor walk, tests/bench/floor.c, the same tree-sitter
# runtime) and ast-grep running one pattern (the pinned version, the same
# thread count); 3 runs each per thread count, ormlint with --no-cache (a
# tree of the mixed set has a project marker); prints medians, throughput,
# CPU time, peak RSS and the ratios. The trees:
#   - Debian's Python standard library and dist-packages;
#   - a mixed tree, as monorepos are: ORM applications (cgwire/zou, a Flask
#     app; indico/indico, a large SQLAlchemy code base) next to a large code
#     base with no ORM at all (sympy/sympy), exported from the mirrors under
#     ORMLINT_MIRRORS (default /work/.mirror/<owner>+<name>/repo) into
#     build/bench/mixed; skipped with a message when one is not there.
#     Nothing is downloaded here.
# Per phase, pass 1, the call summaries and the checks at -j1 and -j2
# (tests/bench_phases.py). Then the pre-commit latency (one file of a
# generated 1,200-file project and
# of cgwire/zou when its mirror is there, cold and warm cache) and the
# editor's re-analysis latency. Figures, not assertions: machines are noisy.
set -eu
bin=$1
floor=${2:-}
astgrep=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
absbin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mirrors=${ORMLINT_MIRRORS:-/work/.mirror}
work=$(dirname "$bin")/bench
mkdir -p "$work"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# median wall seconds, max RSS (KB) and median CPU seconds (user + system)
# of 3 runs of a command: "secs kb cpu"
median() {
  runs=$(for i in 1 2 3; do
    /usr/bin/time -f "%e %M %U %S" sh -c "$1" 2>&1 >/dev/null | tail -1
  done)
  secs=$(echo "$runs" | sort -n -k1 | awk 'NR == 2 { print $1 }')
  rss=$(echo "$runs" | awk '{ if ($2 > r) r = $2 } END { print r }')
  cpu=$(echo "$runs" | awk '{ print $3 + $4 }' | sort -n | awk 'NR == 2')
  echo "$secs $rss $cpu"
}

# The mixed tree, exported once from the mirrors (where all are present).
mixed_tree() {
  dest=$work/mixed
  for r in cgwire+zou indico+indico sympy+sympy; do
    if [ ! -d "$mirrors/$r/repo" ]; then
      echo "mixed tree: skipped ($mirrors/$r/repo is not there)" >&2
      return 1
    fi
  done
  for r in cgwire+zou indico+indico sympy+sympy; do
    if [ ! -d "$dest/$r" ]; then
      mkdir -p "$dest/$r.tmp"
      # the Python files and the settings only: a mirror may lack its largest blobs
      git --git-dir="$mirrors/$r/repo" archive HEAD -- ':(glob)**/*.py' \
        $(git --git-dir="$mirrors/$r/repo" ls-tree --name-only HEAD pyproject.toml setup.cfg) \
        2>/dev/null | tar -x -C "$dest/$r.tmp"
      mv "$dest/$r.tmp" "$dest/$r"
    fi
  done
  echo "$dest"
}

# bench NAME TREE...: every figure of one tree.
bench() {
  name=$1
  shift
  tree="$*"
  # the files ormlint reads: not tests nor migrations (analyzer/discover.c's
  # built-in excludes), so that the floor and ast-grep read the same ones
  find $tree -name '*.py' -not -path '*/__pycache__/*' |
    grep -v -E '/(tests|test|testing|migrations)/|/alembic/versions/|/test_[^/]+\.py$|_test\.py$|/conftest\.py$' \
    > "$list" || true
  files=$(wc -l < "$list")
  # the same excludes for ast-grep, as globs (too many files for one command line)
  skip=
  for g in '**/tests/**' '**/test/**' '**/testing/**' '**/migrations/**' '**/alembic/versions/**' \
           '**/test_*.py' '**/*_test.py' '**/conftest.py'; do
    skip="$skip --globs '!$g'"
  done
  bytes=$(tr '\n' '\0' < "$list" | xargs -0 cat | wc -c)
  lines=$(tr '\n' '\0' < "$list" | xargs -0 cat | wc -l)
  echo "== $name: $tree ($files files, $lines lines, $((bytes / 1048576)) MiB)"
  # what ormlint reads (tests/ and migrations/ are excluded by default)
  ORMLINT_TIMINGS=1 "$bin" -j2 --no-cache --statistics --exit-zero $tree 2>&1 >/dev/null |
    sed -n 's/^ormlint prefilter: /prefilter: /p; s/^ormlint timings: /timings -j2: /p' || true
  "$bin" --no-cache --statistics --exit-zero $tree | grep 'not parsed' | sed 's/^/prefilter: /' || true
  for j in 1 2; do
    fl=
    if [ -n "$floor" ]; then
      fl=$(median "'$floor' $j < '$list'")
      set -- $fl
      awk -v n="$name" -v j="$j" -v s="$1" -v r="$2" -v c="$3" 'BEGIN {
        printf "BENCH %s floor (parse + walk, every file) -j%d: median %.2f s, CPU %.2f s, peak RSS %.1f MB\n", n, j, s, c, r / 1024 }'
    fi
    for pf in --no-prefilter ""; do
      o=$(median "'$bin' -j$j $pf --no-cache --statistics --exit-zero $tree")
      set -- $o
      secs=$1 rss=$2 cpu=$3
      eval "wall_j${j}_${pf:+np}=$secs"
      awk -v n="$name" -v j="$j" -v pf="${pf:-(prefilter)}" -v s="$secs" -v f="$files" -v b="$bytes" \
          -v l="$lines" -v r="$rss" -v c="$cpu" -v fl="$fl" 'BEGIN {
        printf "BENCH %s ormlint -j%d %s: median %.2f s, CPU %.2f s, %.0f files/s, %.1f MB/s, peak RSS %.1f MB (%.1f MB per million lines)", n, j, pf, s, c, f / s, b / s / 1e6, r / 1024, r / 1024 / (l / 1e6)
        if (split(fl, x, " ") == 3) printf "; ormlint/floor %.2f wall, %.2f CPU", s / x[1], c / x[3]
        printf "\n" }'
    done
    if [ -n "$astgrep" ] && [ -x "$astgrep" ]; then
      ag=$(median "'$astgrep' run -p '\$M.query.\$\$\$' -l python -j $j $skip $tree")
      set -- $ag
      awk -v n="$name" -v j="$j" -v s="$1" -v c="$3" -v o="$secs" -v r="$2" 'BEGIN {
        printf "BENCH %s ast-grep %s (one pattern) -j%d: median %.2f s, CPU %.2f s, peak RSS %.1f MB; ormlint (prefilter)/ast-grep %.2f wall\n", n, "0.51.1", j, s, c, r / 1024, o / s }'
    fi
  done
  /usr/bin/python3 "$here/bench_phases.py" "$absbin" "$name" $tree
  eval "a=\$wall_j1_ b=\$wall_j2_ c=\$wall_j1_np d=\$wall_j2_np"
  awk -v n="$name" -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
    printf "BENCH %s scaling -j1 -> -j2: %.2f x with the prefilter, %.2f x with --no-prefilter\n", n, a / b, c / d }'
}

bench debian /usr/lib/python3.11 /usr/lib/python3/dist-packages
if mixed=$(mixed_tree); then
  bench mixed "$mixed"/*
fi
# pre-commit: one edited file of a generated 1,200-file project, cold and
# warm cache; and of cgwire/zou (817 files) when its mirror is there.
/usr/bin/python3 "$here/bench_precommit.py" "$absbin"
if [ -d "$mirrors/cgwire+zou/repo" ]; then
  /usr/bin/python3 "$here/bench_precommit.py" "$absbin" --mirror "$mirrors/cgwire+zou/repo" \
    zou/app/blueprints/shared/resources.py
else
  echo "pre-commit on cgwire/zou: skipped ($mirrors/cgwire+zou/repo is not there)"
fi
# The editor: one-character edits in a 2,000-line file under `ormlint lsp`.
/usr/bin/python3 "$here/bench_lsp.py" "$absbin"
