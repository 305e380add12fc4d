"""Cash flows and marks of a fund from a spreadsheet (CSV or XLSX, read by the directory's
readers): one ledger, a row per movement of money or per valuation, as a fund administrator's
quarterly statement lists them. Every row is written through the services, so it is checked
and audited exactly as one entered on a page; a file with any bad row writes nothing, and
every problem names its row and column as the spreadsheet shows them.

Columns (any case; `Type` is read as Kind, `Fair value` as Amount):

- `Fund` — the fund's name; optional when the import is given its fund (the fund page,
  `--fund`), and then a row naming another fund is refused.
- `Company` — the investment, by its company's name within the fund; `Round` tells two
  investments in one company apart. Empty for the fund's own capital calls and fees.
- `Kind` — capital call, investment, distribution, fee, or mark (a fair value).
- `Date`, `Amount` (positive: the Kind says which way the money went; a mark's fair value).
- `Currency` — empty for the fund's currency (a mark: the investment's).
- `Method` — a mark's valuation method (at cost, price of the last round...).
- `Note`.

The rows are written in one transaction, each in a savepoint so that a row the services
refuse is reported and the next one still checked; when any row fails, the whole transaction
is rolled back. A venture ledger has hundreds of rows, not the directory's hundred thousands:
one transaction holds the database's write lock for well under a second per thousand rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from accord.accounts.models import User
from accord.core import policy
from accord.directory.importing.errors import RowError
from accord.directory.importing.readers import SourceRow, read_table
from accord.ventures import selectors, services
from accord.ventures.models import CashFlow, Fund, Investment, Mark

COLUMNS = ("Fund", "Company", "Round", "Kind", "Date", "Amount", "Currency", "Method", "Note")
REQUIRED = ("Kind", "Date", "Amount")
ALIASES = {"type": "kind", "fair value": "amount", "value": "amount", "investment": "company",
           "notes": "note", "valuation method": "method"}  # fmt: skip
MARK = "mark"
MARK_WORDS = {"mark", "fair value", "valuation"}
# Where a service's refusal of a field shows in the file.
FIELD_COLUMNS = {"fund": "Fund", "investment": "Company", "kind": "Kind", "on": "Date",
                 "amount": "Amount", "fair_value": "Amount", "currency": "Currency",
                 "method": "Method", "note": "Note"}  # fmt: skip
Progress = Callable[[int, int], Any]  # (rows done, rows in all)


@dataclass
class Result:
    rows: int = 0
    cash_flows: int = 0
    marks: int = 0
    written: bool = False
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        counted = self.written or (self.dry_run and not self.errors)
        return {
            "rows": self.rows,
            "cash_flows": self.cash_flows if counted else 0,
            "marks": self.marks if counted else 0,
            "written": self.written,
            "dry_run": self.dry_run,
            "errors": [error.as_dict() for error in self.errors],
        }


def _key(header: str) -> str:
    words = re.sub(r"[\s_\-]+", " ", header.strip().casefold())
    return ALIASES.get(words, words)


def _choices(choices: Any) -> dict[str, str]:
    """A choice's value by its value or its label, either in any case."""
    found = {str(value).casefold(): str(value) for value in choices.values}
    found.update({str(label).casefold(): str(value) for value, label in choices.choices})
    return found


def _labels(choices: Any, last: str = "or") -> str:
    labels = [str(label) for label in choices.labels]
    return f"{', '.join(labels[:-1])} {last} {labels[-1]}"


KINDS = {**_choices(CashFlow.Kind), **dict.fromkeys(MARK_WORDS, MARK)}
KIND_LABELS = f"{', '.join(str(label) for label in CashFlow.Kind.labels)} or mark"
METHODS = _choices(Mark.Method)
ROUNDS = _choices(Investment.Round)


class _Lookups:
    """The funds and investments the actor may see, read once."""

    def __init__(self, actor: User, fund: Fund | None) -> None:
        self.fund = fund
        self.funds = {f.name.casefold(): f for f in selectors.fund_rows(actor)}
        self.investments: dict[tuple[int, str], list[Investment]] = {}
        for investment in selectors.investment_rows(actor):
            key = (investment.fund_id, investment.organization.name.casefold())
            self.investments.setdefault(key, []).append(investment)

    def fund_of(self, name: str) -> Fund | str:
        if not name:
            if self.fund is None:
                return "is empty: name the fund (or import into one fund with --fund)."
            return self.fund
        found = self.funds.get(name.casefold())
        if found is None:
            known = ", ".join(f"“{f.name}”" for f in list(self.funds.values())[:10])
            return f"no fund “{name}”; the funds are {known or 'none yet'}."
        if self.fund is not None and found != self.fund:
            return f"this file is imported into “{self.fund}”, not “{found}”."
        return found

    def investment_of(self, fund: Fund, company: str, round_: str) -> Investment | str:
        held = self.investments.get((fund.pk, company.casefold()), [])
        if not held:
            return f"“{fund}” has no investment in “{company}” (the company's directory name)."
        if round_:
            held = [i for i in held if i.round == ROUNDS.get(round_.casefold())]
            if not held:
                return f"“{fund}” has no {round_} investment in “{company}”."
        if len(held) > 1:
            which = "; ".join(f"{i.get_round_display()} of {i.invested_on}" for i in held)
            return (f"“{fund}” holds {len(held)} investments in “{company}” ({which}): "
                    "say which in a Round column.")  # fmt: skip
        return held[0]


@dataclass
class _Planned:
    row: int
    kind: str  # a CashFlow.Kind, or MARK
    data: dict[str, Any]


class _Row:
    """One source row being checked: its cells by column, and what is wrong with it."""

    def __init__(self, source: SourceRow, headers: Mapping[str, str]) -> None:
        self.number = source.number
        self.headers = headers  # column key → the file's own header
        self.cells = {key: (source.values.get(header) or "").strip()
                      for key, header in headers.items()}  # fmt: skip
        self.errors: list[RowError] = []

    def get(self, column: str) -> str:
        return self.cells.get(column.casefold(), "")

    def fail(self, column: str | None, message: str) -> None:
        shown = self.headers.get(column.casefold(), column) if column else None
        self.errors.append(RowError(self.number, shown, message))


def _kind(row: _Row) -> str | None:
    text = row.get("Kind")
    kind = KINDS.get(text.casefold()) if text else None
    if kind is None:
        given = f"“{text}” is not a kind" if text else "is empty"
        row.fail("Kind", f"{given}: use {KIND_LABELS}.")
    return kind


def _day(row: _Row) -> dt.date | None:
    text = row.get("Date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        row.fail("Date", f"“{text}” is not a date such as 2026-03-31." if text else "is empty.")
        return None


def _amount(row: _Row, kind: str | None) -> Decimal | None:
    text = row.get("Amount")
    try:
        amount = Decimal(re.sub(r"[,\s_]", "", text))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        row.fail("Amount", f"“{text}” is not a number." if text else "is empty.")
        return None
    if amount < 0:
        what = "a fair value" if kind == MARK else "the Kind says which way the money went"
        row.fail("Amount", f"{text} is negative: give it as a positive number ({what}).")
        return None
    return amount


def _method(row: _Row, kind: str | None) -> str:
    text = row.get("Method")
    if kind is None:
        return ""
    if kind != MARK:
        if text:
            label = CashFlow.Kind(kind).label
            row.fail("Method", f"only a mark has a valuation method; leave it empty for a {label}.")
        return ""
    method = METHODS.get(text.casefold()) if text else None
    if method is None:
        given = f"“{text}” is not a valuation method" if text else "a mark needs its method"
        row.fail("Method", f"{given}: use {_labels(Mark.Method)}.")
    return method or ""


def _plan(row: _Row, look: _Lookups) -> _Planned | None:
    kind, day = _kind(row), _day(row)
    amount, method = _amount(row, kind), _method(row, kind)
    fund = look.fund_of(row.get("Fund"))
    if isinstance(fund, str):
        row.fail("Fund", fund)
        return None
    company, investment = row.get("Company"), None
    if company:
        found = look.investment_of(fund, company, row.get("Round"))
        if isinstance(found, str):
            row.fail("Company", found)
            return None
        investment = found
    elif kind == MARK:
        row.fail("Company", "a mark needs the company whose investment it values.")
    if row.errors or kind is None:
        return None
    currency = row.get("Currency") or (investment.currency if kind == MARK and investment
                                       else fund.currency)  # fmt: skip
    note = row.get("Note")
    data: dict[str, Any]
    if kind == MARK:
        data = {"investment": investment, "on": day, "fair_value": amount,
                "currency": currency, "method": method, "note": note}  # fmt: skip
    else:
        data = {"fund": fund, "investment": investment, "kind": kind, "on": day,
                "amount": amount, "currency": currency, "note": note}  # fmt: skip
    return _Planned(row.number, kind, data)


def _header_keys(headers: list[str]) -> tuple[dict[str, str], list[RowError]]:
    """The file's headers by column key, and what is missing or said twice."""
    found: dict[str, str] = {}
    errors = []
    for header in headers:
        key = _key(header)
        if key in found:
            errors.append(
                RowError(1, header, f"“{found[key]}” and “{header}” are the same column.")
            )
        found[key] = header
    missing = [name for name in REQUIRED if name.casefold() not in found]
    if missing:
        errors.append(RowError(1, None, f"missing column(s): {', '.join(missing)}; the columns "
                               f"are {', '.join(COLUMNS)}."))  # fmt: skip
    return found, errors


def _record(actor: User, plan: _Planned) -> None:
    if plan.kind == MARK:
        services.mark_record(actor=actor, data=plan.data)
    else:
        services.cash_flow_record(actor=actor, data=plan.data)


def _refusals(row: int, error: ValidationError, kind: str) -> list[RowError]:
    problems = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS:
                                                                        error.messages}  # fmt: skip
    found = []
    for name, messages in problems.items():
        column = FIELD_COLUMNS.get(name)
        if name == NON_FIELD_ERRORS and kind == MARK:
            column = "Date"  # a mark's one rule across fields: one per investment and day
        found += [RowError(row, column, message) for message in messages]
    return found


def import_ledger(
    *, actor: User, path: Path, fund: Fund | None = None, name: str | None = None,
    dry_run: bool = False, progress: Progress | None = None,
) -> Result:  # fmt: skip
    """Check every row of the file at `path` (called `name` in messages) and record its cash
    flows and marks, all of them or, when any row is refused, none; `fund` is the fund the
    rows belong to when the file has no Fund column. With `dry_run`, nothing is kept."""
    policy.require(actor, policy.VENTURES_CHANGE)
    table = read_table(path, name=name)
    result = Result(rows=len(table.rows), errors=list(table.errors), dry_run=dry_run)
    if table.fatal:
        return result
    headers, problems = _header_keys(table.headers)
    if problems:
        result.errors += problems
        return result
    if fund is None and "fund" not in headers:
        result.errors.append(RowError(1, None, "the file has no Fund column: add one or "
                                      "import into one fund (--fund NAME)."))  # fmt: skip
        return result
    look = _Lookups(actor, fund)
    with transaction.atomic():
        for done, source in enumerate(table.rows, start=1):
            row = _Row(source, headers)
            plan = _plan(row, look)
            result.errors += row.errors
            if plan is not None:
                _try(actor, plan, result)
            if progress is not None:
                progress(done, len(table.rows))
        result.errors.sort(key=lambda e: e.row or 0)
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
    return result


def _try(actor: User, plan: _Planned, result: Result) -> None:
    """Record one planned row in a savepoint: a refused row leaves nothing behind it."""
    try:
        with transaction.atomic():
            _record(actor, plan)
    except ValidationError as error:
        result.errors += _refusals(plan.row, error, plan.kind)
        return
    if plan.kind == MARK:
        result.marks += 1
    else:
        result.cash_flows += 1
