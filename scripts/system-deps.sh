#!/usr/bin/env bash
# Installs what pip cannot: LibreOffice Calc (headless) to recalculate the generated
# templates in the tests, poppler's pdftoppm to render them to pictures, Node.js to
# run the JavaScript xlwings Server hands to Excel, and Debian's chromium for
# Playwright to drive the xlsales task pane (Playwright's own browser download is
# not used).
# Runs apt-get as root, or through sudo; does nothing when all four are there.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && command -v node >/dev/null \
  && command -v chromium >/dev/null; then
  exit 0
fi
packages="libreoffice-calc-nogui poppler-utils chromium"
command -v node >/dev/null || packages="$packages nodejs"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $packages >/dev/null
