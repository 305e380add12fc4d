#!/usr/bin/env bash
# Install what the tests need (virtual environment, Python packages, Debian's chromium and
# postgresql when missing), then run the whole suite on SQLite and on a PostgreSQL server
# started on loopback for the run. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} from Debian's packages" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,ai]"

echo "== ruff" >&2
.venv/bin/ruff check accord tests benchmarks
.venv/bin/ruff format --check accord tests benchmarks

mkdir -p artifacts
echo "== pytest on SQLite" >&2
.venv/bin/python -m pytest -n "${ACCORD_TEST_WORKERS:-2}" "$@"

echo "== pytest on PostgreSQL" >&2
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
stop_pg() { "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap stop_pg EXIT
DATABASE_URL="postgres://accord@127.0.0.1:$PGPORT/accord" .venv/bin/python -m pytest -n "${ACCORD_TEST_WORKERS:-2}" "$@"
