"""Production settings: HTTPS settings `check --deploy` asks for, private files, a request body
cap applied before anything reads the body, and one-line records of denied requests."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
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
