"""Things that happened, for whoever listens outside the app that did them (webhooks, say).

An app emits an event inside its write; listeners, registered by the apps above it, hear of
it once the transaction commits, so an event of a write rolled back is never heard. A
listener's failure is logged and never undoes the write."""

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


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def emit(kind: str, data: dict[str, Any]) -> None:
    """Tell every listener of `kind` once the current transaction (if any) commits."""
    if kind not in KINDS:
        raise LookupError(f"no event named {kind!r}")

    def tell() -> None:
        for listener in _listeners:
            try:
                listener(kind, data)
            except Exception:
                logger.exception("a listener of %s failed", kind)

    transaction.on_commit(tell)
