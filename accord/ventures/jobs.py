"""The ventures' periodic work, run by the worker's scheduler."""

from __future__ import annotations

import datetime as dt

from accord.ventures import kpi


def remind_kpi_requests(slot: dt.datetime) -> str:
    reminded, failed = kpi.remind_due()
    outcome = f"{reminded} KPI request(s) reminded"
    return f"{outcome}; not sent: {'; '.join(failed)}" if failed else outcome
