"""Imports within bounds: a zip bomb is refused unopened, an upload is read once, and
uploads never confirmed are deleted after a while."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from typer.testing import CliRunner

from accord.cli import app
from accord.directory.importing import readers, uploads
from accord.directory.importing.uploads import Upload
from accord.directory.models import Organization

GOOD = b"name,country\nAcme,DE\nBeta,FR\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.IMPORT_UPLOAD_DIR = settings.DATA_DIR / "imports"
    return settings.DATA_DIR


def zip_bomb(path: Path, *, megabytes: int) -> Path:
    """An XLSX whose shared strings unpack to `megabytes` MB from a few hundred KB."""
    workbook = Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["Acme"])
    plain = io.BytesIO()
    workbook.save(plain)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                archive.writestr(info, source.read(info))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            chunk = b"<si><t>" + b"A" * (1 << 20) + b"</t></si>"
            for _ in range(megabytes):
                member.write(chunk)
    return path


def upload(client, content: bytes, name: str = "orgs.csv"):
    data = {"kind": "organizations", "file": SimpleUploadedFile(name, content)}
    return client.post("/directory/import/", data, follow=True)


def test_a_zip_bomb_is_refused_unopened_naming_the_file_and_the_sizes(admin_client, tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", megabytes=320)
    assert bomb.stat().st_size < 2 * 1048576
    response = upload(admin_client, bomb.read_bytes(), "customers.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "customers.xlsx unpacks to 320 MB" in page
    assert "xl/sharedStrings.xml" in page and "over the limit of 300 MB" in page
    assert 'data-testid="confirm-import" disabled' in page
    assert not Organization.objects.exists()


def test_the_unpacked_limit_is_a_setting(settings, tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", megabytes=3)
    settings.IMPORT_UNPACKED_LIMIT_MB = 2
    table = readers.read_table(bomb)
    assert table.fatal
    assert "over the limit of 2 MB (ACCORD_IMPORT_UNPACKED_LIMIT_MB)" in table.errors[0].message


def test_a_member_packed_far_tighter_than_any_workbook_is_refused(tmp_path):
    table = readers.read_table(zip_bomb(tmp_path / "bomb.xlsx", megabytes=20))
    assert table.fatal
    assert "xl/sharedStrings.xml unpacks from" in table.errors[0].message


def test_an_ordinary_workbook_is_still_read(tmp_path):
    workbook = Workbook()
    for row in [["name", "country"], *[[f"Org {i}", "DE"] for i in range(2000)]]:
        workbook.active.append(row)
    workbook.save(tmp_path / "orgs.xlsx")
    table = readers.read_table(tmp_path / "orgs.xlsx")
    assert not table.errors and len(table.rows) == 2000


def test_an_upload_is_read_once_for_every_preview_and_the_confirm(admin_client, monkeypatch):
    reads = []
    original = uploads.read_table
    monkeypatch.setattr(uploads, "read_table", lambda *a, **k: reads.append(1) or original(*a, **k))
    response = upload(admin_client, GOOD)
    token = response.context["upload"].token
    for _ in range(3):
        again = admin_client.get(f"/directory/import/preview/?token={token}")
        assert again.context["result"].created == 2
    admin_client.post("/directory/import/confirm/", {"token": token})
    assert Organization.objects.count() == 2
    assert len(reads) == 1


def test_abandoned_uploads_are_deleted_after_the_retention_age(settings, admin_client, data_dir):
    settings.UPLOAD_RETENTION_HOURS = 24
    old = upload(admin_client, GOOD).context["upload"].token
    recent = upload(admin_client, GOOD).context["upload"].token
    day_ago = time.time() - 25 * 3600
    os.utime(Upload.folder(old), (day_ago, day_ago))
    assert uploads.purge_abandoned() == 1
    assert not Upload.folder(old).exists() and Upload.folder(recent).exists()
    settings.UPLOAD_RETENTION_HOURS = 0
    upload(admin_client, GOOD)  # the next upload deletes the ones past the age
    assert not Upload.folder(recent).exists()


def test_the_purge_command_deletes_uploads_past_the_age_given(admin_client):
    token = upload(admin_client, GOOD).context["upload"].token
    two_hours_ago = time.time() - 2 * 3600
    os.utime(Upload.folder(token), (two_hours_ago, two_hours_ago))
    kept = CliRunner().invoke(app, ["purge-uploads", "--hours", "3"])
    assert kept.exit_code == 0 and Upload.folder(token).exists()
    purged = CliRunner().invoke(app, ["purge-uploads", "--hours", "1"])
    assert purged.exit_code == 0, purged.output
    assert "Deleted 1 abandoned upload(s)." in purged.output
    assert not Upload.folder(token).exists()
