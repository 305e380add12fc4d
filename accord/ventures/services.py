"""Every write to the venture portfolio: authorized, validated, saved and audited in one
transaction. Amounts in a currency other than the base one need its exchange rate on their
day, so that returns can always be computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.metrics.money import currency_errors, usable_errors
from accord.ventures.models import CashFlow, Fund, Investment, Mark, OptionRight

FUND_FIELDS = ("name", "currency", "committed_capital", "vintage", "strategy")
INVESTMENT_FIELDS = (
    "fund", "organization", "partnership", "round", "instrument", "invested_on", "amount",
    "currency", "pre_money", "post_money", "ownership", "board", "status", "notes",
)  # fmt: skip
OPTION_FIELDS = ("investment", "kind", "deadline", "status", "terms")
CASH_FLOW_FIELDS = ("fund", "investment", "kind", "on", "amount", "currency", "note")
MARK_FIELDS = ("investment", "on", "fair_value", "currency", "method", "note")


def _submitted(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in fields if name in data}


def require_change(actor: User, investment: Investment | None = None) -> None:
    """The actor may change venture data, and see `investment` (one of a confidential
    partnership is its team's only)."""
    policy.require(actor, policy.VENTURES_CHANGE)
    if investment is None or investment.pk is None:
        return
    if not policy.visible_to(actor, Investment).filter(pk=investment.pk).exists():
        raise PermissionDenied("No investment you can see is that one.")


def _upper(data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted data with its currency code in capitals."""
    if isinstance(data.get("currency"), str):
        return {**data, "currency": data["currency"].strip().upper()}
    return dict(data)


def _money_errors(currency: str, day: Any, field: str = "currency") -> dict[str, list[str]]:
    if isinstance(day, dt.date):
        return usable_errors(currency, day, field=field)
    return currency_errors(currency, field)


def _linked_partnership_errors(actor: User, investment: Investment) -> dict[str, list[str]]:
    partnership = investment.partnership
    if partnership is None:
        return {}
    visible = policy.visible_to(actor, type(partnership)).filter(pk=partnership.pk).exists()
    return {} if visible else {"partnership": ["No partnership you can see has that id."]}


def _create(actor: User, instance: models.Model, fields: Iterable[str]) -> None:
    instance.save()
    changes = audit.diff({}, audit.snapshot(instance, fields))
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=instance, changes=changes)


def _update(
    actor: User,
    instance: versions.Versioned,
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    errors: Any,
    expected_version: int | None,
) -> None:
    before = audit.snapshot(instance, fields)
    loaded = versions.loaded(instance)
    assign(instance, data, fields)
    validate(instance, errors(instance))
    versions.save_changes(
        instance, loaded, submitted=_submitted(data, fields), expected_version=expected_version
    )
    changes = audit.diff(before, audit.snapshot(instance, fields))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=instance,
                     changes=changes)  # fmt: skip


# Funds -------------------------------------------------------------------------------------


def _fund_errors(fund: Fund) -> dict[str, list[str]]:
    return currency_errors(fund.currency)


@transaction.atomic
def fund_create(*, actor: User, data: Mapping[str, Any]) -> Fund:
    require_change(actor)
    fund = Fund()
    assign(fund, _upper(data), FUND_FIELDS)
    validate(fund, _fund_errors(fund))
    _create(actor, fund, FUND_FIELDS)
    return fund


@transaction.atomic
def fund_update(
    *, actor: User, fund: Fund, data: Mapping[str, Any], expected_version: int | None = None
) -> Fund:
    require_change(actor)
    _update(actor, fund, _upper(data), FUND_FIELDS, _fund_errors, expected_version)
    return fund


# Investments -------------------------------------------------------------------------------


def _investment_errors(actor: User) -> Callable[[Investment], dict[str, list[str]]]:
    def errors(investment: Investment) -> dict[str, list[str]]:
        found = _money_errors(investment.currency, investment.invested_on)
        pre, post = investment.pre_money, investment.post_money
        if pre is not None and post is not None and post < pre:
            found.setdefault("post_money", []).append(
                f"The post-money valuation ({post}) is below the pre-money one ({pre})."
            )
        if investment.pk and isinstance(investment.invested_on, dt.date):
            first_mark = investment.marks.order_by("on").first()
            if first_mark is not None and first_mark.on < investment.invested_on:
                found.setdefault("invested_on", []).append(
                    f"It has a mark on {first_mark.on}, before this date."
                )
        for name, messages in _linked_partnership_errors(actor, investment).items():
            found.setdefault(name, []).extend(messages)
        return found

    return errors


@transaction.atomic
def investment_create(*, actor: User, data: Mapping[str, Any]) -> Investment:
    require_change(actor)
    investment = Investment()
    assign(investment, _upper(data), INVESTMENT_FIELDS)
    validate(investment, _investment_errors(actor)(investment))
    _create(actor, investment, INVESTMENT_FIELDS)
    return investment


@transaction.atomic
def investment_update(
    *,
    actor: User,
    investment: Investment,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Investment:
    require_change(actor, investment)
    fields = tuple(name for name in INVESTMENT_FIELDS if name != "fund")  # a fund's for good
    _update(actor, investment, _upper(data), fields, _investment_errors(actor), expected_version)
    return investment


# Option rights -----------------------------------------------------------------------------


@transaction.atomic
def option_create(*, actor: User, data: Mapping[str, Any]) -> OptionRight:
    require_change(actor, data.get("investment"))
    option = OptionRight()
    assign(option, data, OPTION_FIELDS)
    validate(option, {})
    _create(actor, option, OPTION_FIELDS)
    return option


@transaction.atomic
def option_update(
    *,
    actor: User,
    option: OptionRight,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> OptionRight:
    require_change(actor, option.investment)
    fields = tuple(name for name in OPTION_FIELDS if name != "investment")
    _update(actor, option, data, fields, lambda _: {}, expected_version)
    return option


# Cash flows and marks ----------------------------------------------------------------------


def _cash_flow_errors(flow: CashFlow) -> dict[str, list[str]]:
    errors = _money_errors(flow.currency, flow.on)
    investment = flow.investment
    if investment is not None and investment.fund_id != flow.fund_id:
        errors["investment"] = [f"{investment} belongs to another fund."]
    if investment is None and flow.kind == CashFlow.Kind.INVESTMENT:
        errors["investment"] = ["Name the investment this money went into."]
    return errors


@transaction.atomic
def cash_flow_record(*, actor: User, data: Mapping[str, Any]) -> CashFlow:
    require_change(actor, data.get("investment"))
    flow = CashFlow(recorded_by=actor)
    assign(flow, _upper(data), CASH_FLOW_FIELDS)
    if flow.investment is not None and "fund" not in data:
        flow.fund = flow.investment.fund
    validate(flow, _cash_flow_errors(flow))
    _create(actor, flow, CASH_FLOW_FIELDS)
    return flow


@transaction.atomic
def cash_flow_delete(*, actor: User, flow: CashFlow) -> None:
    require_change(actor, flow.investment)
    audit.record(
        actor=actor, action=AuditEvent.Action.DELETE, instance=flow,
        changes=audit.removed(audit.snapshot(flow, CASH_FLOW_FIELDS)),
    )  # fmt: skip
    flow.delete()


def _mark_errors(mark: Mark) -> dict[str, list[str]]:
    errors = _money_errors(mark.currency, mark.on)
    investment = mark.investment if mark.investment_id else None
    if investment and isinstance(mark.on, dt.date) and mark.on < investment.invested_on:
        errors.setdefault("on", []).append(
            f"A mark cannot come before the investment ({investment.invested_on})."
        )
    return errors


@transaction.atomic
def mark_record(*, actor: User, data: Mapping[str, Any]) -> Mark:
    require_change(actor, data.get("investment"))
    mark = Mark(recorded_by=actor)
    assign(mark, _upper(data), MARK_FIELDS)
    validate(mark, _mark_errors(mark))
    _create(actor, mark, MARK_FIELDS)
    return mark


@transaction.atomic
def mark_delete(*, actor: User, mark: Mark) -> None:
    require_change(actor, mark.investment)
    audit.record(
        actor=actor, action=AuditEvent.Action.DELETE, instance=mark,
        changes=audit.removed(audit.snapshot(mark, MARK_FIELDS)),
    )  # fmt: skip
    mark.delete()
