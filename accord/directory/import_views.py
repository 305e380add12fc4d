"""Import in the web UI: upload, preview with row-level errors, confirm.

The upload is read once and kept under ACCORD_SHARED_DIR/imports/<token>/, which every server
sees, so the preview (a dry run) and the confirmed import use the same rows whichever server
answers; a token is only good for the user who uploaded it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.directory.exporting import safe_cell
from accord.directory.importing.engine import ImportResult, import_table
from accord.directory.importing.errors import ImportUsageError
from accord.directory.importing.mapping import ORGANIZATIONS
from accord.directory.importing.uploads import Upload, UploadForm, purge_abandoned

SECTION = {"section": "directory"}
PROBLEMS_COLUMN = "problems"


@access(policy.DIRECTORY_IMPORT)
def import_start(request: SignedInRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        purge_abandoned()
        upload = form.upload_for(request.user.pk)
        upload.save(form.cleaned_data["file"])
        return redirect(f"{reverse('directory:import_preview')}?token={upload.token}")
    return render(request, "directory/import_start.html", {**SECTION, "form": form})


def _lost(request: HttpRequest) -> HttpResponse:
    messages.warning(request, "That upload is no longer available; please upload the file again.")
    return redirect("directory:import_start")


def _preview(request: HttpRequest, upload: Upload, result: ImportResult) -> HttpResponse:
    problems = {(e.row, e.column): e.message for e in result.errors}
    headers = result.headers  # each preview row holds one cell per header
    rows = [
        (
            number,
            [(value, problems.get((number, h))) for value, h in zip(cells, headers, strict=True)],
        )
        for number, cells in result.preview
    ]
    can_confirm = not result.written and (result.ok or upload.skip_invalid)
    valid = result.created + result.updated
    context = {
        "can_import_valid": bool(result.errors)
        and not upload.skip_invalid
        and valid > 0
        and not result.written,
        **SECTION,
        "upload": upload,
        "result": result,
        "rows": rows,
        "can_confirm": can_confirm and (result.created or result.updated),
        "duplicates": result.possible_duplicates[:200],
        "errors": result.errors[:500],
    }
    return render(request, "directory/import_preview.html", context)


@access(policy.DIRECTORY_IMPORT)
def import_preview(request: SignedInRequest) -> HttpResponse:
    upload = Upload.load(request.GET.get("token", ""), request.user.pk)
    if upload is None:
        return _lost(request)
    try:
        result = import_table(
            upload.table(), actor=request.user, options=upload.options(dry_run=True)
        )
    except ImportUsageError as error:
        return _refused(request, upload, str(error))
    return _preview(request, upload, result)


def _refused(request: HttpRequest, upload: Upload, message: str) -> HttpResponse:
    upload.discard()
    messages.error(request, f"The file cannot be imported as asked: {message}")
    return redirect("directory:import_start")


@access(policy.DIRECTORY_IMPORT)
@require_POST
def import_confirm(request: SignedInRequest) -> HttpResponse:
    """Import the upload; with `valid_only`, the valid rows of a file with bad ones."""
    upload = Upload.load(request.POST.get("token", ""), request.user.pk)
    if upload is None:
        return _lost(request)
    options = upload.options(dry_run=False)
    if request.POST.get("valid_only") == "1":
        options = dataclasses.replace(options, skip_invalid=True)
    try:
        result = import_table(upload.table(), actor=request.user, options=options)
    except ImportUsageError as error:
        return _refused(request, upload, str(error))
    except DatabaseError as error:
        # The transaction was rolled back: say so rather than answer 500.
        return _refused(request, upload, f"the database refused it, nothing was written ({error})")
    if not result.written:
        messages.error(request, "Nothing was imported: fix the problems below and upload again.")
        return _preview(request, upload, result)
    upload.discard()
    skipped = f"; {result.refused_rows} invalid row(s) skipped" if result.errors else ""
    messages.success(
        request,
        f"Imported {upload.filename}: {result.created} created, {result.updated} updated,"
        f" {result.unchanged} unchanged{skipped}.",
    )
    target = "organization_list" if upload.kind == ORGANIZATIONS else "person_list"
    return redirect(f"directory:{target}")


@access(policy.DIRECTORY_IMPORT)
def import_rejects(request: SignedInRequest) -> HttpResponse:
    """The rows of the upload that have problems, as CSV with a `problems` column, to be
    fixed and uploaded again."""
    upload = Upload.load(request.GET.get("token", ""), request.user.pk)
    if upload is None:
        return _lost(request)
    table = upload.table()
    try:
        result = import_table(table, actor=request.user, options=upload.options(dry_run=True))
    except ImportUsageError as error:
        return _refused(request, upload, str(error))
    problems: dict[int, list[str]] = defaultdict(list)
    for problem in result.errors:
        if problem.row is not None:
            words = f"{problem.column}: {problem.message}" if problem.column else problem.message
            problems[problem.row].append(words)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*table.headers, PROBLEMS_COLUMN])
    for row in table.rows:
        if row.number in problems:
            # The row as it was uploaded, to be fixed; only the column we add is made safe.
            cells = [row.values.get(header, "") for header in table.headers]
            writer.writerow([*cells, safe_cell("; ".join(problems[row.number]))])
    stem = Path(upload.filename).stem or "import"
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response
