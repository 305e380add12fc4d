"""Accord on several servers, on loopback: PostgreSQL, two application servers, two workers,
nginx in front of them.

    python scripts/cluster.py [--dir DIR] [--port 18400] [--organizations 100000]

Starts a private PostgreSQL (its own data folder and port), migrates once, loads the demo
company and grows the directory to --organizations with the benchmark generator
(benchmarks/directory.py: generated organizations, one in five a real one from the shared
reference data when present), collects the static files, then starts two `accord serve
--no-background` and two `accord worker` as if on two machines (each pair has its own
ACCORD_DATA_DIR; uploads go to one ACCORD_SHARED_DIR), and nginx from deploy/nginx.conf as
the single entry. Prints the address and a login, and stops everything on Ctrl-C.

With --dir an existing deployment is started again as it was left (no new seed). Each server
is started in its own process group, so benchmarks/cluster.py can kill one as a machine
would die. PostgreSQL and nginx come from Debian's packages (`postgresql`, `nginx`); the
script installs them with apt when missing and allowed to (root, or --no-install to refuse).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TEMPLATE = ROOT / "deploy" / "nginx.conf"
DEMO_LOGIN = ("demo", "accord-demo")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> int:
    digits = path.split("/")[4]
    return int(digits) if digits.isdigit() else 0


def nginx_bin() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def install_missing(install: bool) -> None:
    """Debian's postgresql and nginx, as .ci/run installs what the tests need."""
    missing = [
        name
        for name, present in (("postgresql", postgres_bin()), ("nginx", nginx_bin()))
        if present is None
    ]
    if not missing:
        return
    if not install or os.geteuid() != 0:
        raise SystemExit(
            f"missing: {', '.join(missing)}; install Debian's package(s) with"
            f" `apt-get install -y {' '.join(missing)}` (as root)"
        )
    say(f"Installing {', '.join(missing)} from Debian's packages ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


def free_port(port: int) -> None:
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise SystemExit(f"port {port} is taken; choose another with --port")


def wait_for_port(port: int, process: subprocess.Popen | None, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                raise SystemExit(f"stopped before listening on {port}; see {log}") from None
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port} after {seconds:.0f} s; see {log}")


def nginx_config(run: Path, listen: str, servers: list[str], static_root: Path) -> Path:
    """deploy/nginx.conf filled in, written to `run` (where nginx keeps its own files)."""
    upstreams = "\n        ".join(f"server {s} max_fails=1 fail_timeout=5s;" for s in servers)
    text = TEMPLATE.read_text()
    for name, value in {
        "listen": listen,
        "servers": upstreams,
        "static_root": str(static_root),
        "run": str(run),
        "mime_types": "/etc/nginx/mime.types",
    }.items():
        text = text.replace("{{" + name + "}}", value)
    config = run / "nginx.conf"
    config.write_text(text)
    return config


def start_nginx(config: Path, log: Path) -> subprocess.Popen:
    """nginx in the foreground with `config`, checked first, in its own process group."""
    nginx = nginx_bin()
    assert nginx is not None
    run = str(config.parent)
    subprocess.run([nginx, "-t", "-q", "-p", run, "-c", str(config)], check=True)
    return subprocess.Popen(
        [nginx, "-p", run, "-c", str(config), "-g", "daemon off;"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


@dataclass
class Machine:
    """One application server and one worker, sharing a data folder as one machine would."""

    name: str
    port: int
    data_dir: Path
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None


@dataclass
class Cluster:
    folder: Path
    port: int = 18400
    pg_port: int = 18410
    server_workers: int = 2
    scouting_model: str = "none"
    machines: list[Machine] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    postgres_started: bool = False

    def __post_init__(self) -> None:
        self.machines = [
            Machine(f"machine-{n}", self.port + n, self.folder / f"machine-{n}") for n in (1, 2)
        ]
        settings_file = self.folder / "cluster.json"
        if settings_file.exists():  # the secret must stay the same, or sessions die
            self.secret = json.loads(settings_file.read_text())["secret_key"]
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.secret = secrets.token_urlsafe(50)
            settings_file.write_text(json.dumps({"secret_key": self.secret}))
            settings_file.chmod(0o600)

    # Where things are ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def database_url(self) -> str:
        return f"postgres://accord@{HOST}:{self.pg_port}/accord"

    def env(self, machine: Machine | None = None) -> dict[str, str]:
        """The settings every process gets; `machine` names its own data folder."""
        data_dir = machine.data_dir if machine else self.folder / "admin"
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")},
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.database_url,
            "ACCORD_DATA_DIR": str(data_dir),
            "ACCORD_SHARED_DIR": str(self.folder / "shared"),
            # One collection for nginx and every server: the pages name the files it holds.
            "ACCORD_STATIC_DIR": str(self.folder / "www" / "static"),
            "ACCORD_SECRET_KEY": self.secret,
            "ACCORD_REQUIRE_SECRET_KEY": "true",
            "ACCORD_ALLOWED_HOSTS": f"{HOST},localhost",
            "ACCORD_CSRF_TRUSTED_ORIGINS": self.url,
            "ACCORD_SITE_URL": self.url,
            "ACCORD_TRUSTED_PROXIES": HOST,
            "ACCORD_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
            "ACCORD_SCOUTING_MODEL": self.scouting_model,
            "ACCORD_LOG_LEVEL": "WARNING",
        }

    def accord(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "accord.cli", *args],
            env=self.env(),
            check=check,
            capture_output=True,
            text=True,
        )

    # PostgreSQL ---------------------------------------------------------------------------

    def _as_postgres(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start_postgres(self) -> None:
        """Start the private server, made first when its data folder is new."""
        pg_bin, data = postgres_bin(), self.folder / "pg"
        assert pg_bin is not None
        fresh = not (data / "data" / "PG_VERSION").exists()
        if fresh:
            data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:  # initdb refuses root
                user = pwd.getpwnam("postgres")
                os.chown(data, user.pw_uid, user.pw_gid)
            subprocess.run(
                [*self._as_postgres(), str(pg_bin / "initdb"), "-D", str(data / "data"),
                 "-U", "accord", "--auth=trust", "-E", "UTF8"],
                check=True, capture_output=True,
            )  # fmt: skip
        options = (
            f"-c listen_addresses={HOST} -p {self.pg_port} -k {data}"
            " -c max_connections=200 -c shared_buffers=256MB"
        )
        subprocess.run(
            [*self._as_postgres(), str(pg_bin / "pg_ctl"), "-D", str(data / "data"),
             "-l", str(data / "log"), "-w", "-o", options, "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.postgres_started = True

    def _createdb(self) -> None:
        """An empty database `accord` (one left by a seed that failed is dropped)."""
        pg_bin = postgres_bin()
        assert pg_bin is not None
        where = ["-h", HOST, "-p", str(self.pg_port), "-U", "accord"]
        subprocess.run([str(pg_bin / "dropdb"), *where, "--if-exists", "accord"], check=True)
        subprocess.run([str(pg_bin / "createdb"), *where, "accord"], check=True)

    def stop_postgres(self) -> None:
        if self.postgres_started:
            pg_bin = postgres_bin()
            subprocess.run(
                [*self._as_postgres(), str(pg_bin / "pg_ctl"), "-D",
                 str(self.folder / "pg" / "data"), "-m", "fast", "stop"],
                capture_output=True,
            )  # fmt: skip
            self.postgres_started = False

    # Data ---------------------------------------------------------------------------------

    def seed(self, organizations: int) -> None:
        """Migrations once, the demo company, then the directory grown to `organizations`."""
        started = time.monotonic()
        self._createdb()
        say("Migrating and loading the demo company ...")
        self.accord("demo", "--no-serve")
        say(f"Growing the directory to {organizations:,} organizations ...")
        subprocess.run(
            [sys.executable, str(Path(__file__)), "--grow-directory", str(organizations)],
            env=self.env(),
            check=True,
        )
        (self.folder / "seeded").write_text(f"{organizations}\n")
        say(f"Seeded in {time.monotonic() - started:.0f} s")

    def collect_static(self) -> Path:
        """The static files for nginx and the servers, in a folder nginx may read (the data
        folders may not)."""
        www = self.folder / "www"
        self.accord("collect-static")
        for path in (self.folder, www, *www.rglob("*")):
            path.chmod(path.stat().st_mode | 0o055 if path.is_dir() else 0o644)
        return www / "static"

    # Processes ----------------------------------------------------------------------------

    def _spawn(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        # Its own process group: killing the group is what losing the machine does to it.
        return subprocess.Popen(
            args,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_server(self, machine: Machine) -> None:
        free_port(machine.port)
        machine.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.folder / f"{machine.name}-server.log"
        machine.server = self._spawn(
            [sys.executable, "-m", "accord.cli", "serve", "--host", HOST, "--port",
             str(machine.port), "--workers", str(self.server_workers), "--no-background"],
            self.env(machine), log,
        )  # fmt: skip
        wait_for_port(machine.port, machine.server, log, 90)

    def start_worker(self, machine: Machine) -> None:
        log = self.folder / f"{machine.name}-worker.log"
        machine.worker = self._spawn(
            [sys.executable, "-m", "accord.cli", "worker"], self.env(machine), log
        )

    def start_nginx(self, static_root: Path) -> None:
        free_port(self.port)
        run = self.folder / "nginx"
        run.mkdir(exist_ok=True)
        config = nginx_config(
            run, f"{HOST}:{self.port}", [f"{HOST}:{m.port}" for m in self.machines], static_root
        )
        self.nginx = start_nginx(config, run / "stdout.log")
        wait_for_port(self.port, self.nginx, run / "error.log", 10)

    def start(self, organizations: int) -> None:
        """Everything, in order; stops what was started if a step fails."""
        try:
            say(f"PostgreSQL on {HOST}:{self.pg_port} ...")
            self.start_postgres()
            if not (self.folder / "seeded").exists():
                self.seed(organizations)
            static_root = self.collect_static()
            for machine in self.machines:
                say(f"{machine.name}: accord serve on {HOST}:{machine.port} and accord worker")
                self.start_server(machine)
                self.start_worker(machine)
            self.start_nginx(static_root)
        except BaseException:
            self.stop()
            raise

    def kill_group(self, process: subprocess.Popen | None) -> None:
        """SIGKILL the process and everything in its group, as a machine that dies would."""
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def _stop(self, process: subprocess.Popen | None) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_group(process)

    def stop(self) -> None:
        self._stop(self.nginx)
        for machine in self.machines:
            self._stop(machine.server)
            self._stop(machine.worker)
        self.stop_postgres()


def grow_directory(organizations: int) -> None:
    """Child process: the benchmark data set's organizations and people, as
    benchmarks/directory.py seeds them, into the database of DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from benchmarks import directory
    from benchmarks.directory import Report, Seeder

    if not directory.DATA.is_dir():
        say(f"No reference data at {directory.DATA}: generated organizations only.")
    from accord.directory.models import Organization

    seeder = Seeder(Report(as_json=True), people_per_org=2)
    from accord.directory.models import Tag

    seeder.used.update(Organization.objects.values_list("name", flat=True))
    seeder.tags.update(Tag.objects.values_list("name", "id"))
    seeder.count = len(seeder.used)
    seeder.grow_to(organizations)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="the deployment's folder (kept); default: new")
    parser.add_argument("--port", type=int, default=18400, help="nginx; servers take the next")
    parser.add_argument("--pg-port", type=int, default=18410)
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--no-install", action="store_true", help="never run apt")
    parser.add_argument("--grow-directory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grow_directory:
        grow_directory(args.grow_directory)
        return 0
    install_missing(not args.no_install)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="accord-cluster-"))
    cluster = Cluster(folder.resolve(), port=args.port, pg_port=args.pg_port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    cluster.start(args.organizations)
    try:
        say(f"Accord is at {cluster.url}/ (sign in as {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]});")
        say(f"files and logs in {folder}. Ctrl-C stops everything.")
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        say("Stopping ...")
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
