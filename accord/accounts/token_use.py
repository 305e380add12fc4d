"""When API tokens were last used, recorded outside the requests that use them.

A request that reads must not write: on SQLite a write waits for whoever holds the write lock
(a long import, say). Each process notes uses in memory and a background thread stores them
at most once a minute in one short transaction; when the database is busy the uses are kept
for the next try. A process that dies loses at most its last minute of uses.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q

from accord.accounts.models import ApiToken

logger = logging.getLogger(__name__)

_pending: dict[int, dt.datetime] = {}
_lock = threading.Lock()
_flusher_pid: int | None = None


def note(token_id: int, at: dt.datetime) -> None:
    """Remember that a token was used at `at`; no database access."""
    with _lock:
        if token_id not in _pending or _pending[token_id] < at:
            _pending[token_id] = at
    _start_flusher()


def flush() -> int:
    """Store the noted uses; returns how many tokens were updated (0 when the database is
    busy: the uses are kept and stored by a later flush)."""
    with _lock:
        taken = dict(_pending)
        _pending.clear()
    if not taken:
        return 0
    try:
        with transaction.atomic():
            for token_id, at in taken.items():
                ApiToken.objects.filter(
                    Q(last_used_at__isnull=True) | Q(last_used_at__lt=at), pk=token_id
                ).update(last_used_at=at)
    except DatabaseError as error:
        logger.info("token use not recorded yet (%s); trying again later", error)
        with _lock:
            for token_id, at in taken.items():
                if token_id not in _pending or _pending[token_id] < at:
                    _pending[token_id] = at
        return 0
    return len(taken)


def forget() -> None:
    """Drop the noted uses (tests)."""
    with _lock:
        _pending.clear()


def _forget_lock_after_fork() -> None:
    """A fork while the flusher held the lock would leave the child's copy locked forever."""
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_lock_after_fork)


def _start_flusher() -> None:
    """One flushing thread per process (a forked web worker starts its own)."""
    global _flusher_pid
    interval = settings.ACCORD_TOKEN_USE_FLUSH_SECONDS
    if interval <= 0 or _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    thread = threading.Thread(
        target=_flush_forever, args=(interval,), name="token-use", daemon=True
    )
    thread.start()
    atexit.register(_flush_and_close)


def _flush_forever(interval: float) -> None:
    while True:
        time.sleep(interval)
        _flush_and_close()


def _flush_and_close() -> None:
    try:
        flush()
    except Exception:  # the thread must outlive any one failure
        logger.exception("recording token use failed")
    finally:
        close_old_connections()
        connection.close()
