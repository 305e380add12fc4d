"""Values read from the database and kept in the process's cache until an audited change is
made anywhere, or for `seconds` at most.

The newest audit event's id is part of every key (one query), so an edit, a move, an access or
role change shows at once in every process and on every server. Writes that leave no audit
event (survey answers, jobs) show once `seconds` have passed, as does a change whose
transaction took its id before, and committed after, another's (PostgreSQL hands out ids in
insert order, not commit order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from accord.core import audit

T = TypeVar("T")
_MISSING = object()


def remembered(key: str, compute: Callable[[], T], *, seconds: int, fresh: bool = False) -> T:
    """`compute()`, or what it gave last for `key` since the newest audited change; `fresh`
    computes it again regardless."""
    full_key = f"{key}:{audit.latest_event_id()}"
    found = _MISSING if fresh else cache.get(full_key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(full_key, found, seconds)
    return found  # type: ignore[return-value]
