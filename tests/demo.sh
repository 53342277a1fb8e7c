#!/bin/sh
# make demo: scan the corpus app, print the report, write build/demo.sarif
# and the index recommendations (ORM007) as build/indexes.sql, then prove
# the fixes with the oracle (before/after SQL counts, the indexes applied).
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
echo "== index recommendations (ORM007): $b/indexes.sql"
"$bin" -q --select ORM007 --emit-sql "$b/indexes.sql" "$app" >/dev/null
[ $? -le 1 ] || exit 1
cat "$b/indexes.sql"
echo
echo "== oracle: the app as written vs fixed by ormlint --fix --unsafe-fixes"
ORMLINT=$(cd "$b" && pwd)/ormlint B=$(cd "$b" && pwd) sh corpus/oracle/run.sh || exit 1
# Findings are the point of the demo: exit 0 unless ormlint itself failed.
[ "$status" -le 1 ]
