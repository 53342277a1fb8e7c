#!/bin/sh
# End-to-end tests: the built binary ($ORMLINT) over fixtures, the corpus and
# hostile inputs, with Debian's python3 and pytest.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$here" "$@"
