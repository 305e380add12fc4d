"""Concurrent load while a large import writes: no request may fail with a server error.

    python benchmarks/load.py [--clients 30] [--seconds 60] [--rows 60000] [--quick] [--json]

Loads the demo into a fresh SQLite database in a temporary ACCORD_DATA_DIR, generates a CSV of
organizations beside it, then runs the same load twice against `accord serve` on loopback, each
time on a fresh copy of the database: a baseline for --seconds, and again while
`accord import organizations` reads, checks and writes the CSV (that load lasts until the
import ends, and at least --seconds). Each client signs in as the demo user and sends a mix of
requests: the home page, the organization list, the API list with a bearer token, a
partnership page, and a note added to that partnership (a write). Per kind it prints requests,
errors by status, and p50/p95 latency for both runs side by side with the p95 ratio, and how
long the import took.

The server runs without its background worker (--no-background) so both runs measure the web
workers and the import alone. Human-readable output goes to stdout (stderr with --json); with
--json the last line on stdout is one JSON object of figures. Exits 1 when a request answered
5xx or failed to connect.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PORT = int(os.environ.get("ACCORD_BENCH_PORT", "18200"))
USERNAME, PASSWORD = "demo", "accord-demo"
# Kind → weight in the mix.
MIX = {"home": 20, "directory": 20, "api_list": 25, "partnership": 20, "note_write": 15}


def say(text: str, as_json: bool) -> None:
    print(text, file=sys.stderr if as_json else sys.stdout, flush=True)


def accord(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def prepare(data_dir: Path, rows: int, env: dict[str, str]) -> dict[str, Any]:
    """The demo database, a token, a partnership to read and write, and the CSV to import."""
    accord("demo", "--no-serve", env=env)
    token = json.loads(accord("tokens", "create", USERNAME, "--json", env=env).stdout)["token"]
    listed = json.loads(accord("partnerships", "list", "--json", env=env).stdout)
    items = listed["items"] if isinstance(listed, dict) else listed
    partnership = next(p["id"] for p in items if p["stage"] not in ("exited", "rejected"))
    csv_path = data_dir / "organizations.csv"
    write_organizations_csv(csv_path, rows)
    return {"token": token, "partnership": partnership, "csv": csv_path}


def write_organizations_csv(path: Path, rows: int) -> None:
    """Generated organizations with text worth indexing; names are unique and new."""
    rng = random.Random(14)
    words = [
        "solar",
        "grid",
        "battery",
        "hydrogen",
        "robotics",
        "vision",
        "sensor",
        "lidar",
        "polymer",
        "coating",
        "catalyst",
        "enzyme",
        "genomics",
        "cloud",
        "edge",
        "analytics",
        "logistics",
        "freight",
        "carbon",
        "water",
        "textile",
    ]
    kinds = ["startup", "scaleup", "corporate", "university", "research"]
    countries = ["DE", "FR", "GB", "US", "NL", "SE", "IT", "ES", "JP", "CA"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "kind", "country", "website", "one_liner", "description", "tags"])
        for number in range(rows):
            a, b, c = rng.sample(words, 3)
            name = f"{a.capitalize()}{b} {c.capitalize()} {number:06d}"
            out.writerow(
                [
                    name,
                    rng.choice(kinds),
                    rng.choice(countries),
                    f"https://{a}{b}{number}.example",
                    f"{a.capitalize()} {b} for {c} users.",
                    f"{name} builds {a} {b} and {c} tools with partners, from pilot to scale.",
                    f"{a}|{c}",
                ]
            )


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "accord.cli", "serve", "--port", str(PORT), "--no-background"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, PORT), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"the server stopped; see {log}") from None
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"the server did not answer on port {PORT}; see {log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Client:
    """One simulated user: a signed-in session and its CSRF token. A connection per request, as
    a keep-alive one the server closed while idle would count as a failure that is none."""

    def __init__(self, token: str, partnership: int) -> None:
        self.token = token
        self.partnership = partnership
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, bearer: bool = False
    ) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if bearer:
            headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            return 0, b""
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self) -> bool:
        self.request("GET", "/accounts/login/")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "username": USERNAME,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        return status == 302 and "sessionid" in self.cookies

    def send(self, kind: str, number: int) -> int:
        if kind == "home":
            return self.request("GET", "/")[0]
        if kind == "directory":
            return self.request("GET", "/directory/organizations/")[0]
        if kind == "api_list":
            return self.request("GET", "/api/v1/organizations?limit=25", bearer=True)[0]
        if kind == "partnership":
            return self.request("GET", f"/partnerships/{self.partnership}/")[0]
        body = {
            "body": f"Load test note {number}",
            "visibility": "internal",
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }
        return self.request("POST", f"/partnerships/{self.partnership}/notes/", body)[0]


def run_load(clients: int, seconds: float, setup: dict[str, Any]) -> dict[str, Any]:
    """`clients` users for `seconds`; latencies (ms) and statuses per kind."""
    kinds, weights = zip(*MIX.items(), strict=True)
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    failed_sign_ins = 0
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at: list[float] = []
    still_importing = setup.get("still_importing", lambda: False)

    def user(seed: int) -> None:
        nonlocal failed_sign_ins
        rng = random.Random(seed)
        client = Client(setup["token"], setup["partnership"])
        if not client.sign_in():
            with lock:
                failed_sign_ins += 1
        start_line.wait()
        number = 0
        while time.monotonic() < stop_at[0] or still_importing():
            kind = rng.choices(kinds, weights)[0]
            began = time.perf_counter()
            status = client.send(kind, seed * 1_000_000 + number)
            elapsed = (time.perf_counter() - began) * 1000
            number += 1
            with lock:
                latencies[kind].append(elapsed)
                statuses[kind][status] += 1

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(float("inf"))
    start_line.wait()  # everyone signed in
    stop_at[0] = time.monotonic() + seconds
    setup.get("on_start", lambda: None)()
    for thread in threads:
        thread.join()
    seconds = round(time.monotonic() - stop_at[0] + seconds, 1)
    return {
        "seconds": seconds,
        "failed_sign_ins": failed_sign_ins,
        "kinds": {
            kind: {
                "requests": len(latencies[kind]),
                "statuses": dict(sorted(statuses[kind].items())),
                "errors": {
                    str(s): n for s, n in sorted(statuses[kind].items()) if s == 0 or s >= 400
                },
                "p50_ms": round(percentile(latencies[kind], 50), 1),
                "p95_ms": round(percentile(latencies[kind], 95), 1),
            }
            for kind in kinds
        },
    }


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def one_run(
    label: str, base: Path, work: Path, env: dict[str, str], args: Any, setup: dict[str, Any]
) -> dict[str, Any]:
    """Serve a fresh copy of the demo database and load it, with or without the import."""
    for suffix in ("", "-wal", "-shm"):
        (work / f"accord.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copy(base, work / "accord.sqlite3")
    server = Server(env, work / f"server-{label}.log")
    importing: dict[str, Any] = {}

    def start_import() -> None:
        importing["began"] = time.monotonic()
        importing["process"] = subprocess.Popen(
            [
                sys.executable,
                *("-m", "accord.cli", "import", "organizations", str(setup["csv"]), "--json"),
            ],
            env=env,
            stdout=(work / "import.json").open("w"),  # a pipe read only at the end would fill
            stderr=(work / "import.log").open("w"),
        )

        def wait() -> None:
            importing["process"].wait()
            importing["ended"] = time.monotonic()

        threading.Thread(target=wait, daemon=True).start()

    try:
        run_setup = setup
        if label == "import":
            run_setup = {
                **setup,
                "on_start": start_import,
                "still_importing": lambda: importing["process"].poll() is None,
            }
        result = run_load(args.clients, args.seconds, run_setup)
    finally:
        server.stop()
    if importing:
        importing["process"].wait()
        out = (work / "import.json").read_text().strip()
        summary = json.loads(out.splitlines()[-1]) if out else {}
        result["import"] = {
            "seconds": round(importing.get("ended", time.monotonic()) - importing["began"], 1),
            "exit_code": importing["process"].returncode,
            "created": summary.get("created"),
            "written": summary.get("written"),
            "stderr": (work / "import.log").read_text().strip()[-500:],
        }
    with (work / f"server-{label}.log").open() as log:
        result["server_errors_logged"] = sum(1 for line in log if re.search(r'" 5\d\d ', line))
    return result


def report(baseline: dict[str, Any], loaded: dict[str, Any], as_json: bool) -> list[str]:
    head = (
        f"{'kind':<12} {'requests':>9} {'base':>7}  {'errors':<22} {'p50 ms':>8} {'base':>7}"
        f" {'p95 ms':>8} {'base':>7} {'p95 x':>6}"
    )
    say(head, as_json)
    problems = []
    for kind, figures in loaded["kinds"].items():
        base = baseline["kinds"][kind]
        errors = ", ".join(f"{s}: {n}" for s, n in figures["errors"].items()) or "none"
        ratio = figures["p95_ms"] / base["p95_ms"] if base["p95_ms"] else float("nan")
        say(
            f"{kind:<12} {figures['requests']:>9} {base['requests']:>7}  {errors:<22}"
            f" {figures['p50_ms']:>8} {base['p50_ms']:>7} {figures['p95_ms']:>8}"
            f" {base['p95_ms']:>7} {ratio:>6.1f}",
            as_json,
        )
        for run, label in ((figures, "with import"), (base, "baseline")):
            bad = {s: n for s, n in run["errors"].items() if s == "0" or s.startswith("5")}
            if bad:
                problems.append(f"{kind} ({label}): {bad}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--quick", action="store_true", help="10 clients, 10 s, 5,000 rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.rows = 10, 10, 5_000
    as_json = args.json
    work = Path(tempfile.mkdtemp(prefix="accord-load-"))
    env = {**os.environ, "ACCORD_DATA_DIR": str(work), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    try:
        say(f"Preparing the demo database and {args.rows:,} organizations to import ...", as_json)
        setup = prepare(work, args.rows, env)
        base = work / "demo.sqlite3"
        shutil.copy(work / "accord.sqlite3", base)
        say(f"Baseline: {args.clients} clients for {args.seconds:g} s ...", as_json)
        baseline = one_run("baseline", base, work, env, args, setup)
        say(f"With the import: {args.clients} clients until it ends ...", as_json)
        loaded = one_run("import", base, work, env, args, setup)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    imported = loaded["import"]
    say(
        f"Import of {args.rows:,} rows: {imported['seconds']} s, exit {imported['exit_code']},"
        f" created {imported['created']}, written {imported['written']}; load for"
        f" {loaded['seconds']} s with it, baseline {baseline['seconds']} s",
        as_json,
    )
    problems = report(baseline, loaded, as_json)
    for run, label in ((baseline, "baseline"), (loaded, "with import")):
        if run["failed_sign_ins"]:
            problems.append(f"{run['failed_sign_ins']} sign-ins failed ({label})")
    if imported["exit_code"] != 0:
        problems.append(f"the import failed: {imported['stderr']}")
    for problem in problems:
        say(f"FAIL {problem}", as_json)
    if as_json:
        figures = {"clients": args.clients, "seconds": args.seconds, "rows": args.rows}
        print(json.dumps({**figures, "baseline": baseline, "with_import": loaded}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
