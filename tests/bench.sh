#!/bin/sh
# make bench: ormlint over a large real tree (Debian's Python standard library
# and dist-packages), 3 runs per thread count; prints the median wall time,
# throughput and peak RSS. Figures, not assertions: machines are noisy.
set -eu
bin=$1
tree="/usr/lib/python3.11 /usr/lib/python3/dist-packages"
files=$(find $tree -name '*.py' | wc -l)
bytes=$(find $tree -name '*.py' -print0 | xargs -0 cat | wc -c)
lines=$(find $tree -name '*.py' -print0 | xargs -0 cat | wc -l)
echo "tree: $tree ($files files, $lines lines, $((bytes / 1048576)) MiB)"
for j in 1 2; do
  out=$(for i in 1 2 3; do
    /usr/bin/time -f "%e %M" "$bin" -j"$j" --statistics --exit-zero $tree 2>&1 >/dev/null | tail -1
  done | sort -n)
  median=$(echo "$out" | sed -n 2p)
  secs=${median% *}
  rss=$(echo "$out" | awk '{print $2}' | sort -n | tail -1)
  awk -v j="$j" -v s="$secs" -v f="$files" -v b="$bytes" -v r="$rss" 'BEGIN {
    printf "BENCH ormlint -j%d: median %.2f s, %.0f files/s, %.1f MB/s, peak RSS %.1f MB\n", j, s, f / s, b / s / 1e6, r / 1024 }'
done
# The editor: one-character edits in a 2,000-line file under `ormlint lsp`.
/usr/bin/python3 "$(dirname "$0")/bench_lsp.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
