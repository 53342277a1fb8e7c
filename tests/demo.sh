#!/bin/sh
# make demo: scan the corpus app, print the report, write build/demo.sarif,
# then prove the fixes with the oracle (before/after SQL counts).
set -u
bin=$1
b=$(dirname "$bin")
app=corpus/softfactory
echo "== ormlint $app"
"$bin" --color=always "$app"
status=$?
"$bin" --format sarif -o "$b/demo.sarif" "$app"
echo
echo "== SARIF written to $b/demo.sarif"
"$bin" --statistics "$app"
echo
echo "== oracle: the app as written vs fixed by ormlint --fix --unsafe-fixes"
ORMLINT=$(cd "$b" && pwd)/ormlint B=$(cd "$b" && pwd) sh corpus/oracle/run.sh || exit 1
# Findings are the point of the demo: exit 0 unless ormlint itself failed.
[ "$status" -le 1 ]
