"""`accord scout` and `accord index`: find partners from the command line, measure the ranking,
and build the meaning index. It sits beside `accord.cli`, above the apps. As there, modules
are imported inside each command, after Django is set up; the helpers come from `accord.cli`
at call time, as `accord.cli` imports this module to register its commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup


class _QueryByDefault(TyperGroup):
    """`accord scout "TEXT"` runs `accord scout query "TEXT"`; `evaluate` stays a command."""

    # typer's base class names the click Context it bundles and does not export.
    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["query", *args]
        return super().parse_args(ctx, args)


scout_app = typer.Typer(
    cls=_QueryByDefault,
    help='Find organizations for a need: accord scout "TEXT" [--top K] [--mode ...] --json; '
    "accord scout evaluate FILE.json.",
    no_args_is_help=True,
)
index_app = typer.Typer(
    help="The meaning (embedding) index that scouting searches.", no_args_is_help=True
)

MODE_HELP = "hybrid (words and meaning, fused), lexical (words) or semantic (meaning)."


@scout_app.command("query")
def scout_query(
    text: Annotated[str, typer.Argument(help="What you are looking for, in plain words.")],
    top: Annotated[int, typer.Option(help="How many organizations (1-200).")] = 20,
    mode: Annotated[str, typer.Option(help=MODE_HELP)] = "hybrid",
    kind: Annotated[list[str] | None, typer.Option(help="Only this kind (repeatable).")] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Only this ISO country code (repeatable).")
    ] = None,
    stage: Annotated[list[str] | None, typer.Option(help="Only this stage (repeatable).")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Only with this tag slug.")] = None,
    founded_from: Annotated[int | None, typer.Option(help="Founded in or after.")] = None,
    founded_to: Annotated[int | None, typer.Option(help="Founded in or before.")] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print a JSON list of {id, source, external_id, name, band, score, reasons}.",
        ),
    ] = False,
    actor: Annotated[str | None, typer.Option(help="Search as this user.")] = None,
) -> None:
    """Organizations best matching TEXT, each with why it was found."""
    from accord.cli import err, fail, migrate, reading_actor, setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from accord.directory.organization_filter import OrganizationCriteria
    from accord.scouting.matching import scout

    migrate()
    try:
        filters = OrganizationCriteria.from_data(
            {
                "kind": kind,
                "country": country,
                "stage": stage,
                "tag": tag,
                "founded_from": founded_from,
                "founded_to": founded_to,
            }
        )
        result = scout(text, user=reading_actor(actor), mode=mode, top=top, filters=filters)
    except ValidationError as error:
        fail(_messages(error))
    for notice in result.notices:
        err.print(f"[yellow]note:[/yellow] {escape(notice)}", highlight=False)
    if result.items and result.unmatched:
        unmatched = ", ".join(result.unmatched)
        err.print(f"[yellow]note:[/yellow] no result contains {escape(unmatched)}", highlight=False)
    items = [match.as_json() for match in result.items]
    if as_json:
        print(json.dumps(items, ensure_ascii=False))
        return
    _print_results(items, result.mode)


def _messages(error: Any) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    return " ".join(error.messages)


def _print_results(items: list[dict[str, Any]], mode: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not items:
        console.print("No organization matches.")
        return
    table = Table(title=f"Scouting ({mode})", show_lines=True)
    for column in ("#", "organization", "match (score)", "why"):
        table.add_column(column, overflow="fold")
    for position, item in enumerate(items, start=1):
        reasons = item["reasons"]
        why = ", ".join(reasons["terms"]) or "close in meaning"
        match = f"{item['band']}\n({item['score']:.3f})"
        table.add_row(str(position), item["name"], match, f"{why}\n{reasons['sentence']}")
    console.print(table)


@scout_app.command("evaluate")
def scout_evaluate(
    file: Annotated[Path, typer.Argument(help="Relevance file (queries with relevant orgs).")],
    mode: Annotated[
        list[str] | None, typer.Option(help="Modes to measure (default: all three).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """nDCG@10, recall@50 and MRR of each mode over the file's queries, side by side."""
    from accord.cli import err, fail, migrate, reading_actor, setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from accord.scouting.evaluation import evaluate, load_relevance
    from accord.scouting.matching import MODES

    modes = mode or list(MODES)
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        fail(f"unknown mode {', '.join(unknown)}; use {', '.join(MODES)}")
    migrate()
    try:
        queries = load_relevance(file)
    except ValidationError as error:
        fail(_messages(error))
    missing = sum(q["missing"] for q in queries)
    if missing:
        err.print(f"note: {missing} relevant organizations of the file are not in the directory")
    user = reading_actor(None)
    scores = []
    for name in modes:
        score = evaluate(queries, mode=name, user=user)
        if score.ran_as != name:
            err.print(f"note: {name} ran as {score.ran_as} (see `accord index status`)")
        scores.append(score)
    if as_json:
        print(
            json.dumps(
                {
                    "queries": len(queries),
                    "modes": {
                        s.mode: {
                            "ran_as": s.ran_as,
                            "ndcg_at_10": s.ndcg_at_10,
                            "recall_at_50": s.recall_at_50,
                            "mrr": s.mrr,
                            "per_query": s.per_query,
                        }
                        for s in scores
                    },
                }
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{file.name}: {len(queries)} queries")
    for column in ("mode", "nDCG@10", "recall@50", "MRR"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for s in scores:
        label = s.mode if s.ran_as == s.mode else f"{s.mode} (ran as {s.ran_as})"
        table.add_row(label, f"{s.ndcg_at_10:.3f}", f"{s.recall_at_50:.3f}", f"{s.mrr:.3f}")
    Console().print(table)


@index_app.command("build")
def index_build(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Encode every organization again.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Encode new and changed organizations (all of them with --rebuild or a new model)."""
    from accord.cli import err, fail, migrate, setup_django

    setup_django()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from accord.scouting.indexing import IndexUnavailable, refresh

    migrate()
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            task = bar.add_task("Encoding organizations", total=None)

            def report(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = refresh(rebuild=rebuild, progress=report)
    except IndexUnavailable as error:
        fail(str(error))
    figures = {
        "model": result.model,
        "organizations": result.organizations,
        "encoded": result.encoded,
        "unchanged": result.unchanged,
        "seconds": round(result.seconds, 2),
        "per_second": round(result.rate, 1),
        "rebuilt": result.rebuilt,
    }
    if as_json:
        print(json.dumps(figures))
        return
    err.print(
        f"Encoded {result.encoded:,} organizations ({result.rate:,.0f}/s), "
        f"{result.unchanged:,} unchanged; {result.organizations:,} in the directory."
    )


@index_app.command("status")
def index_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Whether meaning search is available, how much of the directory is indexed, and whether
    the background worker that refreshes it is running."""
    from accord.cli import migrate, reading_actor, setup_django

    setup_django()
    from accord.core.worker import worker_status
    from accord.scouting.indexing import status

    migrate()
    figures = status()
    worker = worker_status(reading_actor(None))
    if as_json:
        figures["built_at"] = figures["built_at"].isoformat() if figures["built_at"] else None
        print(json.dumps({**figures, "worker": worker.as_json()}))
        return
    if figures["reason"]:
        print(figures["reason"])
    print(
        f"Model {figures['model']}: {figures['embedded']:,} of {figures['organizations']:,} "
        f"organizations embedded" + ("" if figures["built"] else " (never built)") + "."
    )
    print(_describe_worker(worker))


def _describe_worker(worker: Any) -> str:
    queue = f"{worker.due} task(s) due, {worker.queued} waiting"
    if worker.heartbeat is None:
        return f"Background worker: never started (accord worker); {queue}."
    state = "running" if worker.alive else "NOT RESPONDING"
    restarts = f", {worker.heartbeat.restarts} restart(s)" if worker.heartbeat.restarts else ""
    return (
        f"Background worker: {state}, last heartbeat {worker.seconds_since_beat} s ago"
        f" (pid {worker.heartbeat.pid}{restarts}); {queue}."
    )
