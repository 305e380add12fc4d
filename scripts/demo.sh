#!/usr/bin/env bash
# Install Accord into a virtual environment and run the demo (migrate, demo data, serve).
# Extra arguments go to `accord demo` (for example --port 8001 or --no-serve).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[ai]"
exec .venv/bin/accord demo "$@"
