"""Periodic jobs: each slot of a schedule queued once whatever the number of ticks or
workers, run as a background task, recorded, and retried when it fails; the real worker's
scheduler thread queues and runs them."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.core import schedule
from accord.core.models import ScheduledRun
from tests.conftest import client_for
from tests.test_worker import ON_POSTGRESQL, _run_queued

CALLS: list[dt.datetime] = []


def flaky(slot: dt.datetime) -> str:
    """Fails on its first call, then succeeds."""
    CALLS.append(slot)
    if len(CALLS) == 1:
        raise ConnectionError("the SMTP server is down")
    return f"sent for {slot:%Y-%m-%d}"


@pytest.fixture
def flaky_job():
    CALLS.clear()
    saved = dict(schedule.JOBS)
    schedule.JOBS.clear()
    schedule.every("test.flaky", dt.timedelta(days=1), "tests.test_schedule.flaky",
                   offset=dt.timedelta(hours=7))  # fmt: skip
    yield schedule.JOBS["test.flaky"]
    schedule.JOBS.clear()
    schedule.JOBS.update(saved)


def test_slots_follow_the_local_day_and_week(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    daily = schedule.Job("d", dt.timedelta(days=1), "x", dt.timedelta(hours=7))
    weekly = schedule.Job("w", dt.timedelta(weeks=1), "x", dt.timedelta(hours=7))
    quarter = schedule.Job("q", dt.timedelta(minutes=15), "x")
    now = dt.datetime(2026, 12, 9, 6, 59, tzinfo=berlin)  # a Wednesday, before 7:00
    assert daily.slot(now) == dt.datetime(2026, 12, 8, 7, tzinfo=berlin)
    assert daily.slot(now + dt.timedelta(minutes=1)) == dt.datetime(2026, 12, 9, 7, tzinfo=berlin)
    assert weekly.slot(now) == dt.datetime(2026, 12, 7, 7, tzinfo=berlin), "Monday 7:00"
    assert quarter.slot(now) == dt.datetime(2026, 12, 9, 6, 45, tzinfo=berlin)


@pytest.mark.django_db(transaction=True)
def test_a_slot_is_queued_once_run_and_retried_when_it_fails(flaky_job, personas):
    first = schedule.queue_due()
    assert [run.job for run in first] == ["test.flaky"]
    assert schedule.queue_due() == [], "the same slot is not queued twice"
    assert DBTaskResult.objects.filter(task_path__endswith="run_scheduled").count() == 1
    _run_queued()
    run = ScheduledRun.objects.get()
    assert (run.status, run.attempts) == ("failed", 1)
    assert "ConnectionError: the SMTP server is down" in run.outcome
    page = client_for(personas["admin"]).get("/system/").content.decode()
    assert "test.flaky" in page and "the SMTP server is down" in page
    DBTaskResult.objects.filter(status="READY", task_path__endswith="run_scheduled").update(
        run_after=timezone.now()
    )
    _run_queued()
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 2) and run.outcome.startswith("sent for")
    assert len(CALLS) == 2 and CALLS[0] == CALLS[1] == run.slot, "the same slot both times"
    assert client_for(personas["viewer"]).get("/system/").status_code in (403, 404)


@pytest.mark.skipif(ON_POSTGRESQL, reason="runs a worker on a SQLite data folder of its own")
def test_the_worker_queues_and_runs_the_due_jobs(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "accord.cli", "worker"], env=env, start_new_session=True
    )
    try:
        deadline, runs = time.monotonic() + 120, []
        while time.monotonic() < deadline:
            database = tmp_path / "accord.sqlite3"
            if database.exists():
                with sqlite3.connect(database) as db:
                    try:
                        runs = db.execute("SELECT job, status, outcome FROM core_scheduledrun "
                                          "WHERE status = 'done'").fetchall()  # fmt: skip
                    except sqlite3.OperationalError:
                        runs = []  # not migrated yet
                if any(job == "relationships.refresh" for job, _, _ in runs):
                    break
            time.sleep(1)
        assert ("relationships.refresh", "done", "0 connection(s) read again") in runs, runs
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


@pytest.mark.django_db
def test_the_status_page_lists_every_job_however_often_one_runs(personas):
    from accord.core.models import ScheduledRun

    start = timezone.now() - dt.timedelta(days=2)
    for name in schedule.JOBS:
        ScheduledRun.objects.create(job=name, slot=start, status="done")
    ScheduledRun.objects.bulk_create(
        ScheduledRun(job="notifications.alerts", slot=start + dt.timedelta(minutes=15 * n),
                     status="done")
        for n in range(1, 150)
    )  # fmt: skip
    assert {run.job for run in schedule.latest_runs(personas["admin"])} == set(schedule.JOBS)
