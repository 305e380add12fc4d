"""Files to rows: CSV (encoding detected, delimiter sniffed), XLSX and JSON Lines.

A reader never raises for a bad file: problems come back as `RowError`s naming the row (and
the column where one can be named), so a preview can show them all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from django.conf import settings

from accord.core.text import CONTROL_CHARACTERS, clean_text
from accord.directory.importing.errors import RowError

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
FORMATS[".ndjson"] = "jsonl"
_SNIFF_BYTES = 64 * 1024
_DETECT_BYTES = 512 * 1024
# A workbook member unpacking to more than this many times its packed size is a zip bomb;
# real worksheets and shared strings pack 5 to 30 times.
_MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024


@dataclass
class SourceRow:
    number: int
    values: dict[str, str]


@dataclass
class Table:
    headers: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # A fatal problem (unreadable file, broken quoting) leaves the rows incomplete.
    fatal: bool = False
    encoding: str = ""

    def fail(self, message: str, row: int | None = None, column: str | None = None) -> Table:
        self.errors.append(RowError(row, column, message))
        self.fatal = True
        return self


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def read_table(path: Path, *, encoding: str | None = None, name: str | None = None) -> Table:
    """Every row of the file at `path` (called `name` in messages, its own name by default),
    or the problems that stop it being read."""
    fmt = file_format(path)
    if fmt is None:
        return Table().fail(
            f"unsupported file type {path.suffix or '(none)'!r}: use .csv, .xlsx or .jsonl"
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        return Table().fail(f"cannot read the file: {error.strerror or error}")
    limit = settings.UPLOAD_LIMIT_BYTES
    if size > limit:
        return Table().fail(
            f"the file is {size / 1048576:.1f} MB, over the limit of {limit / 1048576:.0f} MB"
            " (ACCORD_UPLOAD_LIMIT_MB)"
        )
    if fmt == "xlsx":
        return read_xlsx(path, name=name)
    data = path.read_bytes()
    table = Table()
    text = decode(data, encoding, table)
    if text is None:
        return table
    return read_jsonl(text, table) if fmt == "jsonl" else read_csv(text, table)


def decode(data: bytes, encoding: str | None, table: Table) -> str | None:
    """The file's text: the encoding given, else UTF-8, else the one charset-normalizer finds."""
    if encoding:
        try:
            table.encoding = encoding
            return data.decode(encoding)
        except LookupError:
            table.fail(f"unknown encoding {encoding!r}")
        except UnicodeDecodeError as error:
            table.fail(f"the file is not valid {encoding} text (byte {error.start + 1})")
        return None
    try:
        table.encoding = "utf-8"
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:_DETECT_BYTES]).best()
    if best is not None and best.encoding:
        try:
            table.encoding = best.encoding
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    table.fail(
        "the file is not UTF-8 text and its encoding could not be detected:"
        " save it as UTF-8 or give the encoding (--encoding)"
    )
    return None


def _clean_headers(raw: list[Any], table: Table) -> list[str] | None:
    headers = [str(h).strip() if h is not None else "" for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        table.fail("the file has no header row", row=1)
        return None
    for index, name in enumerate(headers):
        if not name:
            table.fail(f"column {index + 1} of the header has no name", row=1)
            return None
        if name in headers[:index]:
            table.fail(f"the header names column {name!r} twice", row=1, column=name)
            return None
    return headers


def _add_row(table: Table, number: int, cells: list[str]) -> None:
    if not any(c.strip() for c in cells):
        return  # blank lines are skipped, as spreadsheets do
    headers = table.headers
    if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
        table.errors.append(
            RowError(number, None, f"the row has {len(cells)} cells, the header {len(headers)}")
        )
        return
    if len(cells) < len(headers):
        table.errors.append(
            RowError(
                number,
                headers[len(cells)],
                f"the row ends after {len(cells)} of {len(headers)} cells (is the file truncated?)",
            )
        )
        return
    if CONTROL_CHARACTERS.search("".join(cells)):  # one look per row: they are rare
        cells = [clean_text(c) for c in cells]
    table.rows.append(SourceRow(number, dict(zip(headers, cells, strict=False))))


def read_csv(text: str, table: Table) -> Table:
    sample = text[:_SNIFF_BYTES]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                headers = _clean_headers(cells, table)
                if headers is None:
                    return table
                table.headers = headers
            else:
                _add_row(table, number, cells)
    except csv.Error as error:
        return table.fail(f"the file is not well-formed CSV: {error}", row=number + 1)
    if number == 0:
        table.fail("the file is empty")
    return table


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, *, name: str | None = None) -> Table:
    from openpyxl import load_workbook

    table = Table(encoding="xlsx")
    if not zipfile.is_zipfile(path):
        return table.fail("the file is not a valid XLSX workbook (it is not a zip archive)")
    refusal = _unpacking_refusal(path, name or path.name)
    if refusal:
        return table.fail(refusal)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        return table.fail(f"the XLSX workbook cannot be read: {error}")
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if number == 1:
                headers = _clean_headers(list(values), table)
                if headers is None:
                    return table
                table.headers = headers
            else:
                # Workbooks leave trailing empty cells out; they are blanks, not truncation.
                cells += [""] * (len(table.headers) - len(cells))
                _add_row(table, number, cells)
    except Exception as error:  # a truncated sheet fails while streaming
        return table.fail(f"the XLSX workbook is damaged: {error}")
    finally:
        workbook.close()
    if not table.headers and not table.errors:
        table.fail("the workbook's first sheet is empty")
    return table


def _unpacking_refusal(path: Path, name: str) -> str | None:
    """Why the workbook at `path` is not opened, judged from its zip directory alone.

    Python's zip reader stops at each member's declared size, so the declared sizes bound
    what openpyxl can unpack.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        return f"the XLSX workbook cannot be read: {error}"
    mb = 1048576
    limit = settings.IMPORT_UNPACKED_LIMIT_MB
    unpacked = sum(m.file_size for m in members)
    if unpacked > limit * mb:
        largest = max(members, key=lambda m: m.file_size)
        return (
            f"{name} unpacks to {unpacked / mb:,.0f} MB ({largest.filename}:"
            f" {largest.file_size / mb:,.0f} MB), over the limit of {limit} MB"
            " (ACCORD_IMPORT_UNPACKED_LIMIT_MB)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > _MAX_RATIO:
            return (
                f"{name}: {member.filename} unpacks from {member.compress_size:,} to"
                f" {member.file_size:,} bytes ({ratio:,.0f} times), more than a workbook does"
            )
    return None


def read_jsonl(text: str, table: Table) -> Table:
    """One JSON object per line; the columns are the keys, in the order first seen."""
    seen: dict[str, None] = {}
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            table.errors.append(
                RowError(number, None, f"invalid JSON at character {error.colno}: {error.msg}")
            )
            continue
        if not isinstance(value, dict):
            table.errors.append(RowError(number, None, "the line is not a JSON object"))
            continue
        seen.update(dict.fromkeys(str(k) for k in value))
        parsed.append((number, value))
    table.headers = list(seen)
    for number, value in parsed:
        values = {}
        for key, cell in value.items():
            if isinstance(cell, list):
                values[str(key)] = "|".join(_cell_text(v) for v in cell)
            elif isinstance(cell, dict):
                values[str(key)] = json.dumps(cell)
            else:
                values[str(key)] = _cell_text(cell)
        table.rows.append(SourceRow(number, {k: clean_text(v) for k, v in values.items()}))
    if not parsed and not table.errors:
        table.fail("the file is empty")
    return table
