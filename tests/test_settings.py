"""Settings come from the environment and refuse values they cannot understand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.settings import env, env_bool, env_int, env_networks

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["maybe", "2", "yess", "enabled"])
def test_a_boolean_setting_that_is_not_a_boolean_is_refused_naming_it(monkeypatch, value):
    monkeypatch.setenv("ACCORD_DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match=f"ACCORD_DEBUG='{value}' is not a boolean"):
        env_bool("ACCORD_DEBUG", False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_boolean_settings_accept_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("ACCORD_DEBUG", value)
    assert env_bool("ACCORD_DEBUG", not expected) is expected


def test_an_unset_boolean_setting_takes_its_default(monkeypatch):
    monkeypatch.delenv("ACCORD_DEBUG", raising=False)
    monkeypatch.delenv("ACCORD_DEBUG_FILE", raising=False)
    assert env_bool("ACCORD_DEBUG", True) is True
    assert env_bool("ACCORD_DEBUG", False) is False


def test_an_integer_setting_that_is_not_an_integer_is_refused_naming_it(monkeypatch):
    monkeypatch.setenv("ACCORD_LOGIN_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="ACCORD_LOGIN_FAILURE_LIMIT='five'"):
        env_int("ACCORD_LOGIN_FAILURE_LIMIT", 5)


def test_trusted_proxies_that_are_not_addresses_are_refused_naming_them(monkeypatch):
    monkeypatch.setenv("ACCORD_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ImproperlyConfigured, match=r"ACCORD_TRUSTED_PROXIES: 'proxy\.internal'"):
        env_networks("ACCORD_TRUSTED_PROXIES")
    monkeypatch.setenv("ACCORD_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    assert env_networks("ACCORD_TRUSTED_PROXIES") == ["10.0.0.0/8", "192.0.2.1"]


def test_a_secret_can_be_read_from_a_file_named_by_NAME_FILE(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("ACCORD_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("ACCORD_SECRET_KEY_FILE", str(secret))
    assert env("ACCORD_SECRET_KEY") == "from-a-file"


def database_settings(tmp_path: Path, **environment: str) -> dict:
    """DATABASES['default'] as a fresh interpreter computes it from `environment`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ACCORD_DATA_DIR=str(tmp_path), **environment)
    code = (
        "import json, accord.settings as s;print(json.dumps(s.DATABASES['default'], default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_postgresql_database_url_selects_postgresql(tmp_path):
    db = database_settings(
        tmp_path, DATABASE_URL="postgres://accord:s3cret@db.internal:5433/partnerships"
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("partnerships", "accord", "s3cret")
    assert (db["HOST"], db["PORT"]) == ("db.internal", 5433)
    assert db["CONN_MAX_AGE"] == 60
    assert "journal_mode" not in json.dumps(db.get("OPTIONS", {}))


def test_without_a_database_url_sqlite_in_the_data_folder_is_used_in_wal_mode(tmp_path):
    db = database_settings(tmp_path)
    assert db["ENGINE"] == "accord.core.sqlite"  # Django's, plus notes for a long import
    assert db["NAME"] == str(tmp_path.resolve() / "accord.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["TEST"]["NAME"] == ":memory:"  # the tests never write beside the real database
    assert db["CONN_MAX_AGE"] == 60, "kept between requests, as on PostgreSQL"


def test_a_debug_setting_of_maybe_stops_start_up(tmp_path):
    env = {**os.environ, "ACCORD_DATA_DIR": str(tmp_path), "ACCORD_DEBUG": "maybe"}
    done = subprocess.run(
        [sys.executable, "-c", "import accord.settings"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: ACCORD_DEBUG='maybe' is not a boolean" in done.stderr


def test_shared_files_go_to_the_shared_folder_and_the_index_stays_on_the_machine(tmp_path):
    """Servers behind one address must see each other's uploads; index files are per machine."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ACCORD_DATA_DIR=str(tmp_path / "own"), ACCORD_SHARED_DIR=str(tmp_path / "shared"))
    code = (
        "import json, accord.settings as s; paths = [s.MEDIA_ROOT, s.IMPORT_UPLOAD_DIR,"
        " s.SCOUTING_INDEX_DIR]; print(json.dumps([str(p) for p in paths]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    shared, own = tmp_path.resolve() / "shared", tmp_path.resolve() / "own"
    assert json.loads(done.stdout) == [
        str(shared / "media"),
        str(shared / "imports"),
        str(own / "index"),
    ]
