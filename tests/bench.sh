#!/bin/sh
# make bench: ormlint over a large real tree (Debian's Python standard library
# and dist-packages), side by side with the floor any tree-sitter tool pays
# (parse + full cursor walk, tests/bench/floor.c) and ast-grep running one
# pattern; 3 runs each per thread count; prints medians, throughput, peak
# RSS and the ratios; then the editor's re-analysis latency. Figures, not
# assertions: machines are noisy.
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

# median wall seconds and max RSS (KB) of 3 runs of a command: "secs kb"
median() {
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" sh -c "$1" 2>&1 >/dev/null | tail -1
  done | sort -n | awk 'NR == 2 { s = $1 } { if ($2 > r) r = $2 } END { print s, r }'
}

for j in 1 2; do
  o=$(median "'$bin' -j$j --statistics --exit-zero $tree")
  set -- $o
  secs=$1 rss=$2
  awk -v j="$j" -v s="$secs" -v f="$files" -v b="$bytes" -v r="$rss" 'BEGIN {
    printf "BENCH ormlint -j%d: median %.2f s, %.0f files/s, %.1f MB/s, peak RSS %.1f MB\n", j, s, f / s, b / s / 1e6, r / 1024 }'
  if [ -n "$floor" ]; then
    fl=$(median "'$floor' $j < '$list'")
    set -- $fl
    awk -v j="$j" -v s="$1" -v o="$secs" -v r="$2" 'BEGIN {
      printf "BENCH floor (parse + walk) -j%d: median %.2f s, peak RSS %.1f MB; ormlint/floor %.2f\n", j, s, r / 1024, o / s }'
  fi
  if [ -n "$astgrep" ] && [ -x "$astgrep" ]; then
    ag=$(median "'$astgrep' run -p '\$M.query.\$\$\$' -l python -j $j $tree")
    set -- $ag
    awk -v j="$j" -v s="$1" -v o="$secs" -v r="$2" 'BEGIN {
      printf "BENCH ast-grep 0.51.1 (one pattern) -j%d: median %.2f s, peak RSS %.1f MB; ormlint/ast-grep %.2f\n", j, s, r / 1024, o / s }'
  fi
done
# The editor: one-character edits in a 2,000-line file under `ormlint lsp`.
/usr/bin/python3 "$(dirname "$0")/bench_lsp.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
