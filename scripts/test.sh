#!/bin/sh
# The second README command (and what CI runs): install what the tests need
# and run them. Exit status is pytest's; "no tests collected" is a failure.
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-packages.sh test
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
if [ -f tests/node/package.json ] && command -v npm >/dev/null 2>&1; then
  (cd tests/node && npm install --silent --no-audit --no-fund >/dev/null)
fi
set +e
.venv/bin/python -m pytest -q "$@"
status=$?
# pytest exits 5 when it collected no tests: that must not pass CI.
[ "$status" -eq 5 ] && echo "no tests were collected" >&2
exit "$status"
