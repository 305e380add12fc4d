"""Uploaded import files, kept under DATA_DIR/imports/<token>/ between preview and confirm."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from accord.directory.forms import _style
from accord.directory.importing.engine import ImportOptions
from accord.directory.importing.errors import ImportUsageError
from accord.directory.importing.mapping import KINDS, parse_map_options
from accord.directory.importing.presets import PRESETS
from accord.directory.importing.readers import FORMATS

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
        return Path(settings.DATA_DIR) / "imports" / token

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

    def save(self, content: UploadedFile) -> None:
        self.folder(self.token).mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as out:
            for chunk in content.chunks():
                out.write(chunk)
        (self.folder(self.token) / "upload.json").write_text(json.dumps(asdict(self)))

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
        return upload if upload.user_id == user_id and upload.path.exists() else None


class UploadForm(forms.Form):
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

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

    def clean(self) -> dict:
        data = super().clean()
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
