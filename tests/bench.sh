#!/bin/sh
# make bench: ormlint over a large real tree (Debian's Python standard library
# and dist-packages), with the prefilter and without (--no-prefilter), side
# by side with the floor any tree-sitter tool pays (parse + full cursor walk,
# tests/bench/floor.c) and ast-grep running one pattern; 3 runs each per
# thread count; prints medians, throughput, CPU time, peak RSS and the
# ratios; then the pre-commit latency (one file of a generated 1,200-file
# project, cold and warm cache) and the editor's re-analysis latency.
# Figures, not assertions: machines are noisy.
set -eu
bin=$1
floor=${2:-}
astgrep=${3:-}
tree="/usr/lib/python3.11 /usr/lib/python3/dist-packages"
files=$(find $tree -name '*.py' | wc -l)
bytes=$(find $tree -name '*.py' -print0 | xargs -0 cat | wc -c)
lines=$(find $tree -name '*.py' -print0 | xargs -0 cat | wc -l)
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find $tree -name '*.py' > "$list"
echo "tree: $tree ($files files, $lines lines, $((bytes / 1048576)) MiB)"

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

"$bin" --statistics --exit-zero $tree | grep 'not parsed' | sed 's/^/prefilter: /' || true
for j in 1 2; do
  fl=
  if [ -n "$floor" ]; then
    fl=$(median "'$floor' $j < '$list'")
    set -- $fl
    awk -v j="$j" -v s="$1" -v r="$2" -v c="$3" 'BEGIN {
      printf "BENCH floor (parse + walk) -j%d: median %.2f s, CPU %.2f s, peak RSS %.1f MB\n", j, s, c, r / 1024 }'
  fi
  for pf in --no-prefilter ""; do
    o=$(median "'$bin' -j$j $pf --statistics --exit-zero $tree")
    set -- $o
    secs=$1 rss=$2 cpu=$3
    awk -v j="$j" -v pf="${pf:-(prefilter)}" -v s="$secs" -v f="$files" -v b="$bytes" -v r="$rss" -v c="$cpu" \
        -v fl="$fl" 'BEGIN {
      printf "BENCH ormlint -j%d %s: median %.2f s, CPU %.2f s, %.0f files/s, %.1f MB/s, peak RSS %.1f MB", j, pf, s, c, f / s, b / s / 1e6, r / 1024
      if (split(fl, x, " ") == 3) printf "; ormlint/floor %.2f wall, %.2f CPU", s / x[1], c / x[3]
      printf "\n" }'
  done
  if [ -n "$astgrep" ] && [ -x "$astgrep" ]; then
    ag=$(median "'$astgrep' run -p '\$M.query.\$\$\$' -l python -j $j $tree")
    set -- $ag
    awk -v j="$j" -v s="$1" -v o="$secs" -v r="$2" 'BEGIN {
      printf "BENCH ast-grep 0.51.1 (one pattern) -j%d: median %.2f s, peak RSS %.1f MB; ormlint/ast-grep %.2f\n", j, s, r / 1024, o / s }'
  fi
done
# pre-commit: one edited file of a generated 1,200-file project, cold and warm cache.
/usr/bin/python3 "$(dirname "$0")/bench_precommit.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
# The editor: one-character edits in a 2,000-line file under `ormlint lsp`.
/usr/bin/python3 "$(dirname "$0")/bench_lsp.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
