#!/bin/sh
# Runs each cmocka test binary given; cmocka prints its own summary lines
# ([  PASSED  ] / [  FAILED  ]) on stderr. Exits non-zero if any failed.
status=0
for t in "$@"; do
  "$t" 2>&1 || status=1
done
exit $status
