"""A backup is one archive (.tar.gz) holding a consistent snapshot of the database and every
uploaded file, with a manifest first: the format, the Accord version and migrations that made
it, each table's rows and each member's SHA-256.

SQLite is copied with its online backup API and PostgreSQL dumped by `pg_dump` inside an
exported snapshot, so the rows counted are exactly the rows saved while the app keeps serving.
A restore reads and checks the whole archive before it touches anything, and writes only into
an empty database and an empty media folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

import accord

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/accord.sqlite3"
POSTGRES_MEMBER = "database/accord.pgdump"
MEDIA = "media"
CHUNK = 1 << 20

Progress = Callable[[str], None]


class BackupError(Exception):
    """Why a backup or a restore could not be made; nothing was changed."""


@dataclass
class Manifest:
    accord_version: str
    engine: str
    created_at: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # member -> SHA-256
    format: int = FORMAT

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "accord_version": self.accord_version,
                "engine": self.engine, "created_at": self.created_at,
                "migrations": self.migrations, "tables": self.tables,
                "files": self.files}  # fmt: skip

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("the database lives in memory; there is no file to back up")
    return Path(name)


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


# Reading what there is ------------------------------------------------------------------------


def _sqlite_tables(path: Path) -> dict[str, int]:
    with closing_sqlite(path) as db:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]  # fmt: skip
        return _counts(db.cursor(), names, _quoted)


def _sqlite_migrations(path: Path) -> dict[str, list[str]]:
    with closing_sqlite(path) as db:
        try:
            rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        except sqlite3.OperationalError:
            return {}
        return _grouped(rows)


def _grouped(rows: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app, name in rows:
        found.setdefault(app, []).append(name)
    return found


@contextmanager
def closing_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path)
    try:
        yield db
    finally:
        db.close()


def current_tables() -> dict[str, int]:
    """Every table of the database in use and its rows."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        return _counts(cursor, names, connection.ops.quote_name)


def _counts(cursor: Any, names: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    """Each table's rows; the names come from the database's own catalogue."""
    counts = {}
    for name in sorted(names):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: on the PATH, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: _version_key(p.parent.parent.name))  # fmt: skip
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return str(candidates[-1])


def _pg_environment() -> dict[str, str]:
    db = settings.DATABASES["default"]
    environment = {**os.environ, "PGDATABASE": str(db["NAME"]),
                   "PGUSER": str(db.get("USER") or ""), "PGHOST": str(db.get("HOST") or ""),
                   "PGPORT": str(db.get("PORT") or "")}  # fmt: skip
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return {k: v for k, v in environment.items() if v}


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True,
                          check=False)  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# Backup ----------------------------------------------------------------------------------------


def _snapshot_sqlite(folder: Path) -> tuple[Path, dict[str, int], dict[str, list[str]]]:
    copy = folder / "accord.sqlite3"
    if not _sqlite_path().exists():
        raise BackupError(f"no database at {_sqlite_path()}: there is nothing to back up")
    source = sqlite3.connect(_sqlite_path())
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return copy, _sqlite_tables(copy), _sqlite_migrations(copy)


def _snapshot_postgres(folder: Path) -> tuple[Path, dict[str, int], dict[str, list[str]]]:
    """Count the rows and dump them inside one exported snapshot: the same rows both times."""
    dump = folder / "accord.pgdump"
    session = connections.create_connection("default")
    try:
        session.set_autocommit(False)
        with session.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            names = session.introspection.table_names(cursor)
            if not names:
                raise BackupError("the database has no tables: there is nothing to back up")
            tables = _counts(cursor, names, session.ops.quote_name)
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = _grouped(cursor.fetchall())
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={dump}"])  # fmt: skip
        session.rollback()
    finally:
        session.close()
    return dump, tables, migrations


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(target: Path, *, progress: Progress | None = None) -> Manifest:
    """Write a backup archive to `target` (through a temporary file, so a failed backup
    leaves no half archive behind)."""
    tell = progress or (lambda _: None)
    target = target.resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the archive's file name")
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent} to write the archive in")
    with tempfile.TemporaryDirectory(prefix="accord-backup-", dir=_work_dir()) as work:
        folder = Path(work)
        tell("Copying the database")
        if _engine() == "sqlite":
            database, tables, migrations = _snapshot_sqlite(folder)
            member = SQLITE_MEMBER
        elif _engine() == "postgresql":
            database, tables, migrations = _snapshot_postgres(folder)
            member = POSTGRES_MEMBER
        else:
            raise BackupError(f"backing up a {connection.vendor} database is not supported")
        manifest = Manifest(
            accord_version=accord.__version__, engine=_engine(), migrations=migrations,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), tables=tables,
        )  # fmt: skip
        if not tables:
            raise BackupError("the database has no tables: there is nothing to back up")
        manifest.files[member] = _sha256(database)
        copies = _copy_media(folder, tell)
        for name, copy in copies.items():
            manifest.files[name] = _sha256(copy)
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            # The archive holds every confidential record and password hash: its owner's only.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as out:
                text = json.dumps(manifest.as_dict(), indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(text), int(dt.datetime.now(dt.UTC).timestamp())
                out.addfile(info, io.BytesIO(text))
                out.add(database, arcname=member)
                for name, copy in copies.items():
                    out.add(copy, arcname=name)
            partial.replace(target)
        except OSError as error:
            raise BackupError(f"could not write {target}: {error}") from error
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _copy_media(folder: Path, tell: Progress) -> dict[str, Path]:
    """Each uploaded file copied once (a link followed) into `folder`, by its member name: the
    checksum and the archive read the same bytes, even of a file being replaced meanwhile."""
    media_root = Path(settings.MEDIA_ROOT)
    files = _media_files()
    copies = {}
    for number, path in enumerate(files, start=1):
        if number % 100 == 1:
            tell(f"Copying uploaded files ({number:,} of {len(files):,})")
        name = f"{MEDIA}/{path.relative_to(media_root).as_posix()}"
        copy = folder / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, copy)
        except FileNotFoundError:
            continue  # deleted since it was listed
        copies[name] = copy
    return copies


# Restore ---------------------------------------------------------------------------------------


def _damaged(source: Path, error: Exception) -> BackupError:
    return BackupError(f"{source} is not a complete Accord backup (truncated or damaged: {error})")


def read_manifest(source: Path) -> Manifest:
    """The manifest at the head of an archive, checked against what this Accord can restore."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST:
                raise BackupError(f"{source} is not an Accord backup: it does not start with "
                                  f"{MANIFEST}")  # fmt: skip
            stream = archive.extractfile(first)
            assert stream is not None
            data = json.loads(stream.read())
    except (tarfile.TarError, EOFError, OSError, zlib.error, json.JSONDecodeError) as error:
        raise _damaged(source, error) from error
    if not isinstance(data, dict) or not isinstance(data.get("format"), int):
        raise BackupError(f"{source}: its manifest is not one Accord writes")
    if data["format"] > FORMAT:
        raise BackupError(f"{source} was written by a newer Accord ({data.get('accord_version')},"
                          f" backup format {data['format']}); this one ({accord.__version__}) "
                          f"reads format {FORMAT}: upgrade Accord first")  # fmt: skip
    if _version_key(str(data.get("accord_version", ""))) > _version_key(accord.__version__):
        raise BackupError(f"{source} was written by Accord {data['accord_version']}, newer than "
                          f"this one ({accord.__version__}): upgrade Accord first")  # fmt: skip
    expected = {"accord_version": str, "engine": str, "created_at": str, "migrations": dict,
                "tables": dict, "files": dict}  # fmt: skip
    wrong = [name for name, kind in expected.items() if not isinstance(data.get(name), kind)]
    counts: dict[str, Any] = data["tables"] if isinstance(data.get("tables"), dict) else {}
    if wrong or not all(isinstance(n, int) for n in counts.values()):
        raise BackupError(f"{source}: its manifest is not one Accord writes "
                          f"({', '.join(wrong) or 'tables'})")  # fmt: skip
    return Manifest(**{name: data[name] for name in (*expected, "format")})


def _unknown_migrations(manifest: Manifest) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in manifest.migrations.items() for name in names
            if (app, name) not in known]  # fmt: skip


def _unpack(source: Path, manifest: Manifest, folder: Path, tell: Progress) -> None:
    """Every member into `folder`, each checked against its checksum."""
    seen = set()
    try:
        with tarfile.open(source, "r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if member.name not in manifest.files or not member.isfile():
                    raise BackupError(f"{source} holds {member.name!r}, which its manifest does "
                                      "not list")  # fmt: skip
                archive.extract(member, folder, filter="data")
                if _sha256(folder / member.name) != manifest.files[member.name]:
                    raise BackupError(f"{member.name} in {source} does not match its checksum")
                seen.add(member.name)
                if len(seen) % 100 == 1:
                    tell(f"Checking the archive ({len(seen):,} of {len(manifest.files):,})")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise _damaged(source, error) from error
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise _damaged(source, ValueError(f"{len(missing)} member(s) missing, {missing[0]} first"))


def _database_is_empty() -> str | None:
    """Why the database in use may not be restored into, or None."""
    if _engine() == "sqlite":
        path = _sqlite_path()
        if path.exists() and _sqlite_tables(path):
            return f"the database {path.name} already has tables"
        return None
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return f"the database already has {len(tables)} table(s)" if tables else None


def restore(source: Path, *, progress: Progress | None = None) -> Manifest:
    """Restore a backup into an empty database and media folder; refuse anything else with
    the reason, having changed nothing."""
    tell = progress or (lambda _: None)
    if not source.is_file():
        raise BackupError(f"no file {source}")
    manifest = read_manifest(source)
    if manifest.engine != _engine():
        raise BackupError(f"{source} is a {manifest.engine} backup; this Accord uses "
                          f"{_engine()}: restore it into a {manifest.engine} database")  # fmt: skip
    unknown = _unknown_migrations(manifest)
    if unknown:
        more = " and more" if len(unknown) > 1 else ""
        raise BackupError(f"{source} holds migrations this Accord does not know ({unknown[0]}"
                          f"{more}): upgrade Accord first")  # fmt: skip
    why = _database_is_empty()
    media_root = Path(settings.MEDIA_ROOT)
    if why is None and media_root.is_dir() and any(media_root.iterdir()):
        why = f"the media folder {media_root} is not empty"
    if why:
        raise BackupError(f"restore only into an empty database and media folder: {why}")
    with tempfile.TemporaryDirectory(prefix="accord-restore-", dir=_work_dir()) as work:
        folder = Path(work)
        tell("Checking the archive")
        _unpack(source, manifest, folder, tell)
        tell("Restoring the database")
        if manifest.engine == "sqlite":
            _restore_sqlite(folder / SQLITE_MEMBER)
        else:
            _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", f"--dbname={settings.DATABASES['default']['NAME']}",
                  str(folder / POSTGRES_MEMBER)])  # fmt: skip
        tell("Restoring the uploaded files")
        if (folder / MEDIA).is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            for path in sorted((folder / MEDIA).rglob("*")):
                if path.is_file():
                    placed = media_root / path.relative_to(folder / MEDIA)
                    placed.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, placed)
    restored = current_tables()
    for table, expected in manifest.tables.items():
        if restored.get(table) != expected:
            raise BackupError(f"the restored table {table} holds {restored.get(table)} rows, "
                              f"not {expected}")  # fmt: skip
    return manifest


def _work_dir() -> Path:
    """Unpack beside the data, so the database and files move rather than copy across disks."""
    folder = Path(settings.DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _restore_sqlite(snapshot: Path) -> None:
    connections.close_all()
    path = _sqlite_path()
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
