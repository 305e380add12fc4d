#!/usr/bin/env bash
# Install what the tests need (virtual environments from the lock files, Debian's chromium,
# postgresql and pango when missing), then: ruff; the import contracts; the package without
# extras in a brand-new virtual environment (the commands a newcomer runs, then the suite but
# for the browser journeys and the role matrix, which read no extra and run in full below);
# the whole suite on SQLite, and on a PostgreSQL server started on loopback for the run all
# but the browser journeys (they drive the same views through Chromium; what differs between
# the databases, the rest of the suite covers). Each step says how long the run has taken.
# Extra arguments go to pytest. apt needs root or sudo when chromium or postgresql is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL

step() { echo "== $1 ($((SECONDS / 60)) min $((SECONDS % 60)) s in)" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# WeasyPrint (the board pack's PDF) draws text with pango.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} from Debian's packages" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

./scripts/install.sh .venv requirements/dev.txt
WORKERS="${ACCORD_TEST_WORKERS:-2}"

step "ruff"
.venv/bin/ruff check accord tests benchmarks
.venv/bin/ruff format --check accord tests benchmarks
step "the direction between the apps (docs/architecture.md)"
.venv/bin/lint-imports
step "types (mypy)"
.venv/bin/mypy

mkdir -p artifacts
step "the base install: no extras, a brand-new virtual environment"
rm -rf .venv-base
./scripts/install.sh .venv-base requirements/base.txt
BASE_DATA="$(mktemp -d)"
trap 'rm -rf "$BASE_DATA"' EXIT
(
  export ACCORD_DATA_DIR="$BASE_DATA"
  .venv-base/bin/accord --help >/dev/null
  .venv-base/bin/accord demo --no-serve 2>/dev/null
  printf 'name,kind,country,description\nQuillvolt,startup,DE,%s\n' \
    "Recovers lithium and cobalt from spent battery cells." >"$BASE_DATA/new.csv"
  .venv-base/bin/accord import organizations "$BASE_DATA/new.csv" --json >/dev/null
  .venv-base/bin/accord scout "lithium recovery from spent batteries" --mode lexical --top 3 \
    --json 2>/dev/null | .venv-base/bin/python -c \
    'import json, sys; found = [m["name"] for m in json.load(sys.stdin)]; assert found[:1] == ["Quillvolt"], found'
)
.venv-base/bin/python -m pip install --quiet --require-hashes -r requirements/test.txt
.venv-base/bin/python -m pytest -n "$WORKERS" -p no:cacheprovider -q \
  --ignore=tests/browser --ignore=tests/test_role_matrix.py "$@"

step "pytest on SQLite"
.venv/bin/python -m pytest -n "$WORKERS" "$@"

step "pytest on PostgreSQL"
PGBIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
PGDIR="$(mktemp -d)"
PGPORT="${ACCORD_TEST_PGPORT:-54329}"
RUN=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$PGDIR"
  RUN=(runuser -u postgres --)
fi
"${RUN[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U accord --auth=trust -E UTF8 >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
stop_pg() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR" "$BASE_DATA"
}
trap stop_pg EXIT
DATABASE_URL="postgres://accord@127.0.0.1:$PGPORT/accord" .venv/bin/python -m pytest \
  -n "$WORKERS" --ignore=tests/browser "$@"
step "done"
