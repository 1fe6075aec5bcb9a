#!/usr/bin/env bash
# Generate the sample bundles and process each end to end (Prefect local mode, SQLite under ./var).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/intake process-samples --out out "$@"
