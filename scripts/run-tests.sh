#!/usr/bin/env bash
# Run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
status=0
.venv/bin/python -m pytest "$@" || status=$?
# the CLI tests share a resident Prefect server (flows.resident): stop it rather than let it idle out
.venv/bin/intake prefect-stop >/dev/null 2>&1 || true
exit "$status"
