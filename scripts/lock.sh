#!/usr/bin/env bash
# Refresh the lock files under requirements/ from the ranges in pyproject.toml: exact versions
# with hashes, which the README's commands install. Run it after changing a dependency, then
# commit the files on their own. Pass -U to move everything to the newest allowed versions,
# or -P NAME to move one package.
#
#   requirements/base.txt   the package without extras
#   requirements/ai.txt     with the `ai` extra (matching by meaning)
#   requirements/test.txt   with the `test` extra (the suite without the `ai` extra)
#   requirements/dev.txt    with both: what ./scripts/test.sh installs
#
# torch is left out of the files: it is installed first, pinned in pyproject.toml, so that pip
# can take the CPU build (from local disk, or PyTorch's CPU index with
# PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu) instead of a CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
TOOLS="${ACCORD_LOCK_VENV:-.venv-lock}"
if [ ! -x "$TOOLS/bin/pip-compile" ]; then
  "$PYTHON" -m venv "$TOOLS"
  "$TOOLS/bin/pip" install --quiet "pip-tools>=7.4"
fi
compile() {
  local out="$1"
  shift
  echo "== $out" >&2
  "$TOOLS/bin/pip-compile" --quiet --generate-hashes --strip-extras \
    --no-emit-find-links --no-emit-index-url --unsafe-package torch \
    --output-file "$out" "$@" pyproject.toml
}
compile requirements/dev.txt --extra test --extra ai "$@"
compile requirements/base.txt -c requirements/dev.txt
compile requirements/ai.txt --extra ai -c requirements/dev.txt
compile requirements/test.txt --extra test -c requirements/dev.txt
