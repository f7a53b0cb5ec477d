#!/bin/sh
# The first README command: install everything, then build the default
# worksheet pack from the shipped bank into output/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-packages.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q .
.venv/bin/quizgen bank validate
.venv/bin/quizgen build
