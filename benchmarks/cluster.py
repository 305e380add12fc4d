"""Accord on several servers under load, with a machine lost mid-run: nothing a client sent may
be lost, run twice or half-written.

    python benchmarks/cluster.py [--clients 64] [--seconds 120] [--kill-at 0.4] [--rows 20000]
                                 [--organizations 100000] [--dir DIR] [--quick] [--json]
    python benchmarks/cluster.py --index-rebuild [--dir DIR] [--organizations 100000] [--json]

Starts the deployment of scripts/cluster.py on loopback (PostgreSQL, two `accord serve`, two
`accord worker`, nginx in front; seeded with the demo company and the benchmark directory of
--organizations, or reused from --dir), registers a webhook endpoint served by this script
for partnership moves and finished imports, and runs for --seconds:

- --clients signed-in users through nginx, each a mix of the home page, the organization
  list, the API list, a partnership page and a note added to it (benchmarks/load.py's
  clients), plus the partnership read through the API;
- one user moving a partnership between two stages through the API, once a second, each
  move sent with the version it read; every move queues a webhook delivery, which the
  receiver here answers after a pause, so the workers are busy when one is killed;
- one user importing 20 organizations at a time through the web pages (upload, preview,
  confirm), which runs on whichever server nginx picks;
- `accord import organizations` of --rows new organizations from the command line.

At --kill-at of the run, one application server (gunicorn's master and workers: the whole
process group, as when its machine dies) and one worker (its supervisor and child; the one
running a delivery then, waited for up to 20 s) are killed with SIGKILL. The survivors keep
serving; the surviving worker queues again the tasks of the dead one once its heartbeat is
stale (35 s).

Per kind it prints requests, errors by status and p50/p95 before and after the kill, and how
nginx spread and retried the requests. Then it checks, from the database and the receiver:
no idempotent request failed; no 5xx except writes (POST) in flight on the killed server,
each shown with what the database holds of it; every delivery queued was run to the end by
exactly one task, and received once (or, the one whose POST was under way when its worker
died, twice, with the same delivery id: reported); every move has its transition, audit
event and version step; every import wrote all its rows or none. Exits 1 when a check fails.
With --json the last line on stdout is one JSON object of figures.

With --index-rebuild it instead times what each new server spends making its scouting index
from the database at --organizations (see `index_rebuild`); it needs the `ai` extra.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402 - the clients, percentiles and CSV of load.py
from benchmarks.load import Client, percentile, say, write_organizations_csv  # noqa: E402
from scripts.cluster import HOST, Cluster, install_missing  # noqa: E402

RECEIVER_PORT = 18420
RECEIVER_PAUSE = 2.0  # seconds a delivery takes at the receiver
MOVE_EVERY = 1.0
WEB_IMPORT_ROWS = 20
MIX = {**load.MIX, "api_partnership": 10}
WRITES = {"note_write", "move", "web_import"}
KILL_WINDOW = 5.0  # seconds after the kill in which a write in flight may fail


class Receiver:
    """The webhook endpoint: counts each delivery it was sent, after a pause."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()
        self.events: dict[int, str] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(RECEIVER_PAUSE)
                with receiver.lock:
                    receiver.received[body["id"]] += 1
                    receiver.events[body["id"]] = body["event"]
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, RECEIVER_PORT), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class User(Client):
    """benchmarks/load.py's client, with the kinds this run adds."""

    def __init__(self, token: str, partnership: int, mover_partnership: int) -> None:
        super().__init__(token, partnership)
        self.mover_partnership = mover_partnership

    def send(self, kind: str, number: int) -> int:
        if kind == "api_partnership":
            path = f"/api/v1/partnerships/{self.partnership}"
            return self.request("GET", path, bearer=True)[0]
        return super().send(kind, number)

    def move(self, to_stage: str, version: int) -> tuple[int, dict[str, Any]]:
        body = json.dumps(
            {"to_stage": to_stage, "reason": "load test", "expected_version": version}
        )
        status, content = self._json(
            "POST", f"/partnerships/{self.mover_partnership}/transitions", body
        )
        return status, content

    def read_partnership(self) -> tuple[int, dict[str, Any]]:
        return self._json("GET", f"/partnerships/{self.mover_partnership}", None)

    def _json(self, method: str, path: str, body: str | None) -> tuple[int, dict[str, Any]]:
        connection = http.client.HTTPConnection(HOST, load.PORT, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            connection.request(method, f"/api/v1{path}", body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            return 0, {}
        finally:
            connection.close()
        try:
            return response.status, json.loads(content) if content else {}
        except ValueError:
            return response.status, {}

    def web_import(self, csv_text: str) -> tuple[int, str]:
        """Upload, preview and confirm; the confirm's status and the stage that failed."""
        csrf = self.cookies.get("csrftoken", "")
        boundary = uuid.uuid4().hex
        fields = {"csrfmiddlewaretoken": csrf, "kind": "organizations", "preset": "", "source": ""}
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="orgs.csv"'
            f"\r\nContent-Type: text/csv\r\n\r\n{csv_text}\r\n--{boundary}--\r\n"
        )
        status, location = self._form("/directory/import/", "".join(parts), boundary)
        if status != 302 or "token=" not in location:
            return status, "upload"
        token = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["token"][0]
        status, _ = self.request("GET", f"/directory/import/preview/?token={token}")
        if status != 200:
            return status, "preview"
        body = {"csrfmiddlewaretoken": csrf, "token": token}
        return self.request("POST", "/directory/import/confirm/", body)[0], "confirm"

    def _form(self, path: str, body: str, boundary: str) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"http://{HOST}:{load.PORT}{path}",
        }
        connection = http.client.HTTPConnection(HOST, load.PORT, timeout=60)
        try:
            connection.request("POST", path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            return 0, ""
        finally:
            connection.close()
        return response.status, response.getheader("Location") or ""


class Run:
    """The requests of one run: (seconds since start, kind, status, milliseconds)."""

    def __init__(self, mover_partnership: int, last_audit: int) -> None:
        self.mover_partnership = mover_partnership
        self.last_audit = last_audit  # audit events after it belong to this run
        self.records: list[tuple[float, str, int, float]] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.stop = threading.Event()
        self.kill_at: float | None = None
        self.failed_writes: list[dict[str, Any]] = []
        self.moves: list[int] = []  # transition ids answered 201
        self.web_imports: dict[str, int] = {}  # batch prefix -> confirm status
        self.failed_sign_ins = 0
        self.tag = random.randrange(1, 10**6)

    def timed(self, kind: str, call: Any) -> Any:
        began = time.monotonic()
        result = call()
        status = result[0] if isinstance(result, tuple) else result
        with self.lock:
            self.records.append(
                (began - self.started, kind, status, (time.monotonic() - began) * 1000)
            )
        return result


def browse(run: Run, user: User, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX.items(), strict=True)
    number = 0
    while not run.stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        number += 1
        # Each note's text is this run's own, so the database says whether a failed one
        # was written, even on a deployment loaded before.
        text = run.tag * 10**9 + seed * 1_000_000 + number
        status = run.timed(kind, lambda: user.send(kind, text))  # noqa: B023 - called at once
        if kind == "note_write" and (status == 0 or status >= 500):
            with run.lock:
                run.failed_writes.append({"kind": kind, "status": status, "note": text})


def move(run: Run, user: User, stages: tuple[str, str]) -> None:
    while not run.stop.wait(MOVE_EVERY):
        status, current = run.timed("api_partnership", user.read_partnership)
        if status != 200:
            continue
        target = stages[0] if current["stage"] == stages[1] else stages[1]
        status, moved = run.timed("move", lambda: user.move(target, current["stage_version"]))  # noqa: B023
        if status == 201:
            run.moves.append(moved["id"])
        elif status == 0 or status >= 500:
            run.failed_writes.append({"kind": "move", "status": status, "to": target})


def web_import(run: Run, user: User, seed: int) -> None:
    batch = 0
    while not run.stop.is_set():
        batch += 1
        prefix = f"Webimport {seed}-{batch:04d}"
        rows = "".join(f"{prefix} Org {n:02d},startup,DE\n" for n in range(WEB_IMPORT_ROWS))
        table = f"name,kind,country\n{rows}"
        status, step = run.timed("web_import", lambda: user.web_import(table))  # noqa: B023
        run.web_imports[prefix] = status if step == "confirm" else -1
        if status == 0 or status >= 500:
            run.failed_writes.append(
                {"kind": "web_import", "status": status, "step": step, "batch": prefix}
            )


def summarize(records: list[tuple[float, str, int, float]]) -> dict[str, Any]:
    by_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for _, kind, status, ms in records:
        by_kind[kind].append((status, ms))
    figures = {}
    for kind, rows in sorted(by_kind.items()):
        statuses = Counter(s for s, _ in rows)
        latencies = [ms for _, ms in rows]
        figures[kind] = {
            "requests": len(rows),
            "errors": {str(s): n for s, n in sorted(statuses.items()) if s == 0 or s >= 400},
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
        }
    return figures


def nginx_spread(log: Path, since: str) -> dict[str, Any]:
    """Requests per server from nginx's log, and those it retried on the other server."""
    servers: Counter[str] = Counter()
    retried: Counter[str] = Counter()
    answered_5xx: Counter[str] = Counter()
    pattern = re.compile(r'^(\S+) (\S+) (\d+) \S+ "([^"]*)" "([^"]*)" "([^"]*)"')
    for line in log.read_text().splitlines():
        found = pattern.match(line)
        if not found or found[1] < since:
            continue
        _, method, status, upstreams, upstream_statuses, uri = found.groups()
        addresses = [a.strip() for a in upstreams.split(",")]
        servers[addresses[-1]] += 1
        if len(addresses) > 1:
            retried[f"{method} {status} via {upstreams} ({upstream_statuses})"] += 1
        if status.startswith("5"):
            answered_5xx[f"{method} {status} {uri.split('?')[0]} ({upstream_statuses})"] += 1
    return {"served_by": dict(servers), "retried": dict(retried), "5xx": dict(answered_5xx)}


def pick_worker(cluster: Cluster) -> Any:
    """The worker machine running a task now (up to 20 s to find one), else the first."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ids = {f"{socket.gethostname()[:40]}-{m.worker.pid}": m for m in cluster.machines if m.worker}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
            if result.worker_ids and result.worker_ids[-1] in ids:
                return ids[result.worker_ids[-1]], True
        time.sleep(0.1)
    return cluster.machines[0], False


def kill(run: Run, cluster: Cluster, at: float, report: dict[str, Any]) -> None:
    if run.stop.wait(at):
        return
    server = cluster.machines[0]
    worker, was_busy = pick_worker(cluster)
    assert worker.worker is not None
    run.kill_at = time.monotonic() - run.started
    cluster.kill_group(server.server)
    cluster.kill_group(worker.worker)
    report.update(
        at_seconds=round(run.kill_at, 1),
        server=server.name,
        worker=worker.name,
        worker_id=f"{socket.gethostname()[:40]}-{worker.worker.pid}",
        worker_was_running_a_task=was_busy,
    )


def database_counts(partnership: int) -> dict[str, Any]:
    from django.db import connection

    from accord.directory.models import Organization
    from accord.notifications.models import WebhookDelivery
    from accord.partnerships.models import Note, Partnership, StageTransition

    connection.close()  # a fresh connection: the run may have outlived the old one
    return {
        "organizations": Organization.objects.count(),
        "notes": Note.objects.count(),
        "transitions": StageTransition.objects.filter(partnership_id=partnership).count(),
        "stage_version": Partnership.objects.get(pk=partnership).stage_version,
        "last_delivery": WebhookDelivery.objects.order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0,
    }


def wait_for_tasks(seconds: float) -> tuple[int, float]:
    """Until no task is queued or running; what is left, and how long it took."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    began = time.monotonic()
    open_ = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    left = DBTaskResult.objects.filter(status__in=open_).count()
    while left and time.monotonic() - began < seconds:
        time.sleep(2)
        left = DBTaskResult.objects.filter(status__in=open_).count()
    return left, round(time.monotonic() - began, 1)


def check_tasks(
    before: dict[str, Any], receiver: Receiver, killed_worker: str | None
) -> tuple[dict[str, Any], list[str]]:
    """Every delivery queued during the run ran to the end once and was received once.

    One exception is inherent to webhooks and reported, not hidden: a delivery whose POST had
    reached the receiver when its worker was killed is sent again by the worker that takes the
    task over (at least once, with the same X-Accord-Delivery id for the receiver to see)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from accord.notifications.models import WebhookDelivery
    from accord.notifications.webhooks import deliver

    problems = []
    deliveries = list(
        WebhookDelivery.objects.filter(pk__gt=before["last_delivery"]).values(
            "pk", "event", "status", "attempts"
        )
    )
    results = DBTaskResult.objects.filter(task_path=deliver.module_path)
    per_delivery: dict[int, Counter[str]] = defaultdict(Counter)
    claimed_again = 0
    taken_from_killed = set()
    for result in results.only("args_kwargs", "status", "worker_ids"):
        delivery = result.args_kwargs["args"][0]
        if delivery > before["last_delivery"]:
            per_delivery[delivery][result.status] += 1
            claimed_again += len(result.worker_ids) > 1
            if killed_worker in result.worker_ids[:-1]:
                taken_from_killed.add(delivery)
    done = TaskResultStatus.SUCCESSFUL
    not_delivered = [d["pk"] for d in deliveries if d["status"] != "delivered"]
    sent_again = [d["pk"] for d in deliveries if d["attempts"] != 1]
    without_one_success = [d["pk"] for d in deliveries if per_delivery[d["pk"]] != {done: 1}]
    received_twice = [pk for pk, n in receiver.received.items() if n > 1]
    resent_after_kill = [pk for pk in received_twice if pk in taken_from_killed]
    received_twice = [pk for pk in received_twice if pk not in taken_from_killed]
    never_received = [d["pk"] for d in deliveries if d["pk"] not in receiver.received]
    for label, found in (
        ("deliveries not delivered", not_delivered),
        ("deliveries attempted more than once", sent_again),
        ("deliveries without exactly one successful task", without_one_success),
        ("deliveries received twice", received_twice),
        ("deliveries never received", never_received),
    ):
        if found:
            problems.append(f"{label}: {found[:20]}")
    figures = {
        "deliveries": len(deliveries),
        "by_event": dict(Counter(d["event"] for d in deliveries)),
        "tasks_claimed_by_a_second_worker": claimed_again,
        "received": sum(receiver.received.values()),
        "received_twice": len(received_twice),
        "resent_after_kill": resent_after_kill,
        "not_delivered": len(not_delivered),
    }
    return figures, problems


def check_rows(
    run: Run, before: dict[str, Any], after: dict[str, Any], imported: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Imports all or nothing; moves and notes each whole; failed writes accounted for."""
    from accord.core.models import AuditEvent
    from accord.directory.models import Organization
    from accord.partnerships.models import Note, StageTransition

    problems = []
    batches = {}
    for prefix, status in run.web_imports.items():
        rows = Organization.objects.filter(name__startswith=f"{prefix} Org ").count()
        batches[prefix] = rows
        if rows not in (0, WEB_IMPORT_ROWS):
            problems.append(f"web import {prefix}: {rows} of {WEB_IMPORT_ROWS} rows written")
        if status == 302 and rows != WEB_IMPORT_ROWS:
            problems.append(f"web import {prefix} answered 302 but wrote {rows} rows")
    web_rows = sum(batches.values())
    cli_rows = imported.get("created") or 0
    grown = after["organizations"] - before["organizations"]
    if grown != web_rows + cli_rows:
        problems.append(f"organizations grew by {grown}, imports wrote {web_rows} + {cli_rows}")
    moved = after["transitions"] - before["transitions"]
    transitions = list(
        StageTransition.objects.filter(partnership_id=run.mover_partnership)
        .order_by("pk")
        .values_list("pk", "from_stage", "to_stage")
    )[-moved - 1 :]
    broken = [b for a, b in itertools.pairwise(transitions) if a[2] != b[1]]
    audits = AuditEvent.objects.filter(
        object_id=str(run.mover_partnership), changes__has_key="stage", pk__gt=run.last_audit
    ).count()
    unanswered = moved - len(run.moves)
    failed_moves = sum(1 for w in run.failed_writes if w["kind"] == "move")
    if after["stage_version"] - before["stage_version"] != moved:
        problems.append(
            f"{moved} transitions but the version moved by "
            f"{after['stage_version'] - before['stage_version']}"
        )
    if audits != moved:
        problems.append(f"{moved} transitions but {audits} audit events of a move")
    if broken:
        problems.append(f"transitions not continuing from the stage before: {broken[:5]}")
    if not 0 <= unanswered <= failed_moves:
        problems.append(f"{moved} moves written, {len(run.moves)} answered 201")
    failed_notes = [w["note"] for w in run.failed_writes if w["kind"] == "note_write"]
    written_of_failed = {
        n: Note.objects.filter(body=f"Load test note {n}").count() for n in failed_notes
    }
    if any(count > 1 for count in written_of_failed.values()):
        problems.append(f"a failed note was written twice: {written_of_failed}")
    figures = {
        "organizations_before": before["organizations"],
        "organizations_after": after["organizations"],
        "cli_import_rows": cli_rows,
        "web_import_batches": len(batches),
        "web_import_batches_written": sum(1 for r in batches.values() if r),
        "moves_written": moved,
        "moves_answered_201": len(run.moves),
        "move_audit_events": audits,
        "notes_written": after["notes"] - before["notes"],
        "failed_writes_written": {
            "notes": sum(written_of_failed.values()),
            "moves": unanswered,
            "web_imports": sum(
                1
                for w in run.failed_writes
                if w["kind"] == "web_import" and batches.get(w["batch"])
            ),
        },
    }
    return figures, problems


def judge_errors(run: Run) -> tuple[list[dict[str, Any]], list[str]]:
    """Idempotent requests never fail; a write may fail only when in flight at the kill."""
    excused, problems = [], []
    for at, kind, status, ms in run.records:
        if status != 0 and status < 500:
            continue
        began_before_kill = run.kill_at is not None and at <= run.kill_at <= at + ms / 1000
        in_window = (
            run.kill_at is not None and run.kill_at <= at + ms / 1000 <= run.kill_at + KILL_WINDOW
        )
        if kind in WRITES and (began_before_kill or in_window):
            excused.append({"kind": kind, "status": status, "at": round(at, 2)})
        else:
            problems.append(f"{kind} answered {status} at {at:.1f} s")
    return excused, problems


def print_table(phases: dict[str, dict[str, Any]], as_json: bool) -> None:
    say(f"{'kind':<16} {'requests':>17} {'errors':<26} {'p50 ms':>15} {'p95 ms':>15}", as_json)
    say(
        f"{'':<16} {'before / after':>17} {'':<26} {'before / after':>15} {'before / after':>15}",
        as_json,
    )
    kinds = sorted(set(phases["before"]) | set(phases["after"]))
    for kind in kinds:
        b, a = phases["before"].get(kind, {}), phases["after"].get(kind, {})
        errors = (
            "; ".join(
                f"{label} {', '.join(f'{s}: {n}' for s, n in p.get('errors', {}).items())}"
                for label, p in (("b", b), ("a", a))
                if p.get("errors")
            )
            or "none"
        )
        say(
            f"{kind:<16} {b.get('requests', 0):>8} / {a.get('requests', 0):<6} {errors:<26}"
            f" {b.get('p50_ms', 0):>6} / {a.get('p50_ms', 0):<6} {b.get('p95_ms', 0):>6} /"
            f" {a.get('p95_ms', 0):<6}",
            as_json,
        )


def index_rebuild(cluster: Cluster, as_json: bool) -> dict[str, Any]:
    """What a new server spends making its scouting index from the database, at the size of
    the deployment's directory (benchmarks/scouting.py's build and synthesis, on PostgreSQL).

    The embeddings are in the database, encoded once for every server; each machine keeps its
    own copy as files under ACCORD_DATA_DIR/index (the matrix and, beyond 5,000, the IVF
    index), made from the database by the first process that needs them. Encoding every
    organization with the model (once per database, by `accord index build`) would take
    most of an hour here, so 1,000 real texts are encoded for the rate, and every
    organization gets a vector synthesized from theirs (benchmarks/scouting.py)."""
    from benchmarks import scouting as scouting_bench

    os.environ.update(cluster.env(cluster.machines[0]))
    os.environ.update(
        ACCORD_SCOUTING_MODEL="all-MiniLM-L6-v2", DJANGO_SETTINGS_MODULE="accord.settings"
    )
    import django

    django.setup()
    from accord.directory.models import Organization
    from accord.scouting import embeddings, vectors
    from accord.scouting.models import IndexState
    from accord.scouting.text import organization_text

    if not embeddings.available():
        raise SystemExit(f"the model is needed: {embeddings.unavailable_reason()}")
    report = scouting_bench.Report(as_json)
    figures: dict[str, Any] = {"organizations": Organization.objects.count()}
    if not IndexState.objects.exists():
        rows = Organization.objects.exclude(description="").order_by("pk")[:1_000]
        texts = [organization_text(o.name, o.one_liner, o.tag_names, o.description) for o in rows]
        embeddings.encode(texts[:64])  # load and warm the model
        started = time.perf_counter()
        base = embeddings.encode(texts)
        rate = len(texts) / (time.perf_counter() - started)
        figures["encoded_per_s"] = round(rate, 1)
        figures["encoding_everything_minutes"] = round(figures["organizations"] / rate / 60, 1)
        scouting_bench.synthesize_vectors(report, base, 1)
    model = embeddings.model_name()
    token = IndexState.objects.get(model=model).token
    for machine in cluster.machines:  # a new machine: no index files yet
        shutil.rmtree(Path(settings_index_dir()), ignore_errors=True)
        vectors.forget()
        started = time.perf_counter()
        index = vectors.current(model)
        figures[f"rebuild_seconds_{machine.name}"] = round(time.perf_counter() - started, 2)
    assert index is not None
    vectors.forget()
    started = time.perf_counter()
    vectors.current(model)  # a restart on the same machine: from its files
    figures["load_from_files_seconds"] = round(time.perf_counter() - started, 2)
    figures.update(vectors=index.size, approximate=index.approximate, token=token)
    say(f"index: {json.dumps(figures)}", as_json)
    return figures


def settings_index_dir() -> str:
    from django.conf import settings

    return str(settings.SCOUTING_INDEX_DIR)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the run; 0: none")
    parser.add_argument("--rows", type=int, default=20_000, help="of the command-line import")
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="a deployment to reuse (kept afterwards)")
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--quick", action="store_true", help="16 clients, 20 s, 3,000 orgs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--index-rebuild",
        action="store_true",
        help="instead of the load: time each server's scouting index made from the database",
    )
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.rows, args.organizations = 16, 20, 2_000, 3_000
    as_json = args.json
    install_missing(install=True)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="accord-cluster-"))
    cluster = Cluster(folder.resolve(), port=args.port)
    load.PORT = args.port  # load.py's clients talk to nginx
    if args.index_rebuild:
        try:
            cluster.start_postgres()
            if not (folder / "seeded").exists():
                cluster.seed(args.organizations)
            figures = index_rebuild(cluster, as_json)
        finally:
            cluster.stop()
        if as_json:
            print(json.dumps(figures))
        return 0
    receiver = Receiver()
    say(f"Starting the deployment in {folder} ...", as_json)
    cluster.start(args.organizations)
    try:
        result = run_and_check(cluster, receiver, args, folder)
    finally:
        say("Stopping the deployment ...", as_json)
        cluster.stop()
        receiver.stop()
    for problem in result["problems"]:
        say(f"FAIL {problem}", as_json)
    if as_json:
        print(json.dumps(result))
    return 1 if result["problems"] else 0


def run_and_check(cluster: Cluster, receiver: Receiver, args: Any, folder: Path) -> dict[str, Any]:
    as_json = args.json
    os.environ.update(cluster.env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    import django

    django.setup()
    from accord.core.models import AuditEvent

    token = json.loads(cluster.accord("tokens", "create", "demo", "--json").stdout)["token"]
    listed = json.loads(cluster.accord("partnerships", "list", "--json").stdout)
    items = listed["items"] if isinstance(listed, dict) else listed
    reader = next(p["id"] for p in items if p["stage"] not in ("exited", "declined"))
    mover = next(p for p in items if p["stage"] == "screening" and p["id"] != reader)["id"]
    admin = User(token, reader, mover)
    hook = f"http://{HOST}:{RECEIVER_PORT}/hook"
    for endpoint in admin._json("GET", "/webhook-endpoints?limit=100", None)[1].get("items", []):
        if endpoint["url"] == hook:  # a run before this one on the same deployment
            admin._json("DELETE", f"/webhook-endpoints/{endpoint['id']}", None)
    status, _ = admin._json(
        "POST",
        "/webhook-endpoints",
        json.dumps(
            {
                "url": hook,
                "description": "load test",
                "events": ["partnership.moved", "import.finished"],
            }
        ),
    )
    if status != 201:
        raise SystemExit(f"registering the webhook endpoint answered {status}")
    csv_path = folder / "import.csv"
    write_organizations_csv(csv_path, args.rows)
    # Unique names per run, so a deployment can be loaded again.
    text = csv_path.read_text().replace(" 0", f" {uuid.uuid4().hex[:6]} 0")
    csv_path.write_text(text)

    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    run = Run(mover, last_audit or 0)
    before = database_counts(mover)
    users = [User(token, reader, mover) for _ in range(args.clients + 2)]
    say(f"Signing in {len(users)} users through nginx ...", as_json)
    for user in users:
        if not user.sign_in():
            run.failed_sign_ins += 1
    kill_report: dict[str, Any] = {}
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    say(
        f"{args.clients} clients for {args.seconds:g} s, a mover, a web import, and"
        f" `accord import organizations` of {args.rows:,} rows ...",
        as_json,
    )
    run.started = time.monotonic()
    importing = subprocess.Popen(
        [sys.executable, "-m", "accord.cli", "import", "organizations", str(csv_path), "--json"],
        env=cluster.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    threads = [
        threading.Thread(target=browse, args=(run, users[n], n), daemon=True)
        for n in range(args.clients)
    ]
    threads.append(threading.Thread(target=move, args=(run, users[-1], ("screening", "candidate"))))
    threads.append(threading.Thread(target=web_import, args=(run, users[-2], os.getpid())))
    if args.kill_at > 0:
        threads.append(
            threading.Thread(
                target=kill, args=(run, cluster, args.seconds * args.kill_at, kill_report)
            )
        )
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    run.stop.set()
    for thread in threads:
        thread.join()
    say("Waiting for the import and the queued tasks ...", as_json)
    out, err = importing.communicate()
    summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    imported = {
        "exit_code": importing.returncode,
        "created": summary.get("created"),
        "seconds": round(time.monotonic() - run.started, 1),
        "stderr": err[-300:],
    }
    left, waited = wait_for_tasks(180)
    after = database_counts(mover)

    kill_at = run.kill_at if run.kill_at is not None else float("inf")
    phases = {
        "before": summarize([r for r in run.records if r[0] < kill_at]),
        "after": summarize([r for r in run.records if r[0] >= kill_at]),
    }
    print_table(phases, as_json)
    excused, problems = judge_errors(run)
    tasks, task_problems = check_tasks(before, receiver, kill_report.get("worker_id"))
    rows, row_problems = check_rows(run, before, after, imported)
    problems += task_problems + row_problems
    if left:
        problems.append(f"{left} task(s) still queued or running {waited} s after the load")
    if run.failed_sign_ins:
        problems.append(f"{run.failed_sign_ins} sign-ins failed")
    if imported["exit_code"] != 0:
        problems.append(f"the command-line import failed: {imported['stderr']}")
    spread = nginx_spread(folder / "nginx" / "access.log", since)
    say(f"kill: {kill_report or 'none'}", as_json)
    say(f"nginx: {json.dumps(spread)}", as_json)
    say(f"writes in flight at the kill that failed: {excused or 'none'}", as_json)
    say(f"tasks: {json.dumps(tasks)}; queue empty {waited} s after the load", as_json)
    say(f"rows: {json.dumps(rows)}", as_json)
    say(
        f"command-line import: {imported['created']} rows, exit {imported['exit_code']},"
        f" done {imported['seconds']} s after the start",
        as_json,
    )
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "organizations": before["organizations"],
        "kill": kill_report,
        "phases": phases,
        "writes_failed_at_kill": excused,
        "nginx": spread,
        "tasks": tasks,
        "tasks_drained_seconds": waited,
        "rows": rows,
        "cli_import": {k: v for k, v in imported.items() if k != "stderr"},
        "load_average_1min": round(os.getloadavg()[0], 2),
        "problems": problems,
    }


if __name__ == "__main__":
    sys.exit(main())
