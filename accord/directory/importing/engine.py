"""The import, start to end: read, map, validate every row, then write (or refuse) them all.

`import_file` (and `import_table` for rows already in memory) is the one entry point the
command line, the web pages and the benchmark call; the acting user is always explicit.

Every row is validated before the first is written, so a file with a bad row writes nothing.
On SQLite, whose one write lock covers the whole database, the rows are then written in
chunks of their own transactions, with a pause after each `HOLD_SECONDS` of them in which the
writers that asked for the lock meanwhile (their notes: accord/core/sqlite) take it: a large
import written in one transaction held it for longer than the busy timeout, and every save of
every user failed meanwhile. An import interrupted while writing (the process killed, the
disk full) therefore keeps the chunks already written, each complete with its tags, external
ids, audit events and search index entries. A chunk that waited for the lock past the busy
timeout is rolled back and written again: the import waits, not the people using the
application. PostgreSQL, whose writers do not wait for each other on different rows, writes
the import in one transaction.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, connection, transaction

from accord.core import events, policy
from accord.core.errors import database_busy
from accord.core.sqlite.base import watching_lock_requests
from accord.directory.importing import organizations, people
from accord.directory.importing.duplicates import PossibleDuplicate
from accord.directory.importing.errors import ImportUsageError, RowError
from accord.directory.importing.mapping import (
    KINDS,
    ORGANIZATIONS,
    MappedRow,
    check_field,
    map_row,
    resolve,
)
from accord.directory.importing.presets import PRESETS
from accord.directory.importing.readers import Table, read_table
from accord.directory.importing.validation import is_web_address
from accord.directory.importing.writing import Create, Plan, Update, apply_plan

if TYPE_CHECKING:
    from accord.accounts.models import User

PREVIEW_ROWS = 20
# Rows written per transaction on SQLite: each commit also writes the word indexes' pending
# terms as a new segment to merge, which at 1,000 rows cost a third of the writing time.
CHUNK_ROWS = 2000
PAUSE_SECONDS = 0.15  # SQLite's busy handler retries a waiting writer every 100 ms at most
# Chunks are written back to back for this long before a pause: a pause after every chunk of a
# fast import cost it half its time, while others waited no more than this anyway.
HOLD_SECONDS = 0.5
# Pages (4 KiB) of write-ahead log an import's chunks gather before they are copied into the
# database file. At SQLite's default, 1,000, every chunk's commit copied and synced again the
# index pages all chunks touch: 2.5 s of 6 s writing 54,000 organizations.
CHECKPOINT_PAGES = 10_000
CHUNK_ATTEMPTS = 10  # a chunk that waited a whole busy timeout for the lock is tried again
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class ImportOptions:
    kind: str = ORGANIZATIONS
    columns: dict[str, str] = field(default_factory=dict)  # source column → field
    preset: str | None = None
    source: str | None = None
    encoding: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False

    def check(self) -> None:
        """Refuse a wrongly asked import before any file is read."""
        if self.kind not in KINDS:
            raise ImportUsageError(f"unknown kind {self.kind!r}: {' or '.join(KINDS)}")
        if self.preset:
            preset = PRESETS.get(self.preset)
            if preset is None:
                raise ImportUsageError(
                    f"unknown preset {self.preset!r}; presets: {', '.join(sorted(PRESETS))}"
                )
            if preset.kind != self.kind:
                raise ImportUsageError(f"the {preset.name} preset imports {preset.kind}")
        if self.source is not None and not (0 < len(self.source) <= 40 and ":" not in self.source):
            raise ImportUsageError("a source name has 1 to 40 characters and no ':'")
        for target in self.columns.values():
            check_field(self.kind, target)

    @property
    def effective_source(self) -> str | None:
        return self.source or (PRESETS[self.preset].source if self.preset else None)


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    headers: list[str] = field(default_factory=list)
    mapped_columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    preview: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""

    @property
    def refused_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_cells(self) -> set[tuple[int | None, str | None]]:
        return {(e.row, e.column) for e in self.errors}

    def as_json(self) -> dict[str, Any]:
        """The contract of `accord import --json` (DESIGN §5), plus what happened."""
        counted = self.written or self.dry_run
        return {
            "created": self.created if counted else 0,
            "updated": self.updated if counted else 0,
            "unchanged": self.unchanged if counted else 0,
            "errors": [e.as_dict() for e in self.errors],
            "possible_duplicates": [d.as_dict() for d in self.possible_duplicates],
            "rows": self.rows,
            "refused_rows": self.refused_rows,
            "written": self.written,
            "dry_run": self.dry_run,
        }


def import_file(
    path: Path, *, actor: User, options: ImportOptions, progress: Progress | None = None
) -> ImportResult:
    options.check()
    table = read_table(Path(path), encoding=options.encoding)
    return import_table(table, actor=actor, options=options, progress=progress)


def _map_rows(table: Table, options: ImportOptions, result: ImportResult) -> list[MappedRow]:
    if options.preset:
        preset = PRESETS[options.preset]
        missing = [c for c in preset.required if c not in table.headers]
        if missing:
            result.errors.append(
                RowError(1, missing[0], f"the {preset.name} preset needs the column {missing[0]!r}")
            )
            return []
        result.mapped_columns = {h: "(preset)" for h in table.headers}
        return [preset.convert(row.number, row.values) for row in table.rows]
    mapping = resolve(options.kind, table.headers, options.columns)
    result.mapped_columns, result.ignored_columns = mapping.columns, mapping.ignored
    if options.source and mapping.column_for("id") is None:
        raise ImportUsageError(
            f"--source {options.source} needs the file's id column: map it with --map COLUMN=id"
        )
    return [map_row(row.number, row.values, mapping) for row in table.rows]


def _preview(table: Table, result: ImportResult) -> list[tuple[int, list[str]]]:
    error_rows = {e.row for e in result.errors}
    shown = table.rows[:PREVIEW_ROWS]
    shown += [r for r in table.rows[PREVIEW_ROWS:] if r.number in error_rows][:PREVIEW_ROWS]
    return [(r.number, [r.values.get(h, "") for h in table.headers]) for r in shown]


def _chunks(plan: Plan) -> list[Plan]:
    """`plan` cut into plans of at most CHUNK_ROWS creates and updates."""
    items: list[Create | Update] = [*plan.creates, *plan.updates]
    chunks = []
    for start in range(0, len(items), CHUNK_ROWS):
        part = items[start : start + CHUNK_ROWS]
        chunks.append(
            Plan(
                creates=[i for i in part if isinstance(i, Create)],
                updates=[i for i in part if isinstance(i, Update)],
            )
        )
    return chunks or [plan]


def leave_room() -> None:
    """Between two chunks: long enough for a writer waiting for the lock to take it."""
    time.sleep(PAUSE_SECONDS)


@contextmanager
def _fewer_checkpoints() -> Iterator[None]:
    """SQLite: checkpoint after CHECKPOINT_PAGES instead of each chunk, and once at the end."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(before):d}")
            if not connection.in_atomic_block:  # (a caller's transaction would refuse it)
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def import_table(
    table: Table, *, actor: User, options: ImportOptions, progress: Progress | None = None
) -> ImportResult:
    """Validate every row of `table`, then write all of it (or nothing when a row is bad)."""
    if actor is None:
        raise ValueError("an import needs a known actor")
    policy.require(actor, policy.DIRECTORY_IMPORT)
    options.check()
    result = ImportResult(
        kind=options.kind,
        errors=list(table.errors),
        headers=table.headers,
        dry_run=options.dry_run,
        rows=len(table.rows),
        encoding=table.encoding,
    )
    if table.fatal:
        return result
    rows = _map_rows(table, options, result)
    source = options.effective_source
    if options.kind == ORGANIZATIONS:
        plan = organizations.plan_organizations(
            rows, source=source, errors=result.errors, duplicates=result.possible_duplicates
        )
        spec = organizations.SPEC
    else:
        plan = people.plan_people(
            rows, source=source, errors=result.errors, duplicates=result.possible_duplicates
        )
        spec = people.SPEC
    is_web_address.cache_clear()  # every row is checked
    result.errors.sort(key=lambda e: e.row or 0)
    result.preview = _preview(table, result)
    result.created, result.updated = len(plan.creates), len(plan.updates)
    result.unchanged = plan.unchanged
    if (result.errors and not options.skip_invalid) or options.dry_run:
        return result
    total = len(plan.creates) + len(plan.updates)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("Writing", done, total)

    chunks = _chunks(plan) if connection.vendor == "sqlite" else [plan]
    writing_since = time.monotonic()
    with (
        _fewer_checkpoints() if len(chunks) > 1 else nullcontext(),
        watching_lock_requests(connection) as requests,
    ):
        for number, chunk in enumerate(chunks):
            if number and time.monotonic() - writing_since >= HOLD_SECONDS:
                if requests is None or requests.came():  # (None: nobody can tell; give way)
                    leave_room()
                writing_since = time.monotonic()
            for attempt in range(1, CHUNK_ATTEMPTS + 1):
                done_before = done
                # The objects to update are changed as they are written: a retry starts afresh.
                fresh = Plan(creates=chunk.creates, updates=copy.deepcopy(chunk.updates))
                try:
                    with transaction.atomic():
                        apply_plan(
                            fresh, actor=actor, spec=spec, source=source, on_progress=advance
                        )
                except OperationalError as error:
                    if attempt == CHUNK_ATTEMPTS or not database_busy(error):
                        raise
                    done = done_before
                    leave_room()
                else:
                    break
    result.written = True
    events.emit(events.IMPORT_FINISHED, {
        "kind": options.kind, "rows": result.rows, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged,
        "refused": len(result.errors), "by": actor.get_username(),
    })  # fmt: skip
    if total >= 10_000:
        # Fresh planner statistics after a large load keep the list filters on good indexes
        # (and, on PostgreSQL, the scouting word counts estimated from them near the truth).
        with connection.cursor() as cursor:
            cursor.execute(
                "PRAGMA optimize"
                if connection.vendor == "sqlite"
                else "ANALYZE directory_organization"
            )
    return result
