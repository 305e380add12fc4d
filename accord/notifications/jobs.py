"""The notifications' periodic work, run by the worker's scheduler."""

from __future__ import annotations

import datetime as dt

from accord.notifications import services
from accord.notifications.models import Channel


def raise_alerts(slot: dt.datetime) -> str:
    return str(services.raise_alerts())


def daily_digest(slot: dt.datetime) -> str:
    return str(services.send_digest(Channel.DAILY))


def weekly_digest(slot: dt.datetime) -> str:
    return str(services.send_digest(Channel.WEEKLY))


def prune(slot: dt.datetime) -> str:
    return services.prune()
