"""The `accord` command: thin, dispatching to services and Django management commands.

Machine output goes to stdout with `--json`; progress and messages go to stderr.

Every command imports Accord's modules inside its body, after `setup_django()`: models cannot
be imported before Django is set up, and `accord --help` stays fast without them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from accord.finance_cli import finance_app
from accord.scouting_cli import index_app, scout_app
from accord.ventures_cli import ventures_app

if TYPE_CHECKING:
    from accord.accounts.models import User

app = typer.Typer(
    help="Accord: run strategic partnerships from strategy to scale-up or exit.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
partnerships_app = typer.Typer(help="Partnerships in the pipeline.", no_args_is_help=True)
gaps_app = typer.Typer(help="Capability gaps.", no_args_is_help=True)
mcda_app = typer.Typer(
    help="Multi-criteria calculator: rank alternatives, derive weights by AHP.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(partnerships_app, name="partnerships")
app.add_typer(gaps_app, name="gaps")
app.add_typer(mcda_app, name="mcda")
metrics_app = typer.Typer(help="KPI values, targets and costs.", no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")
report_app = typer.Typer(help="Reports: the board pack.", no_args_is_help=True)
app.add_typer(report_app, name="report")
review_app = typer.Typer(help="The quarterly portfolio review.", no_args_is_help=True)
relationships_app = typer.Typer(
    help="Interactions and connections: import them.", no_args_is_help=True
)
app.add_typer(review_app, name="review")
app.add_typer(relationships_app, name="relationships")
survey_app = typer.Typer(help="Two-sided health checks of a partnership.", no_args_is_help=True)
app.add_typer(survey_app, name="survey")
app.add_typer(scout_app, name="scout")
app.add_typer(index_app, name="index")
app.add_typer(finance_app, name="finance")
app.add_typer(ventures_app, name="ventures")

err = Console(stderr=True)
MIGRATION_LOCK_KEY = 0x61636364  # any fixed number; PostgreSQL advisory locks are per database


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)


def migrate(verbosity: int = 0) -> None:
    """Apply migrations; two commands started at once on a new install (the server and its
    worker, say) take turns instead of both creating the same tables."""
    from django.core.management import call_command

    with _migration_lock():
        call_command("migrate", interactive=False, verbosity=verbosity)


@contextmanager
def _migration_lock() -> Iterator[None]:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        return
    import fcntl

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    with (Path(settings.DATA_DIR) / "migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def cli_actor(username: str | None) -> Any:
    """The user a command acts as: the one named, or the built-in `system` account.

    The system account is the command line's documented actor: whoever runs `accord` on the
    server is trusted as an administrator. It is inactive in the database, so nobody can sign
    in with it or use a token of it; within this process it acts as the administrator it is,
    and the services authorize it through the policy like anyone else.
    """
    from accord.accounts.models import User
    from accord.accounts.services import system_account

    if username:
        # The acting user is who the command is run as: no one to ask a policy for yet.
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            fail(f"no active user {username!r} (see `accord users create`)")
        return user
    user = system_account()
    user.is_active = True  # never saved
    return user


def resolve_organization(actor: User, ref: str) -> Any:
    """An organization by id or `SOURCE:EXTERNAL_ID`."""
    from accord.directory.selectors import organization_by_reference

    found = organization_by_reference(actor, ref)
    if found is None:
        fail(f"no organization {ref!r} (give its id or SOURCE:EXTERNAL_ID)")
    return found


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 7,
) -> None:
    """Migrate, load the generated demo data and serve on 127.0.0.1."""
    setup_django()
    from accord.core.audit import audit_channel
    from accord.demo.directory import DEMO_PASSWORD, DEMO_USERNAME
    from accord.demo.loading import load_demo

    migrate()
    with audit_channel("cli"):
        summary = load_demo(seed=seed, progress=True)
        summary.update(_scouting_demo())
    err.print(f"Demo data: {summary}")
    url = f"http://127.0.0.1:{port}/"
    err.print(
        f"Open [bold]{url}[/bold] and sign in as [bold]{DEMO_USERNAME}[/bold] / "
        f"[bold]{DEMO_PASSWORD}[/bold] (other roles: see README)."
    )
    if serve_after:
        # A fresh process serves: this one loaded the model and ran its threads, and a server
        # forked from it would inherit them half-made (a query encoder with no thread).
        from django.db import connections

        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        serve_command = [sys.executable, "-m", "accord.cli", "serve", "--port", str(port)]
        os.execv(sys.executable, serve_command)  # noqa: S606 (this interpreter, fixed arguments)


def _scouting_demo() -> dict[str, Any]:
    """Index the demo directory when the model is installed, then save two demo scans."""
    from accord.demo.scouting import load_scouting_demo
    from accord.scouting import embeddings
    from accord.scouting.indexing import refresh

    if embeddings.available():
        from rich.progress import Progress

        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("Indexing organizations for scouting", total=None)
            refresh(progress=lambda done, total: bar.update(task, completed=done, total=total))
    else:
        err.print(embeddings.unavailable_reason(), markup=False)
    return load_scouting_demo()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    background: Annotated[
        bool,
        typer.Option(
            "--background/--no-background",
            help="Also run the background worker (see `accord worker`).",
        ),
    ] = True,
) -> None:
    """Serve an existing database (migrations are applied first, and the static files collected
    when they changed)."""
    setup_django()
    migrate()
    collect_static()
    err.print(f"Serving on http://{host}:{port}/")
    run_server(host, port, workers=workers, background=background)


@app.command()
def worker(
    batch: Annotated[bool, typer.Option("--batch", help="Run what is queued, then stop.")] = False,
    child: Annotated[bool, typer.Option("--child", hidden=True)] = False,
    parent: Annotated[int | None, typer.Option("--parent", hidden=True)] = None,
) -> None:
    """Run background work (the scouting index refresh), started again if it stops.

    `accord serve` runs it beside the web server."""
    setup_django()
    from django.core.management import call_command

    from accord.core import worker as background

    if batch:
        migrate()
        call_command("db_worker", batch=True, reload=False, interval=0, startup_delay=False)
    elif child:
        background.run_child()
    else:
        migrate()
        from django.db import connections

        connections.close_all()  # the supervisor keeps no connection while its children run
        background.supervise(background.child_command(), watch_parent=parent)


def _warm_up_in_background(worker: Any) -> None:
    import threading

    from accord.scouting.matching import warm_up

    threading.Thread(target=warm_up, name="scouting-warm-up", daemon=True).start()


@app.command("collect-static")
def collect_static_command() -> None:
    """Collect the static files (with content-hashed names, compressed) into ACCORD_STATIC_DIR
    (default ACCORD_DATA_DIR/static) if they changed since the last time; `accord serve` does
    it too. Several servers may share the folder, and nginx serve it."""
    setup_django()
    collect_static()


def collect_static() -> None:
    import time

    from accord.core.static_files import collect_if_changed, collected_up_to_date

    if collected_up_to_date():
        return
    from django.conf import settings

    root = Path(settings.STATIC_ROOT)
    if root.exists() and not os.access(root, os.W_OK):
        err.print(
            f"The static files in {root} are out of date, and this process may not write "
            "there: run `accord collect-static` where it may. Serving them as they are."
        )
        return
    started = time.monotonic()
    with err.status("Collecting the static files (after an install or upgrade only)"):
        collect_if_changed()
    err.print(f"Static files collected in {time.monotonic() - started:.0f} s.")


def run_server(host: str, port: int, *, workers: int, background: bool = True) -> None:
    import atexit
    import gc
    import subprocess

    from gunicorn.app.base import BaseApplication

    from accord.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            # No access log: RequestLogMiddleware writes one JSON line per request.
            self.cfg.set("post_worker_init", _warm_up_in_background)

        def load(self) -> Any:
            return application

    if background:
        helper = subprocess.Popen(
            [sys.executable, "-m", "accord.cli", "worker", "--parent", str(os.getpid())]
        )

        def stop_helper() -> None:
            # The server is the last to go: a process manager that sees it exit may assume
            # that everything it started has stopped.
            helper.terminate()
            try:
                helper.wait(timeout=20)
            except subprocess.TimeoutExpired:
                helper.kill()
                helper.wait()

        atexit.register(stop_helper)
    from django.db import connections

    connections.close_all()  # no connection is inherited by the forked workers
    # What the app loaded is kept for the server's life: out of the garbage collector's
    # reach, every collection in a worker scans only what requests made.
    gc.freeze()
    Server().run()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run any Django management command: accord manage ARGS..."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord manage", *ctx.args])


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[
        str, typer.Option(help="admin, executive, manager, contributor, viewer or partner.")
    ],
    organization: Annotated[
        str | None, typer.Option(help="Partner users: organization id or SOURCE:EXTERNAL_ID.")
    ] = None,
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new user as JSON.")] = False,
) -> None:
    """Create a user with a role (an administrator's first step on a new install)."""
    setup_django()
    from django.core.exceptions import ValidationError

    from accord.accounts.services import user_create
    from accord.core.audit import audit_channel

    migrate()
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    actor = cli_actor(None)
    org = resolve_organization(actor, organization) if organization else None
    try:
        with audit_channel("cli"):
            user = user_create(
                actor=actor,
                username=username,
                role=role,
                password=password,
                email=email,
                organization=org,
            )
    except ValidationError as error:
        fail(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            if hasattr(error, "error_dict")
            else " ".join(error.messages)
        )
    if as_json:
        print(
            json.dumps(
                {
                    "id": user.pk,
                    "username": user.username,
                    "role": user.role,
                    "organization": org.pk if org else None,
                }
            )
        )
    else:
        err.print(f"Created {user.username} ({user.get_role_display()}).")


@tokens_app.command("create")
def tokens_create(
    username: str,
    name: Annotated[str, typer.Option(help="A name to recognise the token by.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help='Print {"token": "..."}.')] = False,
) -> None:
    """Create a personal API token for a user; the token is printed once."""
    setup_django()
    from accord.accounts.selectors import user_named
    from accord.accounts.services import token_create
    from accord.core.audit import audit_channel

    migrate()
    actor = cli_actor(None)
    user = user_named(actor, username)
    if user is None:
        fail(f"no user {username!r}")
    with audit_channel("cli"):
        _, raw = token_create(actor=actor, user=user, name=name)
    print(json.dumps({"token": raw}) if as_json else raw)


ACTOR_HELP = "Read as this user (default: the built-in system account, an administrator)."


def reading_actor(username: str | None) -> Any:
    """The user a read acts as (see cli_actor)."""
    return cli_actor(username)


@partnerships_app.command("list")
def partnerships_list(
    stage: Annotated[str | None, typer.Option(help="Only partnerships at this stage.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list: id, title, type, stage, parties...")
    ] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """List the partnerships the actor may see, by title, with their parties."""
    setup_django()
    from accord.partnerships import selectors
    from accord.partnerships.models import Stage

    if stage is not None and stage not in Stage.values:
        fail(f"unknown stage {stage!r}; use one of: {', '.join(Stage.values)}")
    migrate()
    rows = selectors.partnership_list(reading_actor(actor)).qs.order_by("title", "id")
    if stage is not None:
        rows = rows.filter(stage=stage)
    items = [_partnership_row(partnership) for partnership in rows]
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    _print_table(
        ["id", "title", "type", "stage", "partners", "owner", "next review"],
        [
            [
                item["id"],
                item["title"],
                item["type"],
                item["stage"],
                ", ".join(f"{p['name']} ({p['role']})" for p in item["parties"]),
                item["owner"] or "",
                item["next_review_date"] or "",
            ]
            for item in items
        ],
        empty="No partnerships.",
    )


def _partnership_row(partnership: Any) -> dict[str, Any]:
    return {
        "id": partnership.pk,
        "title": partnership.title,
        "type": partnership.type,
        "stage": partnership.stage,
        "stage_version": partnership.stage_version,
        "parties": [
            {"id": party.organization_id, "name": party.organization.name, "role": party.role}
            for party in partnership.visible_parties
        ],
        "owner": partnership.owner.get_username() if partnership.owner else None,
        "next_review_date": (
            partnership.next_review_date.isoformat() if partnership.next_review_date else None
        ),
    }


@gaps_app.command("coverage")
def gaps_coverage(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of gaps with their coverage.")
    ] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Open capability gaps with their coverage by partnerships, most exposed first."""
    setup_django()
    from accord.partnerships.coverage import gap_coverage

    migrate()
    items = [row.as_dict() for row in gap_coverage(reading_actor(actor))]
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    _print_table(
        ["gap", "priority", "importance", "status", "coverage", "exposure", "partnerships"],
        [
            [
                item["title"],
                item["priority"]["title"],
                item["importance"],
                item["status"],
                f"{item['coverage']:.0%}",
                item["exposure"],
                item["partnerships"],
            ]
            for item in items
        ],
        empty="No capability gaps.",
    )


def _print_table(columns: list[str], rows: list[list[Any]], *, empty: str) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        err.print(empty)
        return
    table = Table(*columns, highlight=False)
    for row in rows:
        table.add_row(*(Text(str(value)) for value in row))
    Console().print(table)


IMPORT_HELP = """Import organizations or people from a CSV, XLSX or JSON Lines (.jsonl) file.

KIND is `organizations` or `people`. Every row is validated first; when any row fails nothing
is written (unless --skip-invalid) and the exit status is 1. Usage errors exit with 2.

Columns map to fields by their header (name, kind, country, city, website, founded_year,
size_band, stage, one_liner, description, tags, id; for people full_name or first_name and
last_name, email, title, organization, phone, relation, is_internal, linkedin_url, country,
city, notes, tags, id), or explicitly with --map "Company name=name". Map a column to
`external_id:SOURCE` to store it as an external id, or to `-` to ignore it.

A --mapping FILE is JSON: {"columns": {"Company name": "name", "HQ": "city", "Ticker":
"external_id:ticker", "Internal notes": "-"}}.

Presets (--preset) for known sources imply --source: yc (Y Combinator directory), ror
(Research Organization Registry), sp500 (S&P 500 constituents).

With --json, stdout is one JSON object: {"created", "updated", "unchanged", "errors": [{"row",
"column", "message"}], "possible_duplicates": [{"row", "name", "reason", "existing_id",
"existing_name", "other_row"}], ...}. Rows are numbered as a spreadsheet shows them (the
header is row 1).
"""


@app.command("import", help=IMPORT_HELP)
def import_(
    kind: Annotated[str, typer.Argument(help="organizations or people.")],
    file: Annotated[Path, typer.Argument(help="A .csv, .xlsx or .jsonl file.")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="SOURCE_COLUMN=FIELD; repeat for more columns."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help='A saved JSON mapping: {"columns": {"COLUMN": "field"}}.')
    ] = None,
    preset: Annotated[str | None, typer.Option(help="A built-in mapping: yc, ror, sp500.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Store the file's id column as an external id of SOURCE.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="The CSV's text encoding (detected when not given).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the valid rows, skip the bad ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option(help="The user to record as making the change (default: system).")
    ] = None,
) -> None:
    setup_django()
    from accord.core.audit import audit_channel
    from accord.directory.importing.engine import ImportOptions, import_file
    from accord.directory.importing.errors import ImportUsageError
    from accord.directory.importing.mapping import load_mapping_file, parse_map_options

    try:
        columns = load_mapping_file(kind, mapping) if mapping else {}
        columns.update(parse_map_options(kind, map_ or []))
        options = ImportOptions(
            kind=kind,
            columns=columns,
            preset=preset,
            source=source,
            encoding=encoding,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
        options.check()
    except (ImportUsageError, KeyError) as error:
        fail(str(error).strip("'\""))
    if not file.is_file():
        fail(f"no file {str(file)!r}")
    migrate()
    user = cli_actor(actor)
    try:
        with audit_channel("import"), _import_progress() as progress:
            result = import_file(file, actor=user, options=options, progress=progress)
    except ImportUsageError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        _print_import_summary(result)
    if result.errors:
        raise typer.Exit(1)


@metrics_app.command("import")
def metrics_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option(help="The user to record as making the change (default: system).")
    ] = None,
) -> None:
    """Import KPI values: columns partnership (id or exact title), kpi (name), date, value, and
    optionally currency, attribution (sourced or influenced) and note. Every row is checked
    first; a file with any bad row writes nothing, and each problem names its row and column.
    With --json, stdout is {"rows", "written", "errors": [{"row", "column", "message"}]}."""
    setup_django()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress

    from accord.core.audit import audit_channel
    from accord.metrics.importing import check, import_observations

    if not file.is_file():
        fail(f"no file {str(file)!r}")
    migrate()
    user = cli_actor(actor)
    with audit_channel("import"):
        if dry_run:
            result = check(actor=user, path=file)
        else:
            bar = Progress("{task.description}", BarColumn(), MofNCompleteColumn(), console=err,
                           transient=True)  # fmt: skip
            with bar:
                task = bar.add_task("Writing values", total=None)
                result = import_observations(actor=user, path=file,
                                             progress=lambda n: bar.advance(task, n))  # fmt: skip
    if as_json:
        print(json.dumps({"rows": result.rows, "written": result.written,
                          "errors": [e.as_dict() for e in result.errors]}))  # fmt: skip
    else:
        for error in result.errors[:200]:
            err.print(f"  x {error}", markup=False, highlight=False)
        if result.errors:
            err.print(f"Refused, nothing written: {len(result.errors)} problem(s) in "
                      f"{result.rows} row(s).")  # fmt: skip
        elif dry_run:
            err.print(f"Dry run: all {result.rows} row(s) are valid; nothing written.")
        else:
            err.print(f"Imported {result.written} value(s).")
    if result.errors:
        raise typer.Exit(1)


@metrics_app.command("kpis")
def metrics_kpis(
    as_json: Annotated[bool, typer.Option("--json", help="Print the library as JSON.")] = False,
    actor: Annotated[str | None, typer.Option("--as", "--actor", help=ACTOR_HELP)] = None,
) -> None:
    """The KPI library: each definition's category, unit, direction, how a quarter adds its
    values up, and the portfolio figure it feeds."""
    setup_django()
    from accord.metrics import selectors

    migrate()
    items: list[dict[str, Any]] = [
        {"id": k.pk, "name": k.name, "category": k.category, "unit": k.unit,
         "money": k.is_money, "benefit": k.is_benefit, "direction": k.direction,
         "aggregation": k.aggregation, "figure": k.figure, "joint": k.is_joint,
         "active": k.is_active} for k in selectors.kpi_rows(reading_actor(actor))
    ]  # fmt: skip
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    _print_table(
        ["id", "name", "category", "unit", "direction", "quarter", "figure", "in ROI"],
        [[k["id"], k["name"] + ("" if k["active"] else " (retired)"), k["category"], k["unit"],
          k["direction"], k["aggregation"], k["figure"] or "-", "yes" if k["benefit"] else ""]
         for k in items],
        empty="No KPI is defined yet: add them under Metrics → KPIs or POST /api/v1/kpis.",
    )  # fmt: skip


@metrics_app.command("scorecard")
def metrics_scorecard(
    partnership: Annotated[int, typer.Option(help="The partnership's id.")],
    quarters: Annotated[int, typer.Option(help="How many quarters, up to this one.", min=1)] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
    actor: Annotated[str | None, typer.Option("--as", "--actor", help=ACTOR_HELP)] = None,
) -> None:
    """A partnership's KPIs quarter by quarter, actual against target (money in the base
    currency), and its ROI with the formula."""
    setup_django()
    from accord.metrics import selectors

    migrate()
    user = reading_actor(actor)
    found = _survey_partnership(user, partnership)
    lines = selectors.scorecard(user, found, count=quarters)
    roi = selectors.roi(user, found)
    items: list[dict[str, Any]] = [{"kpi": line.kpi.name, "unit": line.unit,
              "quarters": [{"quarter": c.label, "actual": _number(c.actual),
                            "target": _number(c.target), "met": c.met, "problem": c.problem}
                           for c in line.cells]} for line in lines]  # fmt: skip
    if as_json:
        print(json.dumps({"partnership": found.title, "kpis": items,
                          "roi": {"ratio": _number(roi.ratio), "formula": roi.formula,
                                  "problems": roi.problems}}, ensure_ascii=False))  # fmt: skip
        return

    def cell(value: dict[str, Any]) -> str:
        if value["actual"] is None and value["target"] is None:
            return "-"
        mark = {True: " ok", False: " !", None: ""}[value["met"]]
        target = f" / {value['target']:,.0f}" if value["target"] is not None else ""
        actual = (
            f"{value['actual']:,.2f}".rstrip("0").rstrip(".")
            if value["actual"] is not None
            else "-"
        )
        return f"{actual}{target}{mark}"

    labels = [q["quarter"] for q in items[0]["quarters"]] if items else []
    _print_table(["KPI", "unit", *labels],
                 [[i["kpi"], i["unit"], *(cell(q) for q in i["quarters"])] for i in items],
                 empty=f"No KPI value or target of {found.title} yet.")  # fmt: skip
    err.print(roi.formula, markup=False, highlight=False)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


@report_app.command("board")
def report_board(
    quarter: Annotated[str, typer.Option(help="The quarter, e.g. 2026Q3.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .pdf or .html to write.")],
    actor: Annotated[str | None, typer.Option(help="Whose view (default: system).")] = None,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Draw it as it stood at the end of a day: 2026-10-15.")
    ] = "",
) -> None:
    """The board pack of a quarter: the portfolio, pipeline, exposed gaps, KPIs, health and
    perception gaps, pilots decided, top escalations and the decisions needed; as a PDF (or
    HTML when the output ends in .html). With --as-of, the same figures as on that day,
    whatever was recorded or changed since."""
    setup_django()
    from django.core.exceptions import ValidationError

    from accord.metrics import periods
    from accord.portfolio import boardpack

    try:
        start = periods.parse(quarter)
        moment = boardpack.as_of_day(as_of)
    except ValidationError as error:
        fail(" ".join(error.messages))
    if output.suffix.lower() not in (".pdf", ".html"):
        fail(f"write the pack to a .pdf or a .html file, not {output.name!r}")
    migrate()
    with err.status(f"Drawing the board pack of {quarter}"):
        pack = boardpack.build(reading_actor(actor), start, as_of=moment)
        body = (
            boardpack.html(pack).encode()
            if output.suffix.lower() == ".html"
            else boardpack.pdf(pack)
        )
    output.write_bytes(body)
    note = " (the quarter has no data; the pack says so)" if pack.empty else ""
    err.print(f"Wrote {output} ({len(body) / 1024:,.0f} KB){note}.")


def _review_rows(review: Any, actor: Any) -> list[dict[str, Any]]:
    from accord.core.policy import visible_to
    from accord.portfolio.models import ReviewItem

    items = visible_to(actor, ReviewItem).filter(review=review).select_related("partnership")
    return [
        {"id": i.pk, "partnership": i.partnership.title, "recommendation": i.recommendation,
         "rule": i.rule, "evidence": i.evidence, "decision": i.decision}
        for i in items.order_by("partnership__title")
    ]  # fmt: skip


def _print_review(label: str, rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"review": label, "items": rows}, ensure_ascii=False))
        return
    _print_table(
        ["partnership", "recommends", "because", "decided"],
        [
            [
                r["partnership"],
                r["recommendation"],
                "; ".join(r["evidence"]) or "no rule fired",
                r["decision"] or "",
            ]
            for r in rows
        ],
        empty="No partnership was reviewed.",
    )


@review_app.command("run")
def review_run(
    quarter: Annotated[str, typer.Option(help="The quarter, e.g. 2026Q3.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Run a quarter's review (once): each active partnership's recommendation, the rule that
    fired and its evidence."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from accord.portfolio import services

    migrate()
    user = cli_actor(actor)
    try:
        review = services.review_run(actor=user, quarter=quarter)
    except ValidationError as error:
        fail(" ".join(error.messages))
    except PermissionDenied as refused:
        fail(str(refused))
    _print_review(str(review), _review_rows(review, user), as_json)


@review_app.command("show")
def review_show(
    quarter: Annotated[str, typer.Option(help="The quarter, e.g. 2026Q3.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Show a quarter's review with its recommendations and the decisions taken."""
    setup_django()
    from django.core.exceptions import ValidationError

    from accord.core.policy import visible_to
    from accord.metrics import periods
    from accord.portfolio.models import Review

    try:
        start = periods.parse(quarter)
    except ValidationError as error:
        fail(" ".join(error.messages))
    migrate()
    user = reading_actor(actor)
    review = visible_to(user, Review).filter(quarter=start).first()
    if review is None:
        fail(f"no review of {quarter} (run it with `accord review run --quarter {quarter}`)")
    _print_review(str(review), _review_rows(review, user), as_json)


SURVEY_FLAGS = {"closes_at": "--closes", "ours": "--ours", "theirs": "--theirs",
                "title": "--title"}  # fmt: skip


def _survey_partnership(actor: Any, partnership_id: int) -> Any:
    from accord.partnerships.selectors import partnerships_visible

    found = partnerships_visible(actor).filter(pk=partnership_id).first()
    if found is None:
        fail(f"no partnership {partnership_id} that {actor.get_username()} may see")
    return found


def _site(given: str | None) -> str:
    """Where the survey links point: --site, ACCORD_SITE_URL, else the first trusted origin."""
    from django.conf import settings

    site = (given or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")).strip().rstrip("/")
    if not site.startswith(("http://", "https://")):
        fail("give the address people open Accord at, for the links: --site "
             "https://accord.example.com (or set ACCORD_SITE_URL)")  # fmt: skip
    return site


@survey_app.command("open")
def survey_open(
    partnership: Annotated[int, typer.Option(help="The partnership's id.")],
    closes: Annotated[int, typer.Option(help="Days the links work, 1 to 60.")] = 14,
    share_results: Annotated[
        bool,
        typer.Option(
            "--share-results",
            help="Show the results to the partner's users (never "
            "who answered, never our comments).",
        ),
    ] = False,
    title: Annotated[str | None, typer.Option(help='Default: "2026Q4 health check".')] = None,
    ours: Annotated[
        list[str] | None,
        typer.Option(
            "--ours",
            help="An address of ours to ask; repeat it. Default: the "
            "partnership's owner, sponsor and team.",
        ),
    ] = None,
    theirs: Annotated[
        list[str] | None,
        typer.Option(
            "--theirs",
            help="An address of the partner's to ask; repeat it. "
            "Default: the partner users of its parties.",
        ),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(
            envvar="ACCORD_SITE_URL",
            help="The address people open Accord at, for "
            "the links (default: the first of ACCORD_CSRF_TRUSTED_ORIGINS).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the round as JSON.")] = False,
    actor: Annotated[
        str | None,
        typer.Option("--as", "--actor", help="Act as this user (default: system)."),
    ] = None,
) -> None:
    """Open a health check: e-mail each person asked a link that works once, until it closes.
    Nothing is saved when any message cannot be sent."""
    setup_django()
    import datetime as dt

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.urls import reverse
    from django.utils import timezone

    from accord.metrics import periods, surveys

    if closes < 1:
        fail(f"--closes: give the days the links work, 1 to {surveys.MAX_DAYS} (not {closes})")
    migrate()
    user = cli_actor(actor)
    found = _survey_partnership(user, partnership)
    base = _site(site) + reverse("metrics:survey_answer")
    default_ours, default_theirs = surveys.default_respondents(found)
    quarter = periods.label(periods.quarter_of(timezone.localdate()))
    try:
        survey = surveys.round_open(
            actor=user, partnership=found, title=title or f"{quarter} health check",
            closes_at=timezone.now() + dt.timedelta(days=closes),
            ours=ours or default_ours, theirs=theirs or default_theirs,
            link_for=lambda raw: f"{base}?token={raw}", share_results=share_results,
        )  # fmt: skip
    except PermissionDenied as refused:
        fail(str(refused))
    except ValidationError as error:
        fail("; ".join(f"{SURVEY_FLAGS.get(name, name)}: {' '.join(messages)}"
                       for name, messages in error.message_dict.items()))  # fmt: skip
    asked = survey.respondents.count()
    if as_json:
        print(json.dumps({"id": survey.pk, "partnership": found.pk, "title": survey.title,
                          "closes_at": survey.closes_at.isoformat(), "asked": asked,
                          "results_shared": survey.results_shared}))  # fmt: skip
    shared = "; its results are shared with the partner" if survey.results_shared else ""
    err.print(f"Sent “{survey.title}” to {asked} people, until "
              f"{survey.closes_at:%Y-%m-%d %H:%M} UTC{shared}.", markup=False)  # fmt: skip


def _decimal(value: Any) -> str | None:
    return None if value is None else str(value)


def _round_row(result: Any) -> dict[str, Any]:
    survey = result.survey
    return {
        "id": survey.pk, "title": survey.title, "created_at": survey.created_at.isoformat(),
        "closes_at": survey.closes_at.isoformat(), "results_shared": survey.results_shared,
        "asked": result.asked, "answered": result.answered, "ours": _decimal(result.ours),
        "theirs": _decimal(result.theirs), "gap": _decimal(result.gap),
        "questions": [{"question": q.question.value, "ours": _decimal(q.ours),
                       "theirs": _decimal(q.theirs), "gap": _decimal(q.gap),
                       "comments": [{"side": side, "text": text} for side, text in q.comments]}
                      for q in result.questions],
    }  # fmt: skip


@survey_app.command("results")
def survey_results(
    partnership: Annotated[int, typer.Option(help="The partnership's id.")],
    rounds: Annotated[int, typer.Option(help="How many of the latest rounds.", min=1)] = 4,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the rounds as JSON, with the comments.")
    ] = False,
    actor: Annotated[str | None, typer.Option("--as", "--actor", help=ACTOR_HELP)] = None,
) -> None:
    """The latest health checks: each side's average per question, and the gap (ours minus
    the partner's; above zero we see it rosier than they do)."""
    setup_django()
    from accord.metrics import selectors

    migrate()
    user = reading_actor(actor)
    found = _survey_partnership(user, partnership)
    latest = list(selectors.survey_rows(user).filter(partnership=found)[:rounds])
    items = [_round_row(result) for result in selectors.round_results(user, latest)]
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    rows = []
    for item in items:
        answered = item["answered"]
        label = (f"{item['title']} ({item['created_at'][:10]}; answered {answered.get('ours', 0)}"
                 f"+{answered.get('partner', 0)})")  # fmt: skip
        for question in item["questions"]:
            rows.append([label, question["question"], question["ours"] or "-",
                         question["theirs"] or "-", question["gap"] or "-"])  # fmt: skip
            label = ""
        rows.append(["", "overall", item["ours"] or "-", item["theirs"] or "-", item["gap"] or "-"])
    _print_table(["round", "question", "ours", "theirs", "gap"], rows,
                 empty=f"No health check of {found.title} yet.")  # fmt: skip


def _print_relationship_import(result: Any, as_json: bool, dry_run: bool, what: str) -> None:
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        for error in result.errors[:200]:
            err.print(f"  x {error}", markup=False, highlight=False)
        for line in result.skipped[:50]:
            err.print(f"  - {line}", markup=False, highlight=False)
        if result.unmatched:
            err.print(f"Not in the directory, left out: {', '.join(result.unmatched[:30])}"
                      + (" ..." if len(result.unmatched) > 30 else ""),
                      markup=False, highlight=False)  # fmt: skip
        if result.errors:
            err.print(f"Refused, nothing written: {len(result.errors)} problem(s).")
        elif dry_run:
            err.print(f"Dry run: {result.entries} {what} checked; nothing written.")
        else:
            err.print(f"{result.entries} {what}: {result.created} added, {result.updated} "
                      "recorded again or connected.")  # fmt: skip
    if result.errors:
        raise typer.Exit(1)


@relationships_app.command("refresh")
def relationships_refresh() -> None:
    """Read every connection's strength again. Shared interactions count less as they age
    (half every 180 days); run it daily (cron or a systemd timer) to keep paths current."""
    setup_django()
    from accord.relationships.services import refresh_all_scores

    migrate()
    with err.status("Reading every connection's strength again"):
        done = refresh_all_scores()
    err.print(f"{done:,} connection(s) read again.")


@relationships_app.command("import-calendar")
def relationships_import_calendar(
    file: Annotated[Path, typer.Argument(help="An .ics file, as calendar tools export it.")],
    start: Annotated[str, typer.Option("--from", help="First day (default: a year ago).")] = "",
    end: Annotated[str, typer.Option("--to", help="Last day (default: today).")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help="Who records them (default: system).")] = None,
) -> None:
    """Interactions from a calendar: each event (each occurrence of a recurring one, between
    --from and --to) that someone in the directory attended, matched by e-mail. Importing the
    same calendar again updates them. A broken event refuses the file, naming it."""
    setup_django()
    import datetime as dt

    from accord.core.audit import audit_channel
    from accord.relationships.importing import import_calendar, window_of

    if not file.is_file():
        fail(f"no file {str(file)!r}")
    try:
        days = [dt.date.fromisoformat(d) if d else None for d in (start, end)]
    except ValueError:
        fail(f"--from and --to are days such as 2026-01-31, not {start!r} / {end!r}")
    if days[0] and days[1] and days[0] > days[1]:
        fail("--from comes after --to")
    migrate()
    with audit_channel("import"):
        result = import_calendar(actor=cli_actor(actor), path=file,
                                 window=window_of(days[0], days[1]), dry_run=dry_run)  # fmt: skip
    _print_relationship_import(result, as_json, dry_run, "occurrence(s)")


def _import_for_owner(
    importer: Any, file: Path, owner: str, actor: str | None, *, dry_run: bool
) -> Any:
    """Run a connections import for the one person with the e-mail `owner`."""
    from accord.core.audit import audit_channel
    from accord.relationships.selectors import people_with_email

    if not file.is_file():
        fail(f"no file {str(file)!r}")
    migrate()
    user = cli_actor(actor)
    found = people_with_email(user, owner)
    if len(found) != 1:
        fail(f"{'no one' if not found else 'several people'} in the directory with the e-mail "
             f"{owner!r}")  # fmt: skip
    with audit_channel("import"):
        return importer(actor=user, path=file, owner=found[0], dry_run=dry_run)


@relationships_app.command("import-connections")
def relationships_import_connections(
    file: Annotated[Path, typer.Argument(help="A connections export (.csv).")],
    owner: Annotated[str, typer.Option(help="Whose connections: their e-mail in the directory.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help="Who records them (default: system).")] = None,
) -> None:
    """Connections of one of our people from a connections export (First Name, Last Name,
    Email Address, Company, Position, Connected On). People are found by e-mail, else by name
    at the same company, else added as contacts; a name shared by several is refused."""
    setup_django()
    from accord.relationships.importing import import_connections

    result = _import_for_owner(import_connections, file, owner, actor, dry_run=dry_run)
    _print_relationship_import(result, as_json, dry_run, "connection(s)")


@relationships_app.command("import-vcards")
def relationships_import_vcards(
    file: Annotated[Path, typer.Argument(help="An address book (.vcf, vCard 2.1, 3.0 or 4.0).")],
    owner: Annotated[str, typer.Option(help="Whose contacts: their e-mail in the directory.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help="Who records them (default: system).")] = None,
) -> None:
    """Connections of one of our people from an address book: each card's person is found by
    any of its e-mails, else by name at its organization (ORG), else added as a contact. A
    card without a name, or whose e-mails are those of different people, refuses the file."""
    setup_django()
    from accord.relationships.importing import import_vcards

    result = _import_for_owner(import_vcards, file, owner, actor, dry_run=dry_run)
    _print_relationship_import(result, as_json, dry_run, "card(s)")


@relationships_app.command("import-interactions")
def relationships_import_interactions(
    file: Annotated[Path, typer.Argument(help="A .csv file of interactions, one a row.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help="Who records them (default: system).")] = None,
) -> None:
    """Interactions from a spreadsheet with a header row: Date and Title, Attendees (e-mails
    separated by ;) and optionally Kind, Organizations, Partnership (ids or names), Summary,
    Sentiment, Follow-ups, Executive, Private (yes/no) and External ID. A row no one in the
    directory attended is left out; an External ID imported before updates its interaction. A
    broken row refuses the file, naming its line and column."""
    setup_django()
    from accord.core.audit import audit_channel
    from accord.relationships.importing import import_interactions

    if not file.is_file():
        fail(f"no file {str(file)!r}")
    migrate()
    with audit_channel("import"):
        result = import_interactions(actor=cli_actor(actor), path=file, dry_run=dry_run)
    _print_relationship_import(result, as_json, dry_run, "row(s)")


@app.command("intros")
def intros(
    to: Annotated[
        str, typer.Option("--to", help="The organization: its id or SOURCE:EXTERNAL_ID.")
    ],
    top: Annotated[int, typer.Option(help="How many paths.", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the paths as JSON.")] = False,
    actor: Annotated[str | None, typer.Option("--as", "--actor", help=ACTOR_HELP)] = None,
) -> None:
    """Who can introduce us: the strongest paths of at most three hops from our employees, board
    members, investors and advisors to the organization's people. With --json, stdout is a
    list of {"strength", "links", "people": [{"id", "name", "organization", "ours"}]}, empty
    when there is none."""
    setup_django()
    from accord.relationships.paths import introductions

    migrate()
    user = reading_actor(actor)
    organization = resolve_organization(user, to)
    found = introductions(organization=organization, top=top)
    items = [path.as_dict() for path in found.paths]
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    if not items:
        closest = ", ".join(f"{p.full_name} ({n} link{'s' if n != 1 else ''})"
                            for p, n in found.closest)  # fmt: skip
        err.print(f"No introduction path to {organization.name} within three hops."
                  + (f" Best connected there: {closest}." if closest else ""),
                  markup=False, highlight=False)  # fmt: skip
        return
    _print_table(["strength", "path"], [
        [item["strength"], " -> ".join(
            f"{p['name']}" + (f" ({p['organization']})" if p["organization"] else "")
            for p in item["people"])]
        for item in items
    ], empty="")  # fmt: skip


@app.command("optimize")
def optimize(
    budget: Annotated[float, typer.Option(help="Money to spend.", min=0)],
    capacity: Annotated[float, typer.Option(help="FTE the candidates may commit.", min=0)],
    require: Annotated[
        list[str] | None, typer.Option(help="An option to include (play:ID, pilot:ID, ...).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    actor: Annotated[str | None, typer.Option(help=ACTOR_HELP)] = None,
) -> None:
    """Which plays, planned pilots and candidates to fund under a budget and a team capacity,
    maximising the importance-weighted coverage of the gaps still uncovered."""
    setup_django()
    from accord.portfolio.optimizer import optimise
    from accord.portfolio.selectors import optimizer_inputs

    migrate()
    inputs = optimizer_inputs(reading_actor(actor))
    plan = optimise(inputs.options, inputs.weights, budget=budget, capacity=capacity,
                    required=require or [])  # fmt: skip
    if plan.problem:
        fail(plan.problem)
    chosen = [{"key": o.key, "title": o.title, "cost": o.cost, "fte": o.fte,
               "adds": plan.adds.get(o.key)} for o in plan.chosen]  # fmt: skip
    if as_json:
        print(json.dumps({"value": plan.value, "possible": sum(inputs.weights.values()),
                          "cost": plan.cost, "fte": plan.fte, "chosen": chosen,
                          "binding": plan.binding}))  # fmt: skip
        return
    _print_table(["option", "cost", "FTE", "adds"],
                 [[c["title"], f"{c['cost']:,.0f}", f"{c['fte']:g}",
                   "" if c["adds"] is None else f"{c['adds']:.1f}"] for c in chosen],
                 empty="Nothing fits within these limits.")  # fmt: skip
    err.print(f"Covers {plan.value:.1f} of {sum(inputs.weights.values()):.1f}; "
              f"binding: {', '.join(plan.binding) or 'nothing'}.")  # fmt: skip


@app.command("purge-uploads")
def purge_uploads(
    hours: Annotated[
        int | None,
        typer.Option(help="Age in hours; ACCORD_UPLOAD_RETENTION_HOURS when not given.", min=0),
    ] = None,
) -> None:
    """Delete import uploads never confirmed (uploads past the age are also deleted on the
    next upload)."""
    setup_django()
    from accord.directory.importing.uploads import purge_abandoned

    err.print(f"Deleted {purge_abandoned(hours=hours)} abandoned upload(s).")


@app.command("backup")
def backup_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="The archive to write.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """A consistent snapshot of the database and every uploaded file in one archive, taken
    while Accord keeps serving; `accord restore` brings it back."""
    setup_django()
    from accord.core.backup import BackupError, backup

    # Not migrated first: a backup taken before an upgrade must restore into the old version.
    try:
        with err.status("Backing up") as status:
            manifest = backup(output, progress=status.update)
    except BackupError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(manifest.as_dict()))
    err.print(f"Wrote {output}: {manifest.rows:,} rows in {len(manifest.tables)} tables, "
              f"{len(manifest.files) - 1:,} uploaded file(s).")  # fmt: skip


@app.command("restore")
def restore_command(
    archive: Annotated[Path, typer.Argument(help="An archive `accord backup` wrote.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Restore a backup into an empty database and media folder (a new install, before any
    other command). The whole archive is checked first; anything wrong changes nothing."""
    setup_django()
    from accord.core.backup import BackupError, restore

    try:
        with err.status("Restoring") as status:
            manifest = restore(archive, progress=status.update)
    except BackupError as error:
        fail(str(error))
    if as_json:
        print(json.dumps(manifest.as_dict()))
    err.print(f"Restored {manifest.rows:,} rows in {len(manifest.tables)} tables and "
              f"{len(manifest.files) - 1:,} uploaded file(s) from {archive} "
              f"(made {manifest.created_at} by Accord {manifest.accord_version}).")  # fmt: skip


@contextmanager
def _import_progress() -> Iterator[Any]:
    """A rich progress bar on stderr, shown once a write passes a few thousand rows."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task: list[Any] = []

    def report(what: str, done: int, total: int) -> None:
        if total < 5000:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(what, total=total))
        bar.update(task[0], completed=done)

    try:
        yield report
    finally:
        if task:
            bar.stop()


def _print_import_summary(result: Any) -> None:
    for error in result.errors[:200]:
        err.print(f"  x {error}", markup=False, highlight=False)
    if len(result.errors) > 200:
        err.print(f"  ... and {len(result.errors) - 200} more (use --json for all)")
    for dup in result.possible_duplicates[:50]:
        other = (
            f"organization {dup.existing_id} {dup.existing_name!r}"
            if dup.existing_id
            else f"row {dup.other_row}"
        )
        err.print(f"  ? row {dup.row} {dup.name!r} looks like {other}: {dup.reason}", markup=False)
    if result.dry_run:
        head = "Dry run, nothing written; would have"
    elif result.written:
        head = "Imported"
    else:
        head = "Refused, nothing written; the valid rows would have"
    err.print(
        f"{head} created {result.created}, updated {result.updated}, unchanged"
        f" {result.unchanged} {result.kind}; {result.refused_rows} row(s) refused;"
        f" {len(result.possible_duplicates)} possible duplicate(s).",
        markup=False,
    )


MCDA_RANK_HELP = """Rank alternatives by TOPSIS or weighted sum, from a JSON file.

FILE holds {"matrix": [[...], ...] (a row per alternative, a column per criterion),
"weights": [...], "types": [1 benefit or -1 cost, ...], "method": "topsis" (default) or "wsm",
"normalization": "vector" or "minmax" (default: vector for TOPSIS, minmax for wsm),
"alternatives": a list of names (optional)}. Weights not summing to 1 are divided by their sum,
with a notice. With --json, stdout is {"scores": [...], "ranking": [...], ...}, per alternative
in input order; rank 1 is best and equal scores share a rank. A bad file exits with 2.
"""

MCDA_AHP_HELP = """Weights from an AHP pairwise comparison matrix in a JSON file.

FILE holds {"pairwise": [[...], ...] (a_ij: how much more i than j on Saaty's 1/9..9 scale;
numbers or "1/3"), "random_index": "saaty" (default), "saaty-2005" or "donegan-dodd",
"elements": a list of names (optional)}. With --json, stdout is {"weights", "lambda_max",
"ci", "cr", "consistent", "most_inconsistent", ...}; a CR above 0.10 is flagged, naming the
comparison that departs most from the weights. A bad file exits with 2.
"""


def _mcda_refuse(message: str) -> None:
    """Like fail(), kept on one line however long: these messages name keys, rows, columns."""
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(2)


@mcda_app.command("rank", help=MCDA_RANK_HELP)
def mcda_rank(
    file: Annotated[Path, typer.Argument(help="A JSON file: matrix, weights, types, method.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    from accord.screening import mcda

    try:
        request = mcda.rank_input_from_json(mcda.load_json_file(file))
        result = mcda.rank(
            request.matrix,
            request.weights,
            request.types,
            method=request.method,
            normalization=request.normalization,
        )
    except ValueError as error:
        _mcda_refuse(str(error))
    for notice in result.notices:
        err.print(f"note: {notice}", markup=False, soft_wrap=True)
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    names = request.alternatives or [str(index) for index in range(len(result.scores))]
    order = sorted(range(len(names)), key=lambda index: (result.ranking[index], index))
    _print_table(
        ["rank", "alternative", "score"],
        [[result.ranking[i], names[i], f"{result.scores[i]:.4f}"] for i in order],
        empty="No alternatives.",
    )
    err.print(
        f"{request.method.upper()}, {result.normalization} normalization; weights "
        + ", ".join(f"{weight:.3f}" for weight in result.weights),
        markup=False,
        soft_wrap=True,
    )


@mcda_app.command("ahp", help=MCDA_AHP_HELP)
def mcda_ahp(
    file: Annotated[Path, typer.Argument(help="A JSON file: pairwise, random_index.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    from accord.screening import mcda

    try:
        request = mcda.ahp_input_from_json(mcda.load_json_file(file))
        result = mcda.ahp(request.pairwise, random_index=request.random_index)
    except ValueError as error:
        _mcda_refuse(str(error))
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    names = request.elements or [str(index) for index in range(len(result.weights))]
    _print_table(
        ["element", "weight"],
        [[name, f"{weight:.4f}"] for name, weight in zip(names, result.weights, strict=True)],
        empty="No elements.",
    )
    verdict = "consistent" if result.consistent else "INCONSISTENT (CR above 0.10)"
    Console().print(
        f"lambda_max {result.lambda_max:.4f}, CI {result.ci:.4f}, CR {result.cr:.4f}"
        f" (RI {result.random_index:g}, {result.table}): {verdict}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    worst = result.most_inconsistent
    if worst is not None and not result.consistent:
        Console().print(
            f"Most inconsistent: {names[worst.row]} vs {names[worst.column]} (row {worst.row},"
            f" column {worst.column}) = {worst.value:.4g}; the weights imply {worst.implied:.4g}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def main() -> None:
    # The ranking and sensitivity maths are small matrix products: OpenBLAS's worker threads
    # only spin against the web workers for the cores, measured slower (benchmarks/screening.py).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    app()


if __name__ == "__main__":
    main()
