"""The background worker: started again when it dies, failed tasks retried, and its health
visible to administrators, `accord index status` and `/healthz`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.core import worker
from accord.core.models import WorkerHeartbeat
from tests import worker_tasks
from tests.conftest import client_for

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def test_the_supervisor_starts_a_crashing_worker_again_after_growing_pauses(tmp_path, caplog):
    runs = tmp_path / "runs"
    crash = f"open({str(runs)!r}, 'a').write('run\\n'); raise SystemExit(3)"
    with caplog.at_level(logging.ERROR, logger="accord.worker"):
        restarts = worker.supervise(
            [sys.executable, "-c", crash], first_delay=0.05, max_delay=0.15, max_restarts=3
        )
    assert restarts == 3
    assert runs.read_text().count("run") == 4
    pauses = [r.args[1] for r in caplog.records if "starting it again in" in r.getMessage()]
    assert pauses == [0.05, 0.1, 0.15], "pauses double up to the maximum"
    assert all("exited with status 3" in r.getMessage() for r in caplog.records)
    assert "not starting it again" in caplog.records[-1].getMessage()


def _status(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "accord.cli", "index", "status", "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)["worker"]


def _wait_for(env: dict[str, str], ready, what: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        status = _status(env)
        if ready(status):
            return status
        time.sleep(1)
    pytest.fail(f"{what} within {timeout} s; last status {status}")


@pytest.mark.skipif(ON_POSTGRESQL, reason="runs a worker on a SQLite data folder of its own")
def test_a_killed_worker_is_started_again_and_its_heartbeat_tells(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "accord.cli", "worker"], env=env, start_new_session=True
    )
    try:
        first = _wait_for(env, lambda s: s["alive"], "no heartbeat")
        assert first["restarts"] == 0 and first["last_exit"] is None
        os.kill(first["pid"], signal.SIGKILL)
        second = _wait_for(
            env, lambda s: s["alive"] and s["pid"] != first["pid"], "no restart after kill -9"
        )
        assert second["restarts"] == 1
        assert "killed by SIGKILL" in second["last_exit"]
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=30)
    leftovers = subprocess.run(
        ["pgrep", "-s", str(supervisor.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == [], "the worker outlived its supervisor"


def _run_queued() -> None:
    worker.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_retried_with_growing_pauses_then_given_up():
    worker_tasks.always_fails.enqueue()
    pauses = []
    for _ in range(worker.RETRIES + 1):
        _run_queued()
        waiting = list(DBTaskResult.objects.filter(status="READY"))
        if not waiting:
            break
        (retry,) = waiting
        pauses.append(round((retry.run_after - timezone.now()).total_seconds() / 30))
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert pauses == [1, 2, 4, 8], "retries wait 30 s, then twice as long each time"
    assert DBTaskResult.objects.filter(status="FAILED").count() == worker.RETRIES + 1
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_is_queued_again():
    result = worker_tasks.always_fails.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=["host-41"], started_at=timezone.now()
    )
    worker._requeue_abandoned("host-41")
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"


def test_health_check_needs_the_database_and_a_recent_heartbeat(db, client):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "failing", "checks": {"database": True, "worker": False}}

    worker.Heartbeat("host-1").beat()
    assert client.get("/healthz").status_code == 200

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(minutes=5))
    assert client.get("/healthz").json()["checks"]["worker"] is False


@pytest.mark.django_db(transaction=True)
def test_administrators_see_the_heartbeat_the_queue_and_failures(personas):
    worker.Heartbeat("host-1").beat()
    worker_tasks.always_fails.enqueue()
    _run_queued()
    page = client_for(personas["admin"]).get("/system/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "running" in text and "host-1" not in text  # the host name, not the worker id
    assert "tests.worker_tasks.always_fails" in text and "RuntimeError" in text
    assert 'Waiting in all</dt><dd class="col-sm-7">1 ' in text  # the retry waits
    for role in ("executive", "manager", "viewer", "partner_a"):
        assert client_for(personas[role]).get("/system/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_tasks_of_a_worker_that_stopped_beating_are_queued_again():
    now = timezone.now()
    for worker_id, beat in (("host-dead", now - dt.timedelta(minutes=5)), ("host-alive", now)):
        WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="h", pid=1,
                                       started_at=now, beat_at=beat)  # fmt: skip
    claimed = {}
    for worker_id in ("host-dead", "host-alive", "by-hand"):
        result = worker_tasks.always_fails.enqueue()
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", worker_ids=[worker_id], started_at=now
        )
        claimed[worker_id] = result.id
    assert worker.requeue_orphans() == 1
    statuses = {w: DBTaskResult.objects.get(pk=pk).status for w, pk in claimed.items()}
    assert statuses == {"host-dead": "READY", "host-alive": "RUNNING", "by-hand": "RUNNING"}
    assert worker.requeue_orphans() == 0, "once"
