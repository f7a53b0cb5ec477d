#!/bin/sh
# Install the Debian packages quizgen needs: WeasyPrint's Pango stack and the
# fonts the print CSS names (Noto for Latin and Hangul, DejaVu as fallback).
# With "test", also what the test suite needs: poppler-utils (pdftotext,
# pdftoppm, pdffonts), Node.js for an independent GIFT parser and axe-core,
# and the real browsers the interactive pages are tested in: Chromium
# (Playwright drives /usr/bin/chromium; it downloads no browser of its own)
# and Firefox ESR (driven over Marionette by marionette_driver from PyPI).
set -eu
packages="python3 python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-noto-cjk fonts-dejavu-core"
if [ "${1:-}" = "test" ]; then
  packages="$packages poppler-utils chromium firefox-esr"
  command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
fi
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# python3/venv may come from elsewhere (pyenv); only ask apt for what is missing.
if command -v python3 >/dev/null 2>&1 && python3 -m venv --help >/dev/null 2>&1; then
  missing=$(echo "$missing" | tr ' ' '\n' | grep -v -x -e python3 -e python3-venv -e python3-pip | tr '\n' ' ')
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
