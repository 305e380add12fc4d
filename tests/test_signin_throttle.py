"""Sign-in throttling: growing delays per account and address that an attacker cannot turn
against the account's owner, counted atomically, and the events administrators read."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone

from accord.accounts.models import SignInEvent, SignInThrottle
from accord.core.client_address import client_address
from tests.conftest import PASSWORD, client_for

THROTTLED = "Too many failed sign-in attempts"
WRONG_LOGIN = "Please enter a correct username and password"
ATTACKER, OWNER, ELSEWHERE = "203.0.113.9", "198.51.100.7", "192.0.2.44"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch) -> None:
    """Waits of a second must not pass while a slow machine runs the test."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def wait_out() -> None:
    """Let every current wait pass, as if the clock had moved on."""
    SignInThrottle.objects.update(blocked_until=None)


def wait_seconds(response) -> int:
    found = re.search(r"try again in (\d+) s", response.content.decode())
    assert found, response.content.decode()
    return int(found.group(1))


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every password check the backend makes, slowed so parallel requests overlap."""
    checked: list[str] = []
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            checked.append(username)
        time.sleep(0.05)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return checked


def test_once_throttled_an_attempt_is_refused_without_checking_the_password(
    admin_user, password_checks
):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert WRONG_LOGIN in sign_in(client, "admin", "guess").content.decode()
    response = sign_in(client, "admin", PASSWORD)
    assert THROTTLED in response.content.decode()
    assert len(password_checks) == settings.LOGIN_FAILURE_LIMIT


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_wrong_guesses_check_at_most_the_limit(admin_user, password_checks):
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests need a database server (run with DATABASE_URL)")
    start = threading.Barrier(16)

    def guess() -> None:
        try:
            start.wait()
            sign_in(Client(REMOTE_ADDR=ATTACKER), "admin", "guess")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(password_checks) <= settings.LOGIN_FAILURE_LIMIT


def test_delays_grow_with_each_failure_past_the_free_ones(admin_user):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "admin", "guess")
    waits = [wait_seconds(sign_in(client, "admin", "guess"))]
    for _ in range(4):
        wait_out()
        assert WRONG_LOGIN in sign_in(client, "admin", "guess").content.decode()
        waits.append(wait_seconds(sign_in(client, "admin", "guess")))
    assert waits == [1, 2, 4, 8, 16]


def test_the_delay_is_capped(admin_user, settings):
    settings.LOGIN_DELAY_MAX_SECONDS = 30
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 10):
        wait_out()
        sign_in(client, "admin", "guess")
    assert wait_seconds(sign_in(client, "admin", "guess")) == 30


def test_the_right_password_from_another_address_works_while_one_address_is_throttled(
    admin_user,
):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT * 3):
        sign_in(attacker, "admin", "guess")
    assert THROTTLED in sign_in(attacker, "admin", PASSWORD).content.decode()
    assert sign_in(Client(REMOTE_ADDR=OWNER), "admin", PASSWORD).status_code == 302


def test_guesses_from_many_addresses_never_delay_the_owner_at_a_known_address(admin_user):
    owner = Client(REMOTE_ADDR=OWNER)
    assert sign_in(owner, "admin", PASSWORD).status_code == 302
    owner.post("/accounts/logout/")
    for i in range(settings.LOGIN_SHARED_FAILURE_LIMIT * 2):
        wait_out()
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), "admin", "guess")
    # A new address waits (the account as a whole is being guessed at) ...
    assert THROTTLED in sign_in(Client(REMOTE_ADDR=ELSEWHERE), "admin", PASSWORD).content.decode()
    # ... but the address the owner signed in from before is not held up by others' guesses.
    assert sign_in(owner, "admin", PASSWORD).status_code == 302


def test_a_success_resets_the_failures_of_that_account_and_address(admin_user):
    client = Client(REMOTE_ADDR=OWNER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "admin", "guess")
    assert sign_in(client, "admin", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert WRONG_LOGIN in sign_in(client, "admin", "guess").content.decode()
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_failures_through_a_trusted_proxy_throttle_only_the_client_behind_it(personas, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    for i in range(settings.LOGIN_SHARED_FAILURE_LIMIT):
        sign_in(attacker, f"guess{i}", "guess")
    assert THROTTLED in sign_in(attacker, "viewer", PASSWORD).content.decode()
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{OWNER}, {PROXY}")
    assert sign_in(colleague, "viewer", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("remote", "header", "expected"),
    [
        (PROXY, ATTACKER, ATTACKER),
        (PROXY, f"{ATTACKER}, {OWNER}", OWNER),  # the client may prepend anything it likes
        (PROXY, f"{ATTACKER}, {PROXY}", ATTACKER),
        (PROXY, "not-an-address", PROXY),
        (PROXY, "", PROXY),
        (OWNER, ATTACKER, OWNER),  # only a trusted proxy may name the client
    ],
)
def test_client_address_believes_the_header_only_from_a_trusted_proxy(
    settings, remote, header, expected
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_address(request) == expected


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client_address(request) == PROXY


def test_sign_in_events_are_recorded_and_shown_to_administrators_only(personas):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "viewer", "guess")
    sign_in(client, "viewer", PASSWORD)  # refused: waiting
    wait_out()
    assert sign_in(client, "viewer", PASSWORD).status_code == 302
    outcomes = list(SignInEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["failed"] * settings.LOGIN_FAILURE_LIMIT + ["throttled", "succeeded"]
    page = client_for(personas["admin"]).get("/accounts/sign-ins/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ATTACKER in text and "throttled" in text
    for role in ("executive", "manager", "viewer", "partner_a"):
        assert client_for(personas[role]).get("/accounts/sign-ins/").status_code == 403


def test_guessing_the_current_password_on_the_change_form_is_throttled_too(admin_user):
    client = client_for(admin_user)
    new = "a-much-longer-passphrase-2026"

    def change(old: str):
        form = {"old_password": old, "new_password1": new, "new_password2": new}
        return client.post("/accounts/password/", form)

    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert "old password was entered incorrectly" in change("guess").content.decode()
    assert "Too many wrong passwords: try again in 1 s" in change(PASSWORD).content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)
    wait_out()
    assert change(PASSWORD).status_code == 302


def test_hammering_during_a_wait_neither_lengthens_it_nor_fills_the_tables(personas):
    client = Client(REMOTE_ADDR=ATTACKER)
    for i in range(settings.LOGIN_SHARED_FAILURE_LIMIT):
        sign_in(client, f"guess{i}", "guess")
    rows, events = SignInThrottle.objects.count(), SignInEvent.objects.count()
    for i in range(30):
        response = sign_in(client, f"other{i}", "guess")
        assert wait_seconds(response) == 1
    assert SignInThrottle.objects.count() == rows
    assert SignInEvent.objects.count() == events + 1  # one "throttled" per wait, not per attempt
