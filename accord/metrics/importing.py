"""KPI values from a spreadsheet (CSV or XLSX, read by the directory's readers): every row is
checked first, and a file with any bad row writes nothing; each problem names its row and
column as the spreadsheet shows them.

Columns: `partnership` (id or exact title), `kpi` (name), `date`, `value`, and optionally
`currency` (money KPIs), `attribution` (sourced or influenced) and `note`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy
from accord.core.bulk import db_value, insert_rows
from accord.core.models import AuditEvent
from accord.directory.importing.errors import RowError
from accord.directory.importing.readers import SourceRow, read_table
from accord.metrics import selectors
from accord.metrics.models import Kpi, Observation
from accord.metrics.money import CURRENCY, Rates, usable_errors
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnerships_visible

REQUIRED = ("partnership", "kpi", "date", "value")
OPTIONAL = ("currency", "attribution", "note")
ATTRIBUTIONS = {"": "", "sourced": "sourced", "partner-sourced": "sourced",
                "influenced": "influenced", "partner-influenced": "influenced"}  # fmt: skip


@dataclass
class Planned:
    row: int
    partnership: Partnership
    kpi: Kpi
    day: dt.date
    value: Decimal
    currency: str
    attribution: str
    note: str


@dataclass
class Result:
    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)


class _Lookups:
    """Partnerships the actor may record for, and KPIs in use, read once."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        visible = list(partnerships_visible(actor))
        self.by_id = {str(p.pk): p for p in visible}
        self.by_title: dict[str, list[Partnership]] = {}
        for partnership in visible:
            self.by_title.setdefault(partnership.title.casefold(), []).append(partnership)
        self.kpis = {k.name.casefold(): k for k in selectors.kpi_rows(actor)}
        self.rates = Rates()
        self.changeable: dict[int, bool] = {}

    def partnership(self, ref: str) -> Partnership | str:
        found = self.by_id.get(ref) or None
        if found is None:
            titled = self.by_title.get(ref.casefold(), [])
            if len(titled) > 1:
                return f"{len(titled)} partnerships are titled “{ref}”: give the id."
            found = titled[0] if titled else None
        if found is None:
            return f"no partnership “{ref}” (an id or the exact title)."
        if found.pk not in self.changeable:
            self.changeable[found.pk] = policy.can_change_partnership(self.actor, found)
        if not self.changeable[found.pk]:
            return f"you may not record values of “{found.title}” (not on its team)."
        return found


def _row(source: SourceRow, look: _Lookups, today: dt.date) -> Planned | list[RowError]:
    get = {name: (source.values.get(name) or "").strip() for name in (*REQUIRED, *OPTIONAL)}
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(source.number, column, message))

    partnership = look.partnership(get["partnership"]) if get["partnership"] else "is empty."
    if isinstance(partnership, str):
        fail("partnership", partnership)
    kpi = look.kpis.get(get["kpi"].casefold())
    if kpi is None or not kpi.is_active:
        fail("kpi", f"no KPI in use is named “{get['kpi']}”.")
    try:
        day = dt.date.fromisoformat(get["date"])
    except ValueError:
        fail("date", f"“{get['date']}” is not a date such as 2026-03-31.")
        day = None
    if day is not None and day > today:
        fail("date", f"{day} is in the future.")
    try:
        value = Decimal(get["value"].replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        fail("value", f"“{get['value']}” is not a number.")
        value = None
    currency = get["currency"].upper()
    if kpi is not None and kpi.is_money:
        if not CURRENCY.match(currency):
            fail("currency", f"“{kpi.name}” is money: give a currency code such as EUR.")
        elif day is not None and (unusable := usable_errors(currency, day, look.rates)):
            fail("currency", unusable["currency"][0])
    elif currency:
        fail("currency", f"“{get['kpi']}” is not money: leave the currency empty.")
    attribution = ATTRIBUTIONS.get(get["attribution"].casefold())
    if attribution is None:
        fail("attribution", "use sourced, influenced or nothing.")
    elif attribution and kpi is not None and not kpi.is_benefit:
        fail("attribution", f"only money a partnership brings in is attributed, not “{kpi.name}”.")
    if errors or kpi is None or isinstance(partnership, str) or day is None or value is None:
        return errors
    return Planned(source.number, partnership, kpi, day, value, currency, attribution or "",
                   get["note"][:300])  # fmt: skip


def _duplicates(planned: list[Planned]) -> list[RowError]:
    """Two rows for one partnership, KPI, day and attribution, or a row already stored."""
    errors: list[RowError] = []
    seen: dict[tuple[Any, ...], int] = {}
    for plan in planned:
        key = (plan.partnership.pk, plan.kpi.pk, plan.day, plan.attribution)
        if key in seen:
            errors.append(RowError(plan.row, "date", f"row {seen[key]} already gives "
                                   f"“{plan.kpi.name}” on {plan.day}."))  # fmt: skip
        seen.setdefault(key, plan.row)
    stored = Observation.objects.filter(
        partnership__in={p.partnership.pk for p in planned}, kpi__in={p.kpi.pk for p in planned}
    ).values_list("partnership_id", "kpi_id", "observed_on", "attribution")
    existing = set(stored)
    errors.extend(
        RowError(plan.row, "date", f"“{plan.kpi.name}” of “{plan.partnership.title}” already "
                 f"has a value on {plan.day}.")
        for plan in planned
        if (plan.partnership.pk, plan.kpi.pk, plan.day, plan.attribution) in existing
    )  # fmt: skip
    return errors


def check(*, actor: User, path: Path, name: str | None = None) -> Result:
    """Read and check every row; nothing is written."""
    policy.require(actor, policy.PARTNERSHIP_CHANGE)
    table = read_table(path, name=name)
    result = Result(rows=len(table.rows), errors=list(table.errors))
    if table.fatal:
        return result
    missing = [column for column in REQUIRED if column not in table.headers]
    if missing:
        result.errors.append(RowError(None, None, f"missing column(s): {', '.join(missing)}; "
                                      f"expected {', '.join(REQUIRED + OPTIONAL)}."))  # fmt: skip
        return result
    look, today = _Lookups(actor), timezone.localdate()
    for source in table.rows:
        checked = _row(source, look, today)
        if isinstance(checked, list):
            result.errors += checked
        else:
            result.planned.append(checked)
    if not result.errors:
        result.errors = _duplicates(result.planned)
    return result


BATCH = 2000
COLUMNS = ("partnership_id", "kpi_id", "observed_on", "value", "currency", "attribution", "note",
           "source", "recorded_by_id", "recorded_at")  # fmt: skip


def import_observations(
    *, actor: User, path: Path, name: str | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Result:  # fmt: skip
    """Check every row, then write them all in one transaction, each audited, or none: in
    batches of inserts, as the rows were checked as the service checks one value."""
    result = check(actor=actor, path=path, name=name)
    if result.errors or not result.planned:
        return result
    fields = {f.attname: f for f in Observation._meta.concrete_fields}
    day, number, moment = (db_value(fields[n]) for n in ("observed_on", "value", "recorded_at"))
    now = moment(timezone.now())
    try:
        with transaction.atomic():
            for start in range(0, len(result.planned), BATCH):
                batch = result.planned[start : start + BATCH]
                rows = [(p.partnership.pk, p.kpi.pk, day(p.day), number(p.value), p.currency,
                         p.attribution, p.note, Observation.Source.IMPORT, actor.pk, now)
                        for p in batch]  # fmt: skip
                ids = insert_rows(Observation, COLUMNS, rows)
                audit.record_each(actor=actor, action=AuditEvent.Action.CREATE,
                                  model=Observation, entries=[
                    (pk, f"{p.kpi} on {p.day}: {p.value}", audit.diff({}, {
                        "partnership": p.partnership.pk, "kpi": p.kpi.name,
                        "observed_on": str(p.day), "value": str(p.value),
                        "currency": p.currency, "attribution": p.attribution}))
                    for pk, p in zip(ids, batch, strict=True)
                ])  # fmt: skip
                result.written += len(batch)
                if progress is not None:
                    progress(len(batch))
    except IntegrityError:
        result.written = 0
        result.errors.append(RowError(
            None, "date", "another value was recorded for one of these days while the file "
            "was read; import it again."))  # fmt: skip
    return result
