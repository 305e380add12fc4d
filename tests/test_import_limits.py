"""Imports within bounds: a zip bomb is refused unopened."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accord.directory.importing import readers
from accord.directory.models import Organization

GOOD = b"name,country\nAcme,DE\nBeta,FR\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
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
