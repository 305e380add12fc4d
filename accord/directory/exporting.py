"""Exports of filtered lists to CSV and XLSX, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from accord.core.text import clean_text

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
Column = tuple[str, Callable[[Any], Any]]


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(_FORMULA_STARTS):
            return "'" + value
    return value


def export_rows(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[list[Any]]:
    yield [header for header, _ in columns]
    for row in rows:
        yield [safe_cell(getter(row)) for _, getter in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(
    rows: Iterable[Any], columns: Sequence[Column], *, fmt: str, basename: str
) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(basename[:31])
        for line in export_rows(rows, columns):
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.xlsx"'
        return response
    writer = csv.writer(_Echo())
    stream = (writer.writerow(line) for line in export_rows(rows, columns))
    streaming = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return streaming


ORGANIZATION_COLUMNS: list[Column] = [
    ("id", lambda o: o.pk),
    ("name", lambda o: o.name),
    ("kind", lambda o: o.kind),
    ("country", lambda o: o.country),
    ("city", lambda o: o.city),
    ("website", lambda o: o.website),
    ("founded_year", lambda o: o.founded_year),
    ("size_band", lambda o: o.size_band),
    ("stage", lambda o: o.stage),
    ("one_liner", lambda o: o.one_liner),
    ("description", lambda o: o.description),
    ("tags", lambda o: "|".join(t.name for t in o.visible_tags)),  # selectors.organization_list
]

PERSON_COLUMNS: list[Column] = [
    ("id", lambda p: p.pk),
    ("full_name", lambda p: p.full_name),
    ("organization", lambda p: p.organization.name if p.organization else ""),
    ("organization_id", lambda p: p.organization_id),
    ("title", lambda p: p.title),
    ("email", lambda p: p.email),
    ("phone", lambda p: p.phone),
    ("relation", lambda p: p.relation),
    ("is_internal", lambda p: p.is_internal),
    ("country", lambda p: p.country),
    ("city", lambda p: p.city),
]
