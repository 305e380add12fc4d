"""Backup and restore, run as a user runs them: `accord backup` on a live install and `accord
restore` into a new one, on SQLite and (when the suite runs on PostgreSQL) on PostgreSQL.
Every row (Django's dumpdata of every model, and each table's count) and every uploaded file
comes back; a truncated archive, one from a newer Accord and a non-empty target are refused
with the reason, and nothing is changed."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SEED = """
from django.core.files.uploadedfile import SimpleUploadedFile
from accord.accounts.services import user_create
from accord.core import policy
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.partnerships.models import Visibility

admin = user_create(actor=None, username="root", role=policy.ADMIN, password="a-long-pass-1")
org = directory.organization_create(actor=admin, data={"name": "Quillvolt", "country": "DE"})
directory.person_create(actor=admin, data={"full_name": "Ana Lima", "organization": org})
deal = partnerships.partnership_create(
    actor=admin, data={"title": "Cells", "type": "co_development"}, parties=[(org, "partner")]
)
for name in ("agenda.md", "terms.csv"):
    partnerships.document_upload(actor=admin, partnership=deal, title=name,
                                 upload=SimpleUploadedFile(name, f"{name} body\\n".encode()),
                                 visibility=Visibility.INTERNAL)
"""


def _accord(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accord.cli", *arguments]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip


def _everything(environment: dict[str, str]) -> str:
    """Every model's rows as Django's dumpdata writes them, in key order."""
    done = _accord(environment, "manage", "dumpdata", "--indent", "0", "--natural-foreign")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _files(data_dir: Path) -> dict[str, bytes]:
    media = data_dir / "media"
    found = (p for p in media.rglob("*") if p.is_file())
    return {p.relative_to(media).as_posix(): p.read_bytes() for p in found}


@pytest.fixture
def installs(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two installs' environments, a source and an empty target, on the suite's engine."""
    base = {**os.environ, "ACCORD_SCOUTING_MODEL": "none", "DJANGO_SETTINGS_MODULE": ""}
    base.pop("DJANGO_SETTINGS_MODULE")
    url = os.environ.get("DATABASE_URL", "")
    made: list[str] = []
    pairs = []
    for name in ("source", "target"):
        environment = {**base, "ACCORD_DATA_DIR": str(tmp_path / name)}
        if url.startswith("postgres"):
            database = f"accord_backup_{name}_{uuid.uuid4().hex[:8]}"
            _create_database(url, database)
            made.append(database)
            environment["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{database}"
        pairs.append(environment)
    yield pairs[0], pairs[1]
    for database in made:
        _drop_database(url, database)


def _admin_connection(url: str):
    import psycopg

    # The server's own database: the suite's may not exist (Django tests in test_NAME).
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _create_database(url: str, name: str) -> None:
    with _admin_connection(url) as db:
        db.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str, name: str) -> None:
    with _admin_connection(url) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seeded(environment: dict[str, str]) -> None:
    done = _accord(environment, "manage", "migrate", "--verbosity", "0")
    assert done.returncode == 0, done.stderr
    done = _accord(environment, "manage", "shell", "-c", SEED)
    assert done.returncode == 0, done.stderr


def test_a_backup_restores_every_row_and_file(installs, tmp_path):
    source, target = installs
    _seeded(source)
    archive = tmp_path / "accord-backup.tar.gz"
    made = _accord(source, "backup", "-o", str(archive), "--json")
    assert made.returncode == 0, made.stderr
    manifest = json.loads(made.stdout)
    assert manifest["tables"]["directory_organization"] == 1
    assert sum(1 for member in manifest["files"] if member.startswith("media/")) == 2
    restored = _accord(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stderr and "2 uploaded file(s)" in restored.stderr
    assert _everything(target) == _everything(source)
    assert _files(Path(target["ACCORD_DATA_DIR"])) == _files(Path(source["ACCORD_DATA_DIR"]))
    assert set(_files(Path(target["ACCORD_DATA_DIR"]))) and all(
        body.endswith(b" body\n") for body in _files(Path(target["ACCORD_DATA_DIR"])).values()
    )
    again = _accord(target, "restore", str(archive))
    assert again.returncode != 0 and "only into an empty database" in again.stderr
    works = _accord(target, "intros", "--to", "1", "--json")
    assert works.returncode == 0, "the restored install answers"
    assert archive.stat().st_mode & 0o777 == 0o600, "every confidential record: its owner's only"


def test_a_linked_upload_is_kept_and_bad_targets_are_refused(installs, tmp_path):
    source, target = installs
    _seeded(source)
    media = Path(source["ACCORD_DATA_DIR"]) / "media"
    first = next(p for p in media.rglob("*") if p.is_file())
    (media / "linked.md").symlink_to(first)
    archive = tmp_path / "b.tar.gz"
    assert _accord(source, "backup", "-o", str(archive)).returncode == 0
    nowhere = _accord(source, "backup", "-o", str(tmp_path / "no" / "such" / "b.tar.gz"))
    assert nowhere.returncode == 2 and "no folder" in nowhere.stderr
    empty = _accord(target, "backup", "-o", str(tmp_path / "empty.tar.gz"))
    assert empty.returncode == 2 and "nothing to back up" in " ".join(empty.stderr.split())
    assert _accord(target, "restore", str(archive)).returncode == 0
    assert (Path(target["ACCORD_DATA_DIR"]) / "media" / "linked.md").read_bytes() == (
        first.read_bytes()
    ), "the link's file, as a file"


def _rewritten(archive: Path, out: Path, change) -> None:
    """A copy of `archive` with its manifest changed by `change`."""
    with tarfile.open(archive, "r:gz") as original, tarfile.open(out, "w:gz") as copy:
        for member in original:
            data = original.extractfile(member).read() if member.isfile() else b""
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def test_a_broken_or_newer_backup_is_refused_and_nothing_changes(installs, tmp_path):
    source, target = installs
    _seeded(source)
    archive = tmp_path / "backup.tar.gz"
    assert _accord(source, "backup", "-o", str(archive)).returncode == 0
    whole = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    newer = tmp_path / "newer.tar.gz"
    _rewritten(archive, newer, lambda m: m.update(format=99, accord_version="99.0.0"))
    unknown = tmp_path / "unknown.tar.gz"
    _rewritten(archive, unknown, lambda m: m["migrations"]["directory"].append("9999_future"))
    tampered = tmp_path / "tampered.tar.gz"
    _rewritten(archive, tampered, lambda m: m["files"].update(
        {next(k for k in m["files"] if k.startswith("media/")): "0" * 64}))  # fmt: skip
    no_tables = tmp_path / "no-tables.tar.gz"
    _rewritten(archive, no_tables, lambda m: m.pop("tables"))
    not_ours = tmp_path / "photo.tar.gz"
    not_ours.write_bytes(gzip.compress(b"not a tar archive at all"))
    for bad, why in ((truncated, "truncated or damaged"), (newer, "newer Accord"),
                     (unknown, "directory.9999_future"), (tampered, "does not match its checksum"),
                     (not_ours, "not a complete Accord backup"),
                     (no_tables, "manifest is not one Accord writes (tables)"),
                     (tmp_path / "missing.tar.gz", "no file")):  # fmt: skip
        refused = _accord(target, "restore", str(bad))
        assert refused.returncode == 2, bad.name
        assert why in " ".join(refused.stderr.split()), (bad.name, refused.stderr)
        assert not (Path(target["ACCORD_DATA_DIR"]) / "media").exists(), bad.name
    assert _accord(target, "restore", str(archive)).returncode == 0, "the good one still restores"
