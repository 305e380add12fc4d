"""What Accord's main pages cost against a bare Django page, served the same way.

    python benchmarks/pages.py [--connections 32] [--seconds 20] [--rounds 4] [--quick] [--json]

Loads the demo into a fresh SQLite database in a temporary ACCORD_DATA_DIR and serves it as
`accord serve` does (gunicorn, 2 workers of 4 threads, no background worker), with one page
added for the baseline: a bare Django page listing 50 organizations from the ORM through the
same middleware, signed in like the rest. Then, one page at a time, `--connections` clients
each keep a signed-in connection and ask for it: requests/s, p50, p95, and the server's CPU
time per request (its processes' user and system time from /proc, before and after). The
pages take turns, `--rounds` times, for `--seconds` each in all, so that other work slowing
the machine for a while falls on every page alike. The ratio is each page's requests/s to the
bare page's in the same round, the median over the rounds (the target: at least 0.5), with
p95 at most 150 ms; beside it, each page's CPU per request over the bare page's, likewise.
With the clients on the same two cores, a closed loop of N connections waits N / (requests/s)
on average (Little's law): at 32 connections a p95 of 150 ms needs well over 200 requests/s,
about what the bare page reaches. The home page is measured twice: as people mostly see it
(shown again from the cache, no change being made) and recomputed, as after a change.

Human-readable output goes to stdout (stderr with --json); with --json the last line on
stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import PASSWORD, USERNAME, accord, percentile, say  # noqa: E402

HOST = "127.0.0.1"
PORT = int(os.environ.get("ACCORD_BENCH_PORT", "18300"))
TICKS = os.sysconf("SC_CLK_TCK")


def serve(port: int) -> None:
    """The server process: accord.wsgi as `accord serve` runs it, plus the bare page."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    from accord import urls
    from accord.core.policy import SIGNED_IN, access
    from accord.directory.models import Organization

    template = engines["django"].from_string(
        "<!doctype html><title>Bare</title><table>{% for o in rows %}<tr><td>{{ o.name }}</td>"
        "<td>{{ o.kind }}</td><td>{{ o.country }}</td><td>{{ o.updated_at }}</td></tr>"
        "{% endfor %}</table>"
    )

    @access(SIGNED_IN)
    def bare(request: Any) -> HttpResponse:
        rows = Organization.objects.order_by("name")[:50]
        return HttpResponse(template.render({"rows": rows}, request))

    urls.urlpatterns.insert(0, path("bench/bare/", bare))
    clear_url_caches()

    from accord.cli import run_server

    run_server(HOST, port, workers=2, background=False)


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and its children still running (the workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


class Session:
    """A signed-in client on one kept-alive connection (opened again when the server closes
    it)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, *, bearer: bool = False, body: str | None = None) -> int:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if bearer:
            headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{HOST}:{PORT}/accounts/login/"}  # fmt: skip
        for _ in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
            try:
                self.connection.request("POST" if body else "GET", path, body=body,
                                        headers=headers)  # fmt: skip
                response = self.connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status
        return 0

    def sign_in(self) -> bool:
        self.get("/accounts/login/")
        body = (f"username={USERNAME}&password={PASSWORD}"
                f"&csrfmiddlewaretoken={self.cookies.get('csrftoken', '')}")  # fmt: skip
        return self.get("/accounts/login/", body=body) == 302 and "sessionid" in self.cookies


@dataclass
class Sample:
    """One page asked for by every connection for a while: what each answer took."""

    latencies: list[float]
    elapsed: float
    cpu: float
    errors: int

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed


def load(path: str, sessions: list[Session], seconds: float, server: int) -> Sample:
    bearer = path.startswith("/api/")
    latencies: list[list[float]] = [[] for _ in sessions]
    errors = [0] * len(sessions)
    stop = [float("inf")]
    gate = threading.Barrier(len(sessions) + 1)

    def client(number: int) -> None:
        session = sessions[number]
        session.get(path, bearer=bearer)  # warm: the worker's first answer is not counted
        gate.wait()
        while time.monotonic() < stop[0]:
            began = time.perf_counter()
            status = session.get(path, bearer=bearer)
            latencies[number].append((time.perf_counter() - began) * 1000)
            if status != 200:
                errors[number] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True)
               for n in range(len(sessions))]  # fmt: skip
    for thread in threads:
        thread.start()
    gate.wait()
    cpu_before, began = cpu_seconds(server), time.monotonic()
    stop[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed, cpu = time.monotonic() - began, cpu_seconds(server) - cpu_before
    every = [ms for one in latencies for ms in one]
    return Sample(every, elapsed, cpu, sum(errors))


def summary(samples: list[Sample], bare: list[Sample]) -> dict[str, Any]:
    """A page's figures over every round; the ratios to the bare page are the median of each
    round's, so a round that other work on the machine slowed counts once."""
    every = [ms for sample in samples for ms in sample.latencies]
    requests = len(every)
    cpu_ms = [1000 * s.cpu / max(1, len(s.latencies)) for s in samples]
    bare_cpu_ms = [1000 * b.cpu / max(1, len(b.latencies)) for b in bare]
    return {
        "requests": requests, "errors": sum(s.errors for s in samples),
        "per_second": round(requests / sum(s.elapsed for s in samples), 1),
        "p50_ms": round(percentile(every, 50), 1), "p95_ms": round(percentile(every, 95), 1),
        "cpu_ms": round(1000 * sum(s.cpu for s in samples) / max(1, requests), 1),
        "ratio_vs_bare": round(statistics.median(
            s.per_second / b.per_second for s, b in zip(samples, bare, strict=True)), 2),
        "cpu_vs_bare": round(statistics.median(
            c / b for c, b in zip(cpu_ms, bare_cpu_ms, strict=True) if b), 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0, help="per page, in all")
    parser.add_argument("--rounds", type=int, default=4,
                        help="the pages are measured in turn, this many times")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="8 connections for 4 s a page, in 2 rounds.")  # fmt: skip
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.connections, args.seconds, args.rounds = 8, 4.0, 2
    work = Path(tempfile.mkdtemp(prefix="accord-pages-"))
    env = {**os.environ, "ACCORD_DATA_DIR": str(work), "ACCORD_SCOUTING_MODEL": "none",
           "ACCORD_REQUEST_LOG": "0", "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    say("Loading the demo...", args.json)
    accord("demo", "--no-serve", env=env)
    token = json.loads(accord("tokens", "create", USERNAME, "--json", env=env).stdout)["token"]
    listed = json.loads(accord("partnerships", "list", "--json", env=env).stdout)
    items = listed["items"] if isinstance(listed, dict) else listed
    import sqlite3

    with sqlite3.connect(work / "accord.sqlite3") as db:
        screening = db.execute("SELECT MIN(id) FROM screening_screening").fetchone()[0]
    pages = {
        "bare Django page": "/bench/bare/",
        "directory list": "/directory/organizations/",
        "partnership list": "/partnerships/",
        "board": "/partnerships/board/",
        "home": "/",  # shown again until an audited change or 2 minutes pass
        "home, recomputed": "/?refresh=1",
        "screening round": f"/screening/rounds/{screening}/",
        "API list": "/api/v1/organizations?limit=50",
    }
    log = (work / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-c",
                               f"from benchmarks.pages import serve; serve({PORT})"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, PORT), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(
                        f"the server did not start; see {work / 'server.log'}"
                    ) from None
                time.sleep(0.3)
        sessions = [Session(token) for _ in range(args.connections)]
        if not all(session.sign_in() for session in sessions):
            raise SystemExit("a client could not sign in")
        samples: dict[str, list[Sample]] = {name: [] for name in pages}
        for number in range(1, args.rounds + 1):
            for name, path in pages.items():
                sample = load(path, sessions, args.seconds / args.rounds, server.pid)
                samples[name].append(sample)
                say(f"round {number} of {args.rounds}: {name:18} {sample.per_second:6.1f} "
                    f"req/s", args.json)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    bare = samples["bare Django page"]
    results = {name: summary(found, bare) for name, found in samples.items()}
    say(f"\n{'page':18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms':>7} {'vs bare':>8}"
        f" {'CPU x bare':>11}", args.json)  # fmt: skip
    figures: dict[str, Any] = {"connections": args.connections, "seconds": args.seconds,
                               "rounds": args.rounds, "partnerships": len(items)}  # fmt: skip
    for name, found in results.items():
        ratio, cpu_ratio = found.pop("ratio_vs_bare"), found.pop("cpu_vs_bare")
        say(f"{name:18} {found['per_second']:7.1f} {found['p50_ms']:7.1f} {found['p95_ms']:7.1f}"
            f" {found['cpu_ms']:7.1f} {ratio:8.2f} {cpu_ratio:11.2f}", args.json)  # fmt: skip
        key = name.replace(" ", "_")
        figures[key] = found
        figures[f"{key}_ratio_vs_bare"] = ratio
        figures[f"{key}_cpu_vs_bare"] = cpu_ratio
    failures = sum(found["errors"] for found in results.values())
    if args.json:
        print(json.dumps(figures))
    if failures:
        raise SystemExit(f"{failures} request(s) did not answer 200")


if __name__ == "__main__":
    main()
