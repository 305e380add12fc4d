#!/usr/bin/env bash
# Install Accord into a virtual environment from a lock file, exactly as locked.
#   scripts/install.sh VENV LOCKFILE      e.g. scripts/install.sh .venv requirements/dev.txt
# The lock files hold exact versions with their hashes (see scripts/lock.sh). torch is not in
# them: when the lock needs it, the version pinned in pyproject.toml is installed first, so pip
# may take the CPU build (set PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu where
# it is not on local disk) rather than a multi-gigabyte CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$1"
LOCK="$2"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
if grep -q "# via torch" "$LOCK" || grep -q "^sentence-transformers==" "$LOCK"; then
  torch_pin="$("$VENV/bin/python" -c 'import re, tomllib; extra = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["ai"]; print(next(r for r in extra if re.match(r"torch\s*==", r)).replace(" ", ""))')"
  "$VENV/bin/python" -m pip install --quiet "$torch_pin"
fi
"$VENV/bin/python" -m pip install --quiet --require-hashes -r "$LOCK"
"$VENV/bin/python" -m pip install --quiet --no-deps -e .
"$VENV/bin/python" -m pip check >/dev/null
