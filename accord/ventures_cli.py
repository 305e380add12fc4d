"""`accord ventures`: the venture portfolio from the command line — import a ledger of cash
flows and marks. It sits beside `accord.cli`, above the apps; as there, modules are imported
inside each command, after Django is set up, and the helpers come from `accord.cli` at call
time, as `accord.cli` imports this module to register its commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

ventures_app = typer.Typer(
    help="The venture portfolio: import cash flows and marks.", no_args_is_help=True
)

IMPORT_HELP = (
    "Import the cash flows and marks of FILE (.csv or .xlsx), a row each.\n\n"
    "Columns: Fund (the fund's name; not needed with --fund), Company (the investment, by its "
    "company's name in the fund; Round tells two apart), Kind (capital call, investment, "
    "distribution, fee or mark), Date (YYYY-MM-DD), Amount (positive; a mark's fair value), "
    "Currency (empty: the fund's, a mark's investment's), Method (a mark's: at cost, price of "
    "the last round, comparable multiples, discounted cash flow, written down, other) and "
    "Note.\n\n"
    "Every row is checked by the same rules as the pages; a file with any bad row writes "
    'nothing, and each problem names its row and column. With --json, stdout is {"rows", '
    '"cash_flows", "marks", "written", "dry_run", "errors": [{"row", "column", '
    '"message"}]}. Exits with 1 when anything was refused, 2 when the command was asked '
    "wrongly."
)


@ventures_app.command("import", help=IMPORT_HELP)
def ventures_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file.")],
    fund: Annotated[
        str | None, typer.Option(help="The fund every row belongs to (its name).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option(help="The user to record as making the change (default: system).")
    ] = None,
) -> None:
    from accord.cli import cli_actor, err, fail, migrate, setup_django

    setup_django()
    from django.core.exceptions import PermissionDenied
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from accord.core.audit import audit_channel
    from accord.ventures import selectors
    from accord.ventures.importing import import_ledger

    if not file.is_file():
        fail(f"no file {str(file)!r}")
    migrate()
    user = cli_actor(actor)
    chosen = None
    if fund is not None:
        chosen = selectors.fund_rows(user).filter(name__iexact=fund.strip()).first()
        if chosen is None:
            fail(f"no fund {fund!r} (its name, as the fund page shows it)")
    bar = Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=err, transient=True)  # fmt: skip
    task: list[Any] = []

    def advance(done: int, total: int) -> None:
        if total < 500:  # a short file is done before a bar could be read
            return
        if not task:
            bar.start()
            task.append(bar.add_task("Checking and recording rows", total=total))
        bar.update(task[0], completed=done)

    try:
        with audit_channel("import"):
            result = import_ledger(actor=user, path=file, fund=chosen, dry_run=dry_run,
                                   progress=advance)  # fmt: skip
    except PermissionDenied:
        fail(f"{user.get_username()} may not change venture data")
    finally:
        if task:
            bar.stop()
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    _print_summary(result, err)
    if result.errors:
        raise typer.Exit(1)


def _print_summary(result: Any, err: Any) -> None:
    for error in result.errors[:200]:
        err.print(f"  x {error}", markup=False, highlight=False, soft_wrap=True)
    if len(result.errors) > 200:
        err.print(f"  ... and {len(result.errors) - 200} more", highlight=False)
    counts = f"{result.cash_flows} cash flow(s) and {result.marks} mark(s)"
    if result.errors:
        err.print(f"Refused, nothing written: {len(result.errors)} problem(s) in "
                  f"{result.rows} row(s).", highlight=False)  # fmt: skip
    elif result.dry_run:
        err.print(f"Dry run: all {result.rows} row(s) are valid ({counts}); nothing written.",
                  highlight=False)  # fmt: skip
    else:
        err.print(f"Imported {counts}.", highlight=False)
