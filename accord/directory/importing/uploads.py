"""Uploaded import files, kept under ACCORD_SHARED_DIR/imports/<token>/ between preview and confirm.

The file is read once, when it is uploaded; its rows are kept beside it as JSON, which the
preview and the confirmed import read. Uploads never confirmed are deleted after
UPLOAD_RETENTION_HOURS.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accord.core.forms import BootstrapFormMixin
from accord.directory.importing.engine import ImportOptions
from accord.directory.importing.errors import ImportUsageError, RowError
from accord.directory.importing.mapping import KINDS, parse_map_options
from accord.directory.importing.presets import PRESETS
from accord.directory.importing.readers import FORMATS, SourceRow, Table, read_table

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


@dataclass
class Upload:
    token: str
    user_id: int
    filename: str
    kind: str
    preset: str = ""
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    skip_invalid: bool = False

    @staticmethod
    def folder(token: str) -> Path:
        return Path(settings.IMPORT_UPLOAD_DIR) / token

    @property
    def path(self) -> Path:
        return self.folder(self.token) / f"upload{Path(self.filename).suffix.lower()}"

    def options(self, *, dry_run: bool) -> ImportOptions:
        return ImportOptions(
            kind=self.kind,
            columns=self.columns,
            preset=self.preset or None,
            source=self.source or None,
            dry_run=dry_run,
            skip_invalid=self.skip_invalid,
        )

    @property
    def rows_path(self) -> Path:
        return self.folder(self.token) / "rows.json"

    def save(self, content: UploadedFile) -> None:
        """Keep the file and read it, once."""
        self.folder(self.token).mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as out:
            for chunk in content.chunks():
                out.write(chunk)
        self._store(read_table(self.path, name=self.filename))
        (self.folder(self.token) / "upload.json").write_text(json.dumps(asdict(self)))

    def _store(self, table: Table) -> None:
        self.rows_path.write_text(
            json.dumps(
                {
                    "headers": table.headers,
                    "rows": [[row.number, row.values] for row in table.rows],
                    "errors": [[e.row, e.column, e.message] for e in table.errors],
                    "fatal": table.fatal,
                    "encoding": table.encoding,
                }
            )
        )

    def table(self) -> Table:
        """The rows read when the file was uploaded."""
        data = json.loads(self.rows_path.read_text())
        return Table(
            headers=data["headers"],
            rows=[SourceRow(number, values) for number, values in data["rows"]],
            errors=[RowError(*error) for error in data["errors"]],
            fatal=data["fatal"],
            encoding=data["encoding"],
        )

    def discard(self) -> None:
        shutil.rmtree(self.folder(self.token), ignore_errors=True)

    @classmethod
    def load(cls, token: str, user_id: int) -> Upload | None:
        """The upload named by `token` if it is this user's; None for anything else."""
        if not _TOKEN.match(token or ""):
            return None
        try:
            data = json.loads((cls.folder(token) / "upload.json").read_text())
            upload = cls(**data)
        except (OSError, ValueError, TypeError):
            return None
        found = upload.user_id == user_id and upload.rows_path.exists()
        return upload if found else None


def purge_abandoned(*, hours: int | None = None) -> int:
    """Delete the uploads last touched more than `hours` ago; the number deleted."""
    hours = settings.UPLOAD_RETENTION_HOURS if hours is None else hours
    root = Path(settings.IMPORT_UPLOAD_DIR)
    if not root.is_dir():
        return 0
    cutoff = time.time() - hours * 3600
    deleted = 0
    for folder in root.iterdir():
        try:
            stale = folder.is_dir() and folder.stat().st_mtime < cutoff
        except OSError:
            continue  # deleted meanwhile by another worker
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


class UploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[(k, k.capitalize()) for k in KINDS], initial=KINDS[0])
    file = forms.FileField(help_text="CSV, XLSX or JSON Lines (.jsonl).")
    preset = forms.ChoiceField(
        required=False,
        choices=[("", "None: map columns by their names")]
        + [(p.name, f"{p.name}: {p.description}") for p in PRESETS.values()],
    )
    source = forms.CharField(
        required=False,
        max_length=40,
        help_text="Name of the system the file comes from; its id column is then kept so a"
        " second import updates instead of duplicating (a preset sets it).",
    )
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Company name=name\nHQ=city"}),
        help_text="Optional: one SOURCE COLUMN=field per line.",
    )
    skip_invalid = forms.BooleanField(
        required=False, label="Skip invalid rows (import the valid ones)"
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_LIMIT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {_megabytes(upload.size)}, over the upload limit of"
                f" {_megabytes(limit)}."
            )
        if Path(upload.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError("Upload a .csv, .xlsx or .jsonl file.")
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return data
        try:
            lines = [line for line in (data.get("mapping") or "").splitlines() if line.strip()]
            data["columns"] = parse_map_options(kind, lines)
            ImportOptions(
                kind=kind,
                columns=data["columns"],
                preset=data.get("preset") or None,
                source=data.get("source") or None,
            ).check()
        except ImportUsageError as error:
            message = str(error)
            target = (
                "source" if "source" in message else "preset" if "preset" in message else "mapping"
            )
            self.add_error(target, message)
        return data

    def upload_for(self, user_id: int) -> Upload:
        data = self.cleaned_data
        return Upload(
            token=secrets.token_urlsafe(24),
            user_id=user_id,
            filename=Path(data["file"].name).name,
            kind=data["kind"],
            preset=data.get("preset") or "",
            source=data.get("source") or "",
            columns=data.get("columns") or {},
            skip_invalid=bool(data.get("skip_invalid")),
        )
