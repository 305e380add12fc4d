"""Static files: collected once with a content hash in their names, served compressed and
cached by browsers for a year (whitenoise's manifest storage).

`accord serve` collects them when the files have changed since the last collection (it is
quick to check, slow to do); pages then name `accord.3f2a9c1b7e04.js`, which whitenoise serves
as immutable. Where nothing was collected (the tests, a checkout run in place), pages name
the plain files and whitenoise serves them from the packages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.apps import StaticFilesConfig
from whitenoise.storage import CompressedManifestStaticFilesStorage

STAMP = ".collected"


class Storage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name: str, force: bool = False) -> str:
        """Each file's address is worked out once per collection: every page names seven."""
        key = (name, force, settings.DEBUG)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = str(super().url(name, force))
        return found

    def post_process(self, *args: Any, **kwargs: Any) -> Any:
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # nothing collected
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # a file added since the last collection: serve it as it is
            return name


class Collection(StaticFilesConfig):
    """Leaves out what no page uses: the packages' unminified and right-to-left variants,
    plotly's notebook bundle and data sets, the htmx versions not loaded."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "widgetbundle.js", "datasets", "templates",
        "*.rtl.*", "*.esm.*", "bootstrap-grid.*", "bootstrap-reboot.*", "bootstrap-utilities.*",
        "jquery*", "bootstrap.css", "bootstrap.css.map", "bootstrap.js", "bootstrap.js.map",
        "bootstrap.bundle.js", "bootstrap.bundle.js.map",
        "htmax-*", "htmx-4*", "htmx-2.js", "ext",
    ]  # fmt: skip


def fingerprint() -> str:
    """A digest of every file collection would copy: names, sizes and modification times."""
    digest = hashlib.sha256()
    ignored = Collection.ignore_patterns
    for finder in finders.get_finders():
        for path, storage in finder.list(ignored):
            stat = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_if_changed() -> bool:
    """Collect the static files unless the last collection was of these very files."""
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / STAMP
    current = fingerprint()
    if stamp.exists() and stamp.read_text() == current:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(current)
    return True


def collected_up_to_date() -> bool:
    stamp = Path(settings.STATIC_ROOT) / STAMP
    return stamp.exists() and stamp.read_text() == fingerprint()
