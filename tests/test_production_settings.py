"""Production settings: HTTPS settings `check --deploy` asks for, private files, a request body
cap applied before anything reads the body, and one-line records of denied requests."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import client_for

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess:
    # A fresh process as a server would start: none of this run's settings (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly reports).
    own = ("ACCORD_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(ACCORD_DATA_DIR=str(data_dir), **environment)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        umask=0o022,
        check=False,
    )


def test_check_deploy_is_clean_once_the_https_settings_are_set(tmp_path):
    done = run_python(
        "from accord.cli import app; app(['manage', 'check', '--deploy'])",
        tmp_path,
        ACCORD_SECRET_KEY="k" * 20 + "Zq8-v!Tn4@xW2#pLr7$sYb9%uHc3^eJm6&fGd1*",
        ACCORD_ALLOWED_HOSTS="accord.example.com",
        ACCORD_SECURE_COOKIES="true",
        ACCORD_SECURE_SSL_REDIRECT="true",
        ACCORD_SECURE_HSTS_SECONDS="31536000",
        ACCORD_SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        ACCORD_SECURE_HSTS_PRELOAD="true",
    )
    output = done.stdout + done.stderr
    assert "security.W004" not in output and "security.W008" not in output, output
    assert "System check identified no issues" in output, output


def test_https_behind_a_proxy_is_recognised_by_the_header_named(tmp_path):
    done = run_python(
        "import accord.settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_REDIRECT_EXEMPT)",
        tmp_path,
        ACCORD_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert done.returncode == 0, done.stderr
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in done.stdout


def test_the_generated_secret_key_and_the_sqlite_database_are_private(tmp_path):
    data = tmp_path / "data"
    done = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'accord.settings';"
        "django.setup(); from django.db import connection;"
        "connection.cursor().execute('CREATE TABLE t (x int)')",
        data,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data.iterdir()}
    assert {"secret_key", "accord.sqlite3"} <= set(files)
    assert files == dict.fromkeys(files, 0o600), files


def test_a_secret_key_generated_readable_by_all_is_made_private(tmp_path):
    tmp_path.chmod(0o755)
    key = tmp_path / "secret_key"
    key.write_text("an-older-key")
    key.chmod(0o644)
    done = run_python("import accord.settings as s; print(s.SECRET_KEY)", tmp_path)
    assert done.stdout.strip() == "an-older-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


@pytest.fixture
def exploding_body():
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    return Unreadable()


def test_an_oversized_upload_is_refused_with_413_before_anything_reads_it(
    admin_user, settings, exploding_body
):
    settings.UPLOAD_LIMIT_MB, settings.UPLOAD_LIMIT_BYTES = 1, 1024 * 1024
    too_big = settings.UPLOAD_LIMIT_BYTES + settings.REQUEST_BODY_MARGIN_BYTES + 1
    response = client_for(admin_user).post(
        "/directory/import/",
        content_type="multipart/form-data; boundary=x",
        **{"wsgi.input": exploding_body, "CONTENT_LENGTH": str(too_big)},
    )
    assert response.status_code == 413
    assert "the upload limit is 1 MB" in response.content.decode()


def test_an_oversized_api_request_is_refused_with_a_json_413(admin_user, settings, exploding_body):
    settings.UPLOAD_LIMIT_MB, settings.UPLOAD_LIMIT_BYTES = 1, 1024 * 1024
    response = Client().post(
        "/api/v1/organizations",
        content_type="application/json",
        **{"wsgi.input": exploding_body, "CONTENT_LENGTH": str(50 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "is 50.0 MB; the upload limit is 1 MB" in response.json()["error"]["message"]


def test_a_chunked_body_without_a_length_is_refused_rather_than_silently_dropped(
    admin_user, exploding_body
):
    response = client_for(admin_user).post(
        "/directory/import/",
        content_type="text/csv",
        **{"wsgi.input": exploding_body, "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert response.status_code == 411


def test_a_request_within_the_limit_reaches_the_view(admin_user):
    response = client_for(admin_user).post("/api/v1/organizations", {}, content_type="text/plain")
    assert response.status_code not in (411, 413)


def django_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("django")]


def test_a_denied_request_is_logged_in_one_line_without_a_traceback(personas, caplog):
    caplog.set_level(logging.WARNING)
    response = client_for(personas["viewer"]).get("/accounts/users/")
    assert response.status_code == 403
    [record] = django_records(caplog)
    assert record.exc_info is None and not record.exc_text
    line = logging.Formatter().format(record)
    assert "\n" not in line
    assert "/accounts/users/" in line and "users.manage" in line


def test_a_suspicious_request_is_logged_in_one_line_without_a_traceback(db, caplog):
    caplog.set_level(logging.WARNING)
    assert Client().get("/", HTTP_HOST="evil.example").status_code == 400
    [record] = django_records(caplog)
    assert record.name == "django.security.DisallowedHost"
    assert "\n" not in logging.Formatter().format(record)


def test_an_oversized_request_is_logged_in_one_line(admin_user, settings, caplog, exploding_body):
    caplog.set_level(logging.WARNING)
    client_for(admin_user).post(
        "/directory/import/",
        content_type="text/csv",
        **{"wsgi.input": exploding_body, "CONTENT_LENGTH": str(10**12)},
    )
    [record] = django_records(caplog)
    assert "\n" not in logging.Formatter().format(record)


def test_a_server_error_keeps_its_traceback():
    from accord.core.log_filters import DenialsInOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (),
            sys.exc_info(), extra={"status_code": 500},
        )  # fmt: skip
    DenialsInOneLine().filter(record)
    assert "Traceback" in logging.Formatter().format(record)
