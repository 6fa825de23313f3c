#!/usr/bin/env bash
# Installs what pip cannot: LibreOffice Calc (headless) to recalculate the generated
# templates in the tests, poppler's pdftoppm to render them to pictures, and Node.js to
# run the JavaScript xlwings Server hands to Excel.
# Runs apt-get as root, or through sudo; does nothing when all three are there.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && command -v node >/dev/null; then
  exit 0
fi
packages="libreoffice-calc-nogui poppler-utils"
command -v node >/dev/null || packages="$packages nodejs"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $packages >/dev/null
