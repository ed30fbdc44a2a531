#!/usr/bin/env bash
# Quick start, step 2: set up everything the tests need and run the whole suite.
# .ci/run runs exactly this. pytest's exit code is passed on as it is (5 = no tests ran is a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-browser.sh
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
