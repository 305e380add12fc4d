"""Periodic jobs. Each app registers what to run and how often (`every`); the worker's
scheduler thread queues each job once per slot of its schedule, however many workers there
are (a run is one row per job and slot), and the run is a background task like any other:
recorded, retried when it fails, shown to administrators on the system status page.

Slots are counted in the server's time zone from a Monday at midnight, so a daily job with
`offset=7 hours` runs at 7:00 and a weekly one starts its week on Monday. Only the current
slot is queued: jobs read the state they act on (what is late now, what was not yet mailed),
so a slot missed while no worker ran is made good by the next.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from accord.core import policy
from accord.core.models import ScheduledRun

logger = logging.getLogger("accord.schedule")

TICK_SECONDS = 30.0
EPOCH = dt.datetime(2024, 1, 1)  # noqa: DTZ001 -- a Monday, in the server's zone when used


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    function: str  # dotted path: called with the slot, returns a one-line outcome
    offset: dt.timedelta = dt.timedelta(0)

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the period `now` falls in."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        first = EPOCH.replace(tzinfo=zone) + self.offset
        periods = (now.astimezone(zone) - first) // self.every
        return (first + periods * self.every).astimezone(dt.UTC)


JOBS: dict[str, Job] = {}


def every(
    name: str, interval: dt.timedelta, function: str, *, offset: dt.timedelta = dt.timedelta(0)
) -> None:
    """Register a periodic job (from an app's ready())."""
    JOBS[name] = Job(name, interval, function, offset)


def queue_due(now: dt.datetime | None = None) -> list[ScheduledRun]:
    """Queue each job whose current slot has no run yet; the runs queued here."""
    now = now or timezone.now()
    queued = []
    for job in JOBS.values():
        slot = job.slot(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                run_scheduled.enqueue(job.name, slot.isoformat())
        except IntegrityError:
            continue  # another worker queued this slot
        queued.append(run)
    return queued


@task()
def run_scheduled(job_name: str, slot: str) -> str:
    """Run one slot of a job, recording how it went; a failure raises, so the worker retries
    it. A slot already done is not run again."""
    at = dt.datetime.fromisoformat(slot)
    run = ScheduledRun.objects.get(job=job_name, slot=at)
    if run.status == ScheduledRun.Status.DONE:
        return run.outcome
    job = JOBS.get(job_name)
    ScheduledRun.objects.filter(pk=run.pk).update(
        status=ScheduledRun.Status.RUNNING, attempts=run.attempts + 1, started_at=timezone.now()
    )
    try:
        if job is None:
            raise LookupError(f"no job named {job_name!r} is registered")
        function: Callable[[dt.datetime], str] = import_string(job.function)
        outcome = function(at)
    except Exception as error:
        ScheduledRun.objects.filter(pk=run.pk).update(
            status=ScheduledRun.Status.FAILED, finished_at=timezone.now(),
            outcome=f"{type(error).__name__}: {error}"[:500],
        )  # fmt: skip
        raise
    ScheduledRun.objects.filter(pk=run.pk).update(
        status=ScheduledRun.Status.DONE, finished_at=timezone.now(), outcome=str(outcome)[:500]
    )
    return str(outcome)


def latest_runs(actor: policy.Visitor) -> list[ScheduledRun]:
    """Each registered job's latest run, for administrators."""
    return _latest(policy.visible_to(actor, ScheduledRun))


def latest_runs_of_all() -> list[ScheduledRun]:
    """The same, for the system's own housekeeping."""
    return _latest(ScheduledRun.objects.all())


def _latest(rows: QuerySet[ScheduledRun]) -> list[ScheduledRun]:
    found = (rows.filter(job=name).order_by("-slot").first() for name in sorted(JOBS))
    return [run for run in found if run is not None]


class Scheduler:
    """Queues what is due every TICK_SECONDS, on its own thread of the worker."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            while True:
                close_old_connections()
                try:
                    for run in queue_due():
                        logger.info("queued %s", run)
                except Exception:  # the database is away: the next tick tries again
                    logger.exception("the scheduler could not queue the due jobs")
                if self._stop.wait(TICK_SECONDS):
                    break
        finally:
            connection.close()
