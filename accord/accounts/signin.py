"""Sign-in throttling with growing delays, and the sign-in events administrators read.

Three keys count failures: the account at one address (the pair), the account from anywhere,
and the address against any account. A key has some free failures; from then on each failure
makes it wait before the next attempt, twice as long as the one before, up to a cap. While any
of its keys waits, an attempt is refused without checking the password.

Why an attacker cannot turn this against the account's owner:
1. A lock-out is a wait, never a fixed ban; a wait only grows with failures that were checked,
   and refused attempts are not counted, so hammering a waiting key does not lengthen it.
2. An address the account has signed in from before (a `known` pair) is held only by its own
   pair: guesses at the account from elsewhere, or at other accounts from the same address
   (a shared proxy or office network), do not delay it.
3. Behind a reverse proxy the client is named by the trusted header (see client_address), so
   one client's failures do not count against everyone behind the proxy.

Parallel guesses cannot slip through between the check and the count: an attempt is counted
as a failure before its password is checked (rows locked, in one transaction), and a success
takes the count back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.accounts.models import SignInEvent, SignInThrottle, User

Scope = SignInThrottle.Scope
logger = logging.getLogger("accord.signin")
_MAX_DOUBLINGS = 30  # beyond any cap a setting would give


class SignInThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"try again in {wait_seconds} s")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Attempt:
    """A counted sign-in attempt, to be settled once the password has been checked."""

    username: str
    address: str
    counted: tuple[int, ...]
    pair_failures: int


def _free_failures(scope: str) -> int:
    if scope == Scope.PAIR:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_SHARED_FAILURE_LIMIT


def delay_after(failures: int, free: int) -> dt.timedelta | None:
    """The wait after `failures` failures of a key with `free` free ones: 1 s, 2 s, 4 s ..."""
    if failures < free:
        return None
    doublings = min(failures - free, _MAX_DOUBLINGS)
    return dt.timedelta(seconds=min(2**doublings, settings.LOGIN_DELAY_MAX_SECONDS))


def _keys(username: str, address: str) -> list[tuple[str, str, str]]:
    # Sorted as the rows are locked (scope, username, address), so no two attempts deadlock.
    return [
        (Scope.ACCOUNT, username, ""),
        (Scope.ADDRESS, "", address),
        (Scope.PAIR, username, address),
    ]


def _locked_rows(username: str, address: str) -> dict[str, SignInThrottle]:
    keys = _keys(username, address)
    match = Q()
    for scope, name, addr in keys:
        match |= Q(scope=scope, username=name, address=addr)
    rows: dict[str, SignInThrottle] = {}
    # A row deleted as stale between the insert and the lock is inserted again.
    while len(rows) < len(keys):
        SignInThrottle.objects.bulk_create(
            [SignInThrottle(scope=s, username=u, address=a) for s, u, a in keys],
            ignore_conflicts=True,
        )
        locked = SignInThrottle.objects.select_for_update().filter(match)
        rows = {row.scope: row for row in locked.order_by("scope", "username", "address")}
    return rows


def _forget_if_quiet(row: SignInThrottle, now: dt.datetime) -> None:
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    if row.last_failure_at is not None and now - row.last_failure_at > window:
        row.failures, row.blocked_until = 0, None


def _wait_of(row: SignInThrottle, now: dt.datetime) -> int:
    if row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, round((row.blocked_until - now).total_seconds()))


def _count_failure(row: SignInThrottle, now: dt.datetime) -> None:
    row.failures += 1
    row.last_failure_at = now
    delay = delay_after(row.failures, _free_failures(row.scope))
    row.blocked_until = now + delay if delay else None
    row.save(update_fields=["failures", "last_failure_at", "blocked_until"])


def attempt_begin(*, username: str, address: str | None) -> Attempt:
    """Count an attempt before its password is checked, or raise SignInThrottled."""
    username, address = username.lower()[:150], address or ""
    now = timezone.now()
    with transaction.atomic():
        rows = _locked_rows(username, address)
        pair = rows[Scope.PAIR]
        keys = [pair] if pair.known else list(rows.values())
        for row in keys:
            _forget_if_quiet(row, now)
        blocking = max(keys, key=lambda row: _wait_of(row, now))
        wait = _wait_of(blocking, now)
        if wait:
            # A refused attempt leaves nothing behind: no rows for keys never failed on.
            SignInThrottle.objects.filter(
                pk__in=[row.pk for row in rows.values()],
                last_failure_at__isnull=True,
                known=False,
            ).delete()
        else:
            for row in keys:
                _count_failure(row, now)
    if wait:
        if not _refusal_recorded_since(blocking):
            _record(SignInEvent.Outcome.THROTTLED, username, address, pair.failures, wait)
        raise SignInThrottled(wait)
    return Attempt(username, address, tuple(row.pk for row in keys), pair.failures)


def _refusal_recorded_since(blocking: SignInThrottle) -> bool:
    """Whether this wait has already been recorded, so hammering adds one event, not many."""
    events = SignInEvent.objects.filter(
        outcome=SignInEvent.Outcome.THROTTLED, at__gte=blocking.last_failure_at
    )
    if blocking.scope != Scope.ADDRESS:
        events = events.filter(username=blocking.username)
    if blocking.scope != Scope.ACCOUNT:
        events = events.filter(address=blocking.address)
    return events.exists()


def attempt_failed(attempt: Attempt) -> None:
    """The password was wrong: the attempt stays counted."""
    _record(SignInEvent.Outcome.FAILED, attempt.username, attempt.address, attempt.pair_failures)
    forget_stale()


def attempt_succeeded(attempt: Attempt, *, user: User) -> None:
    """The password was right: the pair starts afresh and becomes a known address; the
    account's and the address's counts take this attempt back."""
    with transaction.atomic():
        rows = SignInThrottle.objects.select_for_update().filter(pk__in=attempt.counted)
        for row in rows.order_by("scope", "username", "address"):
            if row.scope == Scope.PAIR:
                row.failures, row.blocked_until, row.known = 0, None, True
            else:
                row.failures = max(row.failures - 1, 0)
                if delay_after(row.failures, _free_failures(row.scope)) is None:
                    row.blocked_until = None
            row.save(update_fields=["failures", "blocked_until", "known"])
    if attempt.pair_failures > 1:
        earlier = attempt.pair_failures - 1
        outcome = SignInEvent.Outcome.SUCCEEDED
        _record(outcome, attempt.username, attempt.address, earlier, user=user)
    forget_stale()


def _record(
    outcome: str,
    username: str,
    address: str,
    failures: int,
    wait: int | None = None,
    *,
    user: User | None = None,
) -> None:
    if user is None:
        user = User.objects.filter(username__iexact=username).first()
    SignInEvent.objects.create(
        outcome=outcome,
        username=username,
        address=address,
        user=user,
        failures=failures,
        wait_seconds=wait,
    )
    logger.warning(
        "sign-in %s: user=%s address=%s failures=%d%s",
        outcome,
        username,
        address or "unknown",
        failures,
        f" wait={wait}s" if wait else "",
    )


def forget_stale() -> int:
    """Delete the counts nobody has failed on lately (known addresses are kept)."""
    before = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    stale = SignInThrottle.objects.filter(known=False, last_failure_at__lt=before)
    return stale.delete()[0]
