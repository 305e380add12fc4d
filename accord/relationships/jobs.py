"""The relationships' periodic work, run by the worker's scheduler."""

from __future__ import annotations

import datetime as dt

from accord.relationships.services import refresh_all_scores


def refresh_scores(slot: dt.datetime) -> str:
    """Let old interactions fade: every connection's strength read again."""
    return f"{refresh_all_scores():,} connection(s) read again"
