"""The background worker: django-tasks' database worker, kept alive and watched, with the
scheduler of periodic jobs (accord/core/schedule.py) beside it.

`accord worker` is a supervisor: it runs the worker in a child process and starts it again,
after a pause that doubles up to a minute, whenever it exits without being asked to (a
crash, `kill -9`, a database error nobody caught). The child records a heartbeat every
`HEARTBEAT_SECONDS`, which administrators, `accord index status` and `/healthz` read. A task
that fails is queued again after a growing pause, up to `RETRIES` times: Accord's tasks are
idempotent (the index refresh encodes what changed since the last one).

The supervisor itself opens no database connection and makes no thread before it forks a
child, so nothing it holds can be inherited half-made.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from accord.core import policy
from accord.core.models import WorkerHeartbeat
from accord.core.schedule import Scheduler

if TYPE_CHECKING:
    from accord.accounts.models import User

# A queued task of any signature, as the worker and the status page handle it.
TaskResult: TypeAlias = "DBTaskResult[..., Any]"

logger = logging.getLogger("accord.worker")

HEARTBEAT_SECONDS = 10.0
# A heartbeat older than this means the worker is gone or stuck (three beats missed).
STALE_AFTER = dt.timedelta(seconds=3 * HEARTBEAT_SECONDS + 5)
RETRIES = 4
RETRY_FIRST_DELAY = dt.timedelta(seconds=30)
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 60.0
# A child that ran this long before exiting was working; its next restart waits the least.
STABLE_SECONDS = 120.0
POLL_SECONDS = 2.0

ID_ENV = "ACCORD_WORKER_ID"
RESTARTS_ENV = "ACCORD_WORKER_RESTARTS"
LAST_EXIT_ENV = "ACCORD_WORKER_LAST_EXIT"


def supervise(
    command: Sequence[str],
    *,
    watch_parent: int | None = None,
    first_delay: float = RESTART_FIRST_DELAY,
    max_delay: float = RESTART_MAX_DELAY,
    max_restarts: int | None = None,
) -> int:
    """Run `command` and start it again whenever it exits, until told to stop (SIGTERM,
    SIGINT) or, with `watch_parent`, until that process is gone. Returns the restarts made."""
    supervisor = Supervisor(command, watch_parent=watch_parent)
    previous = {sig: signal.signal(sig, supervisor.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return supervisor.run(first_delay, max_delay, max_restarts)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Supervisor:
    def __init__(self, command: Sequence[str], *, watch_parent: int | None) -> None:
        self.command = list(command)
        self.watch_parent = watch_parent
        self.worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}"
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int = signal.SIGTERM, frame: Any = None) -> None:
        self.stopping.set()
        if self.child is not None and self.child.poll() is None:
            self.child.terminate()

    def run(self, first_delay: float, max_delay: float, max_restarts: int | None) -> int:
        restarts, delay, last_exit = 0, first_delay, ""
        while not self.stopping.is_set():
            started = time.monotonic()
            code = self._run_child(restarts, last_exit)
            if self.stopping.is_set():
                break
            ran = time.monotonic() - started
            if ran >= STABLE_SECONDS:
                delay = first_delay
            last_exit = f"{_describe(code)} at {timezone.now():%Y-%m-%d %H:%M:%S} UTC"
            last_exit += f" after {ran:.0f} s"
            if max_restarts is not None and restarts >= max_restarts:
                logger.error("background worker %s; not starting it again", last_exit)
                break
            logger.error("background worker %s; starting it again in %.1f s", last_exit, delay)
            if self.stopping.wait(delay):
                break
            restarts += 1
            delay = min(delay * 2, max_delay)
        self._end_child()
        return restarts

    def _run_child(self, restarts: int, last_exit: str) -> int:
        env = {**os.environ, ID_ENV: self.worker_id, RESTARTS_ENV: str(restarts)}
        env[LAST_EXIT_ENV] = last_exit
        self.child = subprocess.Popen(self.command, env=env)
        while True:
            try:
                return self.child.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                if self.watch_parent is not None and not _alive(self.watch_parent):
                    logger.warning("the server that started the background worker is gone")
                    self.stop()

    def _end_child(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        self.child.terminate()
        try:
            self.child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


class Worker(DatabaseWorker):
    """django-tasks' database worker that queues a failed task again (see `RETRIES`)."""

    def run_task(self, db_task_result: TaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            retry_later(db_task_result)


def retry_later(failed: TaskResult) -> TaskResult | None:
    """Queue `failed` again after a pause that doubles with each failure in a row."""
    failures = _failures_in_a_row(failed)
    if failures > RETRIES:
        logger.error(
            "task %s failed %d times in a row; not retried again", failed.task_path, failures
        )
        return None
    delay = RETRY_FIRST_DELAY * 2 ** (failures - 1)
    result = failed.task.using(run_after=timezone.now() + delay).enqueue(
        *failed.args_kwargs["args"], **failed.args_kwargs["kwargs"]
    )
    logger.warning(
        "task %s failed (%s); retry %d of %d in %s",
        failed.task_path,
        failed.exception_class_path,
        failures,
        RETRIES,
        delay,
    )
    return DBTaskResult.objects.get(pk=result.id)


def _failures_in_a_row(failed: TaskResult) -> int:
    same = DBTaskResult.objects.filter(task_path=failed.task_path, args_kwargs=failed.args_kwargs)
    last_success = same.filter(status=TaskResultStatus.SUCCESSFUL).order_by("-finished_at").first()
    failures = same.filter(status=TaskResultStatus.FAILED)
    if last_success is not None:
        failures = failures.filter(finished_at__gt=last_success.finished_at)
    return failures.count()


def run_child(*, interval: float = 2.0) -> None:
    """The supervised worker: requeue what a dead predecessor left running, beat, work."""
    worker_id = os.environ.get(ID_ENV) or f"{socket.gethostname()[:40]}-{os.getpid()}"
    _requeue_abandoned(worker_id)
    beat = Heartbeat(worker_id)
    beat.start()
    scheduler = Scheduler()
    scheduler.start()
    try:
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=True,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
    finally:
        scheduler.stop()
        beat.stop()


def _requeue_abandoned(worker_id: str) -> None:
    """Tasks this worker's previous process had claimed when it died are ready again."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    abandoned = [r.pk for r in running if r.worker_ids and r.worker_ids[-1] == worker_id]
    if abandoned:
        DBTaskResult.objects.filter(pk__in=abandoned).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning("requeued %d task(s) left running by a stopped worker", len(abandoned))


def requeue_orphans(now: dt.datetime | None = None) -> int:
    """Tasks claimed by a worker whose heartbeat went stale (killed with its supervisor, its
    machine gone) are ready again, for any other worker to run. A worker never seen beating
    is left alone: it may be one run by hand."""
    now = now or timezone.now()
    stale = set(
        WorkerHeartbeat.objects.filter(beat_at__lt=now - STALE_AFTER)
        .values_list("worker_id", flat=True)
    )  # fmt: skip
    if not stale:
        return 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    orphans = [r.pk for r in running.only("pk", "worker_ids")
               if r.worker_ids and r.worker_ids[-1] in stale]  # fmt: skip
    done = DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    if done:
        logger.warning("requeued %d task(s) of a worker that stopped beating", done)
    return done


class Heartbeat:
    """Records, every `HEARTBEAT_SECONDS` on its own thread, that this worker is alive."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.restarts = int(os.environ.get(RESTARTS_ENV) or 0)
        self.last_exit = os.environ.get(LAST_EXIT_ENV, "")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                close_old_connections()  # this thread's own connection, kept between beats
                self.beat()
                try:
                    requeue_orphans()
                except OperationalError as error:  # busy: the next beat tries again
                    logger.warning("could not look for orphaned tasks: %s", error)
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "beat_at": timezone.now(),
                    "restarts": self.restarts,
                    "last_exit": self.last_exit[:300],
                },
            )
        except OperationalError as error:  # the database is busy: the next beat will tell
            logger.warning("worker heartbeat not recorded: %s", error)


@dataclass(frozen=True)
class WorkerStatus:
    """What administrators see of the background worker."""

    heartbeat: WorkerHeartbeat | None
    queued: int
    due: int
    failed_last_day: int
    now: dt.datetime

    @property
    def alive(self) -> bool:
        return self.heartbeat is not None and self.now - self.heartbeat.beat_at <= STALE_AFTER

    @property
    def seconds_since_beat(self) -> int | None:
        if self.heartbeat is None:
            return None
        return max(0, int((self.now - self.heartbeat.beat_at).total_seconds()))

    def as_json(self) -> dict[str, Any]:
        beat = self.heartbeat
        return {
            "alive": self.alive,
            "last_heartbeat": beat.beat_at.isoformat() if beat else None,
            "seconds_since_heartbeat": self.seconds_since_beat,
            "pid": beat.pid if beat else None,
            "restarts": beat.restarts if beat else 0,
            "last_exit": (beat.last_exit or None) if beat else None,
            "queued": self.queued,
            "due": self.due,
            "failed_last_day": self.failed_last_day,
        }


def worker_status(actor: User) -> WorkerStatus:
    """The worker's latest heartbeat and the queue, as far as `actor` may see them."""
    now = timezone.now()
    tasks = policy.visible_to(actor, DBTaskResult)
    return WorkerStatus(
        heartbeat=policy.visible_to(actor, WorkerHeartbeat).order_by("-beat_at").first(),
        queued=tasks.filter(status=TaskResultStatus.READY).count(),
        due=cast(DBTaskResultQuerySet, tasks).ready().count(),
        failed_last_day=tasks.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
        ).count(),
        now=now,
    )


def recent_failures(actor: User, *, limit: int = 20) -> list[TaskResult]:
    failed = policy.visible_to(actor, DBTaskResult).filter(status=TaskResultStatus.FAILED)
    return list(failed.order_by("-finished_at")[:limit])


def heartbeat_is_fresh() -> bool:
    """For /healthz: whether any worker has beaten lately (a yes or no, no rows shown)."""
    since = timezone.now() - STALE_AFTER
    return WorkerHeartbeat.objects.filter(beat_at__gte=since).exists()


def child_command() -> list[str]:
    return [sys.executable, "-m", "accord.cli", "worker", "--child"]
