"""Every write to the metrics: validated, saved and audited in one transaction.

The KPI library and the exchange rates are kept by those who may define metrics; targets,
observations and costs of a partnership by its team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, decimal_of, validate
from accord.metrics import periods
from accord.metrics.models import (
    CompanyRevenue,
    CostEntry,
    ExchangeRate,
    Kpi,
    KpiTarget,
    Observation,
)
from accord.metrics.money import base_currency, currency_errors, usable_errors
from accord.partnerships.models import Partnership

KPI_FIELDS = ("name", "category", "unit", "is_money", "is_benefit", "direction", "aggregation",
              "figure", "description", "is_active", "is_joint")  # fmt: skip
COST_FIELDS = ("spent_on", "kind", "amount", "currency", "description")


def _today() -> dt.date:
    return timezone.localdate()


def _money_errors(kpi: Kpi, currency: str, day: dt.date) -> dict[str, list[str]]:
    """A money KPI's value needs a currency with a rate on `day`; any other KPI none."""
    if not kpi.is_money:
        if currency:
            return {"currency": [f"“{kpi.name}” is counted in {kpi.unit}, not in money."]}
        return {}
    if not currency:
        return {"currency": [f"“{kpi.name}” is money: give its currency."]}
    return usable_errors(currency, day)


# The KPI library ---------------------------------------------------------------------------


@transaction.atomic
def kpi_create(*, actor: User, data: Mapping[str, Any]) -> Kpi:
    policy.require(actor, policy.METRICS_DEFINE)
    kpi = Kpi()
    assign(kpi, data, KPI_FIELDS)
    validate(kpi, {})
    kpi.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=kpi,
                 changes=audit.diff({}, audit.snapshot(kpi, KPI_FIELDS)))  # fmt: skip
    return kpi


@transaction.atomic
def kpi_update(
    *, actor: User, kpi: Kpi, data: Mapping[str, Any], expected_version: int | None = None
) -> Kpi:
    """Change the fields in `data`; whether it is money may not change once it has values."""
    policy.require(actor, policy.METRICS_DEFINE)
    before = audit.snapshot(kpi, KPI_FIELDS)
    loaded = versions.loaded(kpi)
    assign(kpi, data, KPI_FIELDS)
    errors: dict[str, list[str]] = {}
    if kpi.is_money != before["is_money"] and kpi.observations.exists():
        errors["is_money"] = [f"“{kpi.name}” has values already; define a new KPI instead."]
    validate(kpi, errors)
    submitted = {name: data[name] for name in KPI_FIELDS if name in data}
    versions.save_changes(kpi, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(kpi, KPI_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=kpi, changes=changes)
    return kpi


@transaction.atomic
def rate_set(*, actor: User, currency: str, valid_from: dt.date, rate: Any) -> ExchangeRate:
    """The value of one unit of `currency` in the base currency from `valid_from` on."""
    policy.require(actor, policy.METRICS_DEFINE)
    currency = (currency or "").strip().upper()
    number = decimal_of(rate, "rate", "The rate")
    errors = currency_errors(currency)
    if currency == base_currency():
        errors["currency"] = [f"{currency} is the base currency: its rate is always 1."]
    if number <= 0:
        errors["rate"] = ["The rate must be above zero."]
    row = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
    before = {"rate": str(row.rate)} if row else {}
    row = row or ExchangeRate(currency=currency, valid_from=valid_from)
    row.rate, row.recorded_by = number, actor
    validate(row, errors)
    row.save()
    action = AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE
    audit.record(actor=actor, action=action, instance=row,
                 changes=audit.diff(before, {"currency": currency, "valid_from": str(valid_from),
                                             "rate": str(row.rate)}))  # fmt: skip
    return row


@transaction.atomic
def company_revenue_set(
    *, actor: User, quarter: str | dt.date, amount: Any, currency: str
) -> CompanyRevenue:
    """The whole company's revenue in `quarter` (2026Q3), which the partnerships' revenue is a
    share of; setting it again corrects it."""
    policy.require(actor, policy.METRICS_DEFINE)
    start = periods.quarter_of(quarter if isinstance(quarter, dt.date) else periods.parse(quarter))
    currency = (currency or "").strip().upper()
    number = decimal_of(amount, "amount", "The revenue")
    errors = usable_errors(currency, periods.quarter_end(start))
    if number <= 0:
        errors["amount"] = ["The revenue must be above zero."]
    if start > periods.quarter_of(_today()):
        errors["quarter"] = [f"{periods.label(start)} has not begun."]
    row = CompanyRevenue.objects.filter(quarter=start).first()
    before = {"amount": str(row.amount), "currency": row.currency} if row else {}
    row = row or CompanyRevenue(quarter=start)
    row.amount, row.currency, row.recorded_by = number, currency, actor
    validate(row, errors)
    row.save()
    after = {"amount": str(row.amount), "currency": currency}
    if not before:
        after["quarter"] = periods.label(start)
    audit.record(actor=actor,
                 action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
                 instance=row, changes=audit.diff(before, after))  # fmt: skip
    return row


# A partnership's targets, observations and costs ---------------------------------------------


def _usable(kpi: Kpi) -> dict[str, list[str]]:
    return {} if kpi.is_active else {"kpi": [f"“{kpi.name}” is retired; choose another KPI."]}


@transaction.atomic
def target_set(
    *, actor: User, partnership: Partnership, kpi: Kpi, quarter: str | dt.date, value: Any,
    currency: str = "",
) -> KpiTarget:  # fmt: skip
    """Set (or change) what the partnership should reach on `kpi` in `quarter` (2026Q4)."""
    policy.require_change_partnership(actor, partnership)
    start = quarter if isinstance(quarter, dt.date) else periods.parse(quarter)
    start = periods.quarter_of(start)
    currency = (currency or "").strip().upper()
    number = decimal_of(value, "value", f"The target of “{kpi.name}”")
    errors = {**_usable(kpi), **_money_errors(kpi, currency, periods.quarter_end(start))}
    target = KpiTarget.objects.filter(partnership=partnership, kpi=kpi, quarter=start).first()
    before = {"value": str(target.value), "currency": target.currency} if target else {}
    target = target or KpiTarget(partnership=partnership, kpi=kpi, quarter=start)
    target.value, target.currency = number, currency
    validate(target, errors)
    target.version += 1 if target.pk else 0
    target.save()
    after: dict[str, Any] = {"value": str(target.value), "currency": currency}
    if not before:
        after.update(kpi=kpi.name, quarter=periods.label(start), partnership=partnership.pk)
    audit.record(actor=actor,
                 action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
                 instance=target, changes=audit.diff(before, after))  # fmt: skip
    return target


@transaction.atomic
def observation_record(
    *, actor: User, partnership: Partnership, kpi: Kpi, observed_on: dt.date | None, value: Any,
    currency: str = "", attribution: str = "", note: str = "", source: str = Observation.Source.WEB,
) -> Observation:  # fmt: skip
    """Record what `kpi` measured for the partnership on `observed_on`; once per day (and
    attribution), never in the future."""
    policy.require_change_partnership(actor, partnership)
    if observed_on is None:
        raise ValidationError({"observed_on": "Give the day the value stands for."})
    currency = (currency or "").strip().upper()
    number = decimal_of(value, "value", f"The value of “{kpi.name}”")
    errors = {**_usable(kpi), **_money_errors(kpi, currency, observed_on)}
    if observed_on > _today():
        errors["observed_on"] = [f"{observed_on} is in the future (today is {_today()})."]
    if attribution and not kpi.is_benefit:
        errors["attribution"] = [f"Only money a partnership brings in is attributed, not "
                                 f"“{kpi.name}”."]  # fmt: skip
    duplicate = Observation.objects.filter(
        partnership=partnership, kpi=kpi, observed_on=observed_on, attribution=attribution or ""
    ).first()
    if duplicate is not None:
        errors["observed_on"] = [f"“{kpi.name}” already has {duplicate.value} on {observed_on}; "
                                 "correct that value rather than adding another."]  # fmt: skip
    observation = Observation(
        partnership=partnership, kpi=kpi, observed_on=observed_on, value=number,
        currency=currency, attribution=attribution or "", note=(note or "").strip(),
        source=source, recorded_by=actor,
    )  # fmt: skip
    validate(observation, errors)
    observation.save()
    audit.record(
        actor=actor, action=AuditEvent.Action.CREATE, instance=observation,
        changes=audit.diff({}, {"partnership": partnership.pk, "kpi": kpi.name,
                                "observed_on": str(observed_on), "value": str(number),
                                "currency": currency, "attribution": attribution or ""}),
    )  # fmt: skip
    return observation


@transaction.atomic
def cost_record(*, actor: User, partnership: Partnership, data: Mapping[str, Any]) -> CostEntry:
    """Money (with its currency) or people (FTE-months) put into the partnership."""
    policy.require_change_partnership(actor, partnership)
    cost = CostEntry(partnership=partnership, recorded_by=actor)
    assign(cost, data, COST_FIELDS)
    cost.currency = (cost.currency or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if cost.amount is not None:
        cost.amount = decimal_of(cost.amount, "amount", "The amount")
        if cost.amount < 0:
            errors["amount"] = ["A cost is not negative; record what was spent."]
    if cost.kind == CostEntry.Kind.MONEY and cost.spent_on is not None:
        if not cost.currency:
            errors["currency"] = ["Give the currency of the money spent."]
        else:
            errors.update(usable_errors(cost.currency, cost.spent_on))
    elif cost.kind == CostEntry.Kind.FTE and cost.currency:
        errors["currency"] = ["FTE-months have no currency."]
    if cost.spent_on is not None and cost.spent_on > _today():
        errors["spent_on"] = [f"{cost.spent_on} is in the future (today is {_today()})."]
    validate(cost, errors)
    cost.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=cost,
                 changes=audit.diff({}, {"partnership": partnership.pk,
                                         **audit.snapshot(cost, COST_FIELDS)}))  # fmt: skip
    return cost
