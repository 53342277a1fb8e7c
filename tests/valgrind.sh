#!/bin/sh
# make valgrind: memcheck over the corpus scan (report, --diff and --fix on a
# copy), every rule's fixture with its fixes, and a subset of the end-to-end
# tests; zero errors and zero definite or indirect leaks. Each run under
# memcheck takes seconds, so the subset is the hostile and unusual inputs
# (test_inputs.py, test_hostile.py, test_hostile_repo.py with 25 crafted
# caches, test_hostile_output.py, test_lsp_hostile.py) and the regressions,
# without the inputs that take minutes there (3,000 nested loops, a 5 MB
# line, 50,000 counts, 3,000 paths, 500 KB names, the memory and CPU-time
# bounds, a full disk: valgrind's own log would be cut, every fixture's line
# endings) or run no ormlint (the oracle's cluster); make sanitize runs every
# end-to-end test under ASan.
# Usage: tests/valgrind.sh BUILT_ORMLINT WORK_DIR
set -eu
bin=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
rm -rf "$work" && mkdir -p "$work/logs"
chmod 1777 "$work/logs" # tests that run ormlint as nobody log there too
work=$(cd "$work" && pwd)
export OL_VALGRIND_BIN="$bin" OL_VALGRIND_LOGS="$work/logs"
vg="$here/valgrind/ormlint"
status=0

step() { printf '  %-44s' "$1"; s=$(date +%s); }
done_step() { echo "$1 $(( $(date +%s) - s ))s"; }

step "corpus scan (sarif)"
rc=0; "$vg" --format sarif -o "$work/corpus.sarif" "$repo/corpus/softfactory" || rc=$?
[ $rc = 1 ] && done_step ok || { done_step "FAILED (exit $rc)"; status=1; }

step "corpus --diff --unsafe-fixes"
rc=0; "$vg" --diff --unsafe-fixes "$repo/corpus/softfactory" > "$work/corpus.diff" || rc=$?
[ $rc = 1 ] && done_step ok || { done_step "FAILED (exit $rc)"; status=1; }

step "corpus --fix --unsafe-fixes (a copy)"
cp -r "$repo/corpus/softfactory" "$work/softfactory"
rc=0; "$vg" -q --fix --unsafe-fixes "$work/softfactory" > /dev/null || rc=$?
[ $rc = 0 ] || [ $rc = 1 ] && done_step ok || { done_step "FAILED (exit $rc)"; status=1; }

step "fixtures --diff --unsafe-fixes"
mkdir -p "$work/fixtures"
for f in "$repo"/rules/*/fixture*; do
  d="$work/fixtures/$(basename "$(dirname "$f")")" && mkdir -p "$d" && cp -r "$f" "$d/"
done
rc=0; "$vg" --diff --unsafe-fixes --select ALL "$work/fixtures" > "$work/fixtures.diff" || rc=$?
[ $rc = 1 ] && done_step ok || { done_step "FAILED (exit $rc)"; status=1; }

step "e2e subset"
rc=0
ORMLINT="$vg" ORMLINT_TIMEOUT_SCALE=20 ORMLINT_CRAFTED_CACHE_RUNS=25 \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  "$repo/tests/e2e/test_inputs.py" "$repo/tests/e2e/test_hostile.py" \
  "$repo/tests/e2e/test_hostile_repo.py" "$repo/tests/e2e/test_regressions.py" \
  "$repo/tests/e2e/test_hostile_output.py" "$repo/tests/e2e/test_lsp_hostile.py" \
  -k "not (nested_loops or five_megabyte or fifty_thousand or thousands_of_paths or long_names \
       or oracle or ulimit or failed_write or linear_in_directories or rounds_are_bounded \
       or line_endings)" \
  > "$work/e2e.log" 2>&1 || rc=$?
done_step "$(tail -1 "$work/e2e.log")"
[ $rc = 0 ] || { tail -40 "$work/e2e.log"; status=1; }

bad=$(find "$work/logs" -name 'vg.*.log' -size +0 | wc -l)
runs=$(find "$work/logs" -name 'vg.*.log' | wc -l)
echo "  valgrind: $runs runs, $bad with errors or leaks"
if [ "$bad" != 0 ]; then
  find "$work/logs" -name 'vg.*.log' -size +0 | head -5 | xargs -r head -60
  status=1
fi
exit $status
