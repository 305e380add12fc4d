"""Things that happened, for whoever listens outside the app that did them (webhooks, say).

An app emits an event inside its write; listeners, registered by the apps above it, hear of
it once the transaction commits, so an event of a write rolled back is never heard. A listener
that only writes rows (a delivery and its task, say) may instead hear of it inside the write's
transaction, so that the rows are committed with the write or not at all: a process that dies
between the commit and an on-commit callback then loses nothing. Either way a listener's
failure is logged and never undoes the write."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger("accord.events")

PARTNERSHIP_MOVED = "partnership.moved"
DECISION_RECORDED = "decision.recorded"
ALERT_RAISED = "alert.raised"
IMPORT_FINISHED = "import.finished"
KINDS = (PARTNERSHIP_MOVED, DECISION_RECORDED, ALERT_RAISED, IMPORT_FINISHED)

Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []
_writers: list[Listener] = []  # heard inside the emitting transaction


def listen(listener: Listener, *, in_transaction: bool = False) -> None:
    chosen = _writers if in_transaction else _listeners
    if listener not in chosen:
        chosen.append(listener)


def emit(kind: str, data: dict[str, Any]) -> None:
    """Tell every listener of `kind` once the current transaction (if any) commits."""
    if kind not in KINDS:
        raise LookupError(f"no event named {kind!r}")

    for writer in _writers:
        try:
            with transaction.atomic():  # a savepoint: a failing writer leaves the write whole
                writer(kind, data)
        except Exception:
            logger.exception("a listener of %s failed", kind)

    def tell() -> None:
        for listener in _listeners:
            try:
                listener(kind, data)
            except Exception:
                logger.exception("a listener of %s failed", kind)

    transaction.on_commit(tell)
