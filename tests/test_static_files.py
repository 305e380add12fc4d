"""Static files: collected with a content hash in their names and served compressed, cached
for a year; collected again only when the files changed; plain names where nothing was
collected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.templatetags.static import static
from django.test import Client

from accord.core import static_files

pytestmark = pytest.mark.django_db
OWN_FILES = Path(django_settings.BASE_DIR) / "static"


@pytest.fixture
def collected_into(settings, tmp_path):
    """Accord's own files (not the packages', to keep the test quick) and one extra file,
    collected into an empty directory."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.css").write_text("body { color: #123; }\n")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [OWN_FILES, extra]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    return extra


def test_without_a_collection_pages_name_the_plain_files_and_they_are_served(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "never-collected"
    assert static("accord/accord.js") == "/static/accord/accord.js"
    served = Client().get("/static/accord/accord.js")
    assert served.status_code == 200


def test_collected_files_have_hashed_names_and_are_cached_for_a_year(collected_into, admin_user):
    assert static_files.collect_if_changed()
    name = static("accord/accord.js")
    assert name.startswith("/static/accord/accord.") and name != "/static/accord/accord.js"
    client = Client()
    client.force_login(admin_user)
    assert name in client.get("/").content.decode(), "pages name the hashed file"
    served = client.get(name, HTTP_ACCEPT_ENCODING="gzip, br")
    assert served.status_code == 200
    assert served["Content-Encoding"] in {"br", "gzip"}
    assert "immutable" in served["Cache-Control"] and "max-age=315360000" in served["Cache-Control"]
    plain = client.get("/static/accord/accord.js")
    assert "immutable" not in plain.get("Cache-Control", ""), "a plain name can change"


def test_collection_runs_again_only_when_a_file_changed(collected_into):
    assert static_files.collect_if_changed()
    first = static("note.css")
    assert not static_files.collect_if_changed(), "nothing changed: nothing to do"
    note = collected_into / "note.css"
    note.write_text("body { color: #456; }\n")
    os.utime(note, ns=(note.stat().st_atime_ns, note.stat().st_mtime_ns + 10**9))
    assert static_files.collect_if_changed()
    assert static("note.css") != first


def test_a_file_added_after_the_collection_is_named_plainly_not_a_500(collected_into):
    static_files.collect_if_changed()
    (collected_into / "late.css").write_text("p {}\n")
    assert static("late.css") == "/static/late.css"
