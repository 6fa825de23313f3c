#!/usr/bin/env bash
# Installs what pip cannot: LibreOffice Calc (headless) to recalculate the generated
# templates in the tests, and poppler's pdftoppm to render them to pictures.
# Runs apt-get as root, or through sudo; does nothing when both are already there.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
  exit 0
fi
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq libreoffice-calc-nogui poppler-utils >/dev/null
