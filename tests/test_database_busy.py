"""While another connection holds the database's write lock (a long import on SQLite), reads
still answer and writes answer 503 with Retry-After, never 500.

SQLite in WAL mode lets readers read while one writer writes; a request that writes (or opens
a transaction, which takes the write lock in IMMEDIATE mode) waits for the lock and then fails
with `database is locked`. The tests refuse every statement but reads the way that lock would.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.accounts import token_use
from accord.accounts.models import ApiToken
from accord.accounts.services import token_create
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from tests.conftest import PASSWORD, client_for

READS = ("SELECT", "EXPLAIN", "PRAGMA")


@contextmanager
def write_lock_held_elsewhere() -> Iterator[list[str]]:
    """Every statement of this connection but a read fails as a held write lock makes it fail;
    the refused statements are listed."""
    refused: list[str] = []

    def refuse_writes(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(READS):
            refused.append(sql)
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        yield refused


@pytest.fixture
def partnership(personas, org_a) -> Partnership:
    return partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "value_for_us": "Inspection"},
        parties=[(org_a, "partner")],
    )


def test_a_token_read_answers_while_the_database_is_locked(personas, org_a):
    viewer = personas["viewer"]
    _, raw = token_create(actor=viewer, user=viewer, name="reader")
    with write_lock_held_elsewhere() as refused:
        response = Client().get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, refused
    assert refused == []
    assert response.json()["items"][0]["name"] == org_a.name


def test_token_use_is_recorded_after_the_request_once_the_lock_is_free(personas):
    viewer = personas["viewer"]
    token, raw = token_create(actor=viewer, user=viewer, name="reader")
    with write_lock_held_elsewhere():
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
        assert token_use.flush() == 0  # the lock is still held: kept for the next flush
    token.refresh_from_db()
    assert token.last_used_at is None
    assert token_use.flush() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token_use.flush() == 0  # nothing left to record


def test_a_recently_recorded_token_is_not_queued_again(personas):
    viewer = personas["viewer"]
    token, raw = token_create(actor=viewer, user=viewer, name="reader")
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token_use.flush()
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert token_use.flush() == 0
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_pages_and_api_lists_answer_while_the_database_is_locked(personas, org_a, partnership):
    browser = client_for(personas["manager"])
    pages = [
        reverse("dashboard:home"),
        reverse("directory:organization_list"),
        reverse("directory:organization_detail", args=[org_a.pk]),
        reverse("partnerships:partnership_list"),
        reverse("partnerships:partnership_detail", args=[partnership.pk]),
        "/api/v1/organizations",
        "/api/v1/partnerships",
    ]
    with write_lock_held_elsewhere() as refused:
        answers = {page: browser.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200), refused
    assert refused == []


def test_a_page_write_that_cannot_get_the_lock_answers_503_with_retry_after(personas, partnership):
    browser = client_for(personas["manager"])
    url = reverse("partnerships:partnership_note", args=[partnership.pk])
    with write_lock_held_elsewhere():
        response = browser.post(url, {"body": "Met the team", "visibility": "internal"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "busy" in response.content.decode().lower()
    assert "nothing was saved" in response.content.decode().lower()
    assert not partnership.notes_set.exists()


def test_an_api_write_that_cannot_get_the_lock_answers_503_in_the_error_shape(personas):
    _, raw = token_create(actor=personas["manager"], user=personas["manager"], name="w")
    with write_lock_held_elsewhere():
        response = Client().post(
            "/api/v1/organizations",
            json.dumps({"name": "Gamma Sensors", "kind": "startup"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "busy" and error["details"] == []
    assert "try again" in error["message"].lower()


def test_other_database_errors_are_not_called_busy(personas, partnership):
    browser = client_for(personas["manager"])
    browser.raise_request_exception = False

    def broken(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("no such table: partnerships_note")
        return execute(sql, params, many, context)

    url = reverse("partnerships:partnership_note", args=[partnership.pk])
    with connection.execute_wrapper(broken):
        response = browser.post(url, {"body": "Met the team", "visibility": "internal"})
    assert response.status_code == 500


def test_a_sign_in_that_cannot_get_the_lock_answers_503(personas):
    browser = Client()
    browser.raise_request_exception = False
    with write_lock_held_elsewhere():
        response = browser.post(
            reverse("accounts:login"), {"username": "viewer", "password": PASSWORD}
        )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_a_lock_error_raised_outside_a_view_answers_503(rf):
    """Raised by a middleware (a session saved after the view), it reaches the 500 handler."""
    from accord.core.views import server_error

    for path in ("/directory/organizations/", "/api/v1/organizations"):
        try:
            raise OperationalError("database is locked")
        except OperationalError:
            response = server_error(rf.get(path))
        assert response.status_code == 503 and response["Retry-After"]


def test_a_worker_forked_while_token_use_is_being_stored_can_note_uses():
    """Web workers are forked; one forked while the flusher held the lock must not hang on
    its first API request."""
    with token_use._lock:  # the flusher, mid-flush in the parent
        pid = os.fork()
        if pid == 0:
            signal.alarm(5)  # a hang kills the child instead of the test run
            token_use.note(1, timezone.now())
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    token_use.forget()
    assert os.waitstatus_to_exitcode(status) == 0, "the forked worker hung on the lock"
