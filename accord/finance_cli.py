"""`accord finance`: the venture returns calculator (IRR, MOIC, TVPI, DPI, RVPI) from a JSON
file of dated cash flows. It sits beside `accord.cli`, above the apps, and needs no database:
the maths is `accord.ventures.returns`, which the pages and the API call too."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from accord.ventures.returns import Returns

finance_app = typer.Typer(
    help="Venture returns: IRR, MOIC, TVPI, DPI and RVPI from dated cash flows.",
    no_args_is_help=True,
)
err = Console(stderr=True)

RETURNS_HELP = """IRR, MOIC, TVPI, DPI and RVPI of dated cash flows in a JSON file.

FILE holds {"cash_flows": [{"date": "YYYY-MM-DD", "amount": number}, ...] (negative = paid in,
positive = received; any order), "nav": number and "as_of": "YYYY-MM-DD" (both or neither: the
residual value and the day it was measured)}. Flows after as_of are left out; the NAV counts
as a final flow received on as_of for the IRR. The IRR is XIRR, actual/365 fixed. With --json,
stdout is {"irr", "moic", "tvpi", "dpi", "rvpi"}, null where undefined, and the reasons go to
stderr. A bad file exits with 2.
"""


def _refuse(message: str) -> NoReturn:
    """One line on stderr naming the problem, exit code 2 (kept whole however long)."""
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(2)


def _read(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _refuse(f"no file {str(path)!r}")
    except IsADirectoryError:
        _refuse(f"{str(path)!r} is a folder, not a JSON file")
    except (OSError, UnicodeDecodeError) as error:
        _refuse(f"cannot read {str(path)!r}: {error}")
    try:
        # Amounts as Decimal: money stays exact (0.1 + 0.2 paid in is 0.3).
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        _refuse(f"{path.name} is not JSON: {error.msg} at line {error.lineno} column {error.colno}")
    except RecursionError:
        _refuse(f"{path.name} is nested too deeply to be a file of cash flows")


@finance_app.command("returns", help=RETURNS_HELP)
def finance_returns(
    file: Annotated[Path, typer.Argument(help="A JSON file: cash_flows, and nav with as_of.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    from accord.ventures import returns

    try:
        given = returns.returns_input_from_json(_read(file))
        result = returns.returns(given.flows, nav=given.nav, as_of=given.as_of)
    except ValueError as error:
        _refuse(str(error))
    for notice in given.notices:
        err.print(f"note: {notice}", markup=False, highlight=False, soft_wrap=True)
    if as_json:
        for line in (*result.undefined.values(), *result.notes):
            err.print(f"note: {line}", markup=False, highlight=False, soft_wrap=True)
        print(json.dumps(result.figures()))
        return
    _print_returns(result)


def _print_returns(result: Returns) -> None:
    from rich.table import Table

    from accord.ventures.returns import DEFINITIONS, FIGURES, NAMES

    table = Table(title="Returns (XIRR, actual/365)", show_lines=True)
    for column in ("figure", "value", "what it means"):
        table.add_column(column, overflow="fold")
    for name in FIGURES:
        value = getattr(result, name)
        meaning = escape(DEFINITIONS[name])
        if value is None:
            meaning += f"\n[bold]{escape(result.undefined.get(name, 'undefined'))}[/bold]"
        table.add_row(NAMES[name], _shown(name, value), meaning)
    out = Console()
    out.print(table)
    nav = f"NAV {result.nav:,} on {result.as_of}" if result.as_of else "no NAV"
    out.print(
        f"{result.flows_counted} cash flow(s): paid in {result.paid_in:,}, "
        f"distributed {result.distributed:,}; {nav}.",
        markup=False,
        highlight=False,
    )
    for note in result.notes:
        out.print(f"Note: {note}.", markup=False, highlight=False)


def _shown(name: str, value: float | None) -> str:
    if value is None:
        return "undefined"
    if name == "irr":
        return f"{value:.2%}"
    return f"{value:.2f}x"
