#!/usr/bin/env bash
# Quick start, step 1: set everything up and build the bundled site into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python generate.py build "$@"
echo "预览：.venv/bin/python generate.py serve ，然后在浏览器打开 http://127.0.0.1:8000/"
