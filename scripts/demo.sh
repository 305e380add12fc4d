#!/usr/bin/env bash
# Install Accord with matching by meaning (the `ai` extra) into .venv from the lock file, then
# run the demo: migrate, load generated demo data, serve http://127.0.0.1:8000/.
# Extra arguments go to `accord demo` (for example --port 8001 or --no-serve).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh .venv requirements/ai.txt
exec .venv/bin/accord demo "$@"
