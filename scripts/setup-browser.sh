#!/usr/bin/env bash
# Everything the browser and validator tests need, installed from Debian and the npm registry:
# Debian's Chromium (Playwright drives /usr/bin/chromium; no browser is ever downloaded), CJK
# fonts for readable screenshots, Java for the W3C Nu HTML checker, and the pinned npm tools
# (vnu-jar, axe-core) in tools/node_modules. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the system's Java is used.
if [ ! -f tools/node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -f tools/node_modules/axe-core/axe.min.js ] \
   || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error
fi
