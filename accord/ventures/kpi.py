"""Figures asked of portfolio companies: a link by e-mail to a form that needs no account,
asking for one period's revenue, burn, runway, headcount and any custom named figures; the
answers kept exactly, shown as trends, and flagged where they cross the investment's
thresholds.

A link works once, until it expires. Only its hash is stored, with a nonce from which the
secret key makes the same link again, so that a reminder carries the link the company already
has (as Django's password-reset links are made). Asking again for a period that is not yet
answered replaces the request: a new link, to the address now given; the earlier link no
longer works. A period already answered is refused: its figures stand.

Sending, reminding by hand and the thresholds are audited. The answers are kept with the
request they came through, which is their record (the company has no account to audit them
under), as are the scheduled reminders (the system sends them, not a person).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accord.accounts.invitations import EMAIL_TROUBLE
from accord.accounts.models import User, hash_token
from accord.core import audit
from accord.core.models import AuditEvent
from accord.ventures import services
from accord.ventures.models import (
    Investment,
    KpiAnswer,
    KpiMetric,
    KpiRequest,
    KpiThreshold,
    period_bounds,
)

DEFAULT_DAYS, MAX_DAYS = 21, 90
REMIND_AFTER = dt.timedelta(days=7)  # unanswered this long after the last message: remind
MAX_REMINDERS = 2  # by the scheduled job; a person may remind again by hand
MAX_CUSTOM = 10
MAX_INPUT = 40  # characters of a typed figure
_SALT = "accord.ventures.kpi-request"


@dataclass(frozen=True)
class Rule:
    """How a figure is asked and checked: its label on the form, its unit, its bounds and
    how many decimals it takes."""

    label: str
    short: str
    unit: str  # "money", "months", "people" or ""
    lowest: Decimal
    highest: Decimal
    places: int
    help: str = ""


RULES: dict[str, Rule] = {
    KpiMetric.REVENUE: Rule("Revenue in the period", "revenue", "money", Decimal(0),
                            Decimal("1e12"), 2),
    KpiMetric.BURN: Rule("Net burn per month", "burn", "money", Decimal(0), Decimal("1e11"), 2,
                         "Cash spent minus cash earned, a month on average over the period; "
                         "0 if you are cash-flow positive."),
    KpiMetric.RUNWAY: Rule("Runway", "runway", "months", Decimal(0), Decimal(240), 1,
                           "Months the cash lasts at the current burn; 240 if cash-flow "
                           "positive."),
    KpiMetric.HEADCOUNT: Rule("Headcount at the end of the period", "headcount", "people",
                              Decimal(0), Decimal(1_000_000), 0,
                              "People employed, full-time equivalents rounded."),
}  # fmt: skip
CUSTOM = Rule("", "", "", Decimal("-1e15"), Decimal("1e15"), 4)


def rule_of(metric: str) -> Rule:
    standard = RULES.get(metric)
    return standard or Rule(metric, metric, "", CUSTOM.lowest, CUSTOM.highest, CUSTOM.places)


def plain(value: Decimal) -> str:
    """A figure as people write it: grouped, without trailing zeros (4, 600,000, 1.5)."""
    return f"{value.normalize():,f}"


def unit_text(metric: str, currency: str) -> str:
    unit = rule_of(metric).unit
    if unit == "money":
        return f"{currency} a month" if metric == KpiMetric.BURN else currency
    return unit


# The period and the figures asked -----------------------------------------------------------


def period_errors(period: str, today: dt.date) -> list[str]:
    bounds = period_bounds(period)
    if bounds is None:
        return [f"“{period[:20]}” is not a period: write a quarter as 2026Q3 or a month as "
                "2026-07."]  # fmt: skip
    if not 1990 <= bounds[0].year <= 2100:
        return [f"{period} is too far from today."]
    if bounds[0] > today:
        return [f"{period} has not begun yet."]
    return []


def period_label(period: str) -> str:
    """2026Q3 → "Q3 2026 (July to September)"; 2026-07 → "July 2026"."""
    bounds = period_bounds(period)
    if bounds is None:
        return period
    start, end = bounds
    if "Q" in period:
        return f"Q{period[-1]} {start.year} ({start:%B} to {end:%B})"
    return f"{start:%B %Y}"


def period_order(period: str) -> tuple[dt.date, int]:
    """Chronological by the period's last day; a month before the quarter ending with it."""
    bounds = period_bounds(period)
    return (bounds[1] if bounds else dt.date.max, 1 if "Q" in period else 0)


def custom_names(raw: Iterable[str], earlier: Iterable[str]) -> tuple[list[str], list[str]]:
    """The custom figures asked, named as the investment's earlier requests named them (so
    that "ARR" and "arr" make one trend), and the problems with them."""
    known = {name.casefold(): name for name in earlier}
    reserved = {key for key in RULES} | {r.short for r in RULES.values()}
    names: list[str] = []
    errors: list[str] = []
    for typed in raw:
        name = " ".join(str(typed).split())
        if not name:
            continue
        if len(name) > 60:
            errors.append(f"“{name[:60]}…” is too long for a name (60 characters at most).")
        elif name.casefold() in reserved:
            errors.append(f"“{name}” is asked as a standard figure; tick it above instead.")
        elif name.casefold() in {n.casefold() for n in names}:
            errors.append(f"“{name}” is named twice.")
        else:
            names.append(known.get(name.casefold(), name))
    if len(names) > MAX_CUSTOM:
        errors.append(f"Ask for {MAX_CUSTOM} custom figures at most.")
    return names, errors


def _metrics_asked(
    investment: Investment, standard: Iterable[str], custom: Iterable[str]
) -> list[str]:
    chosen = [key for key in RULES if key in set(standard)]
    unknown = sorted(set(standard) - set(RULES))
    earlier = {m for r in investment.kpi_requests.all() for m in r.metrics if m not in RULES}
    names, errors = custom_names(custom, earlier)
    if unknown:
        errors.insert(0, f"Unknown figures: {', '.join(map(str, unknown))}.")
    if errors:
        raise ValidationError({"custom": errors})
    if not chosen and not names:
        raise ValidationError({"metrics": "Ask for at least one figure."})
    return chosen + names


# Links ----------------------------------------------------------------------------------------


def _token(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()


def _new_link(request: KpiRequest) -> str:
    request.token_nonce = secrets.token_hex(16)
    raw = _token(request.token_nonce)
    request.token_hash = hash_token(raw)
    return raw


def token_of(request: KpiRequest) -> str:
    """The raw token of the request's link, made again from its nonce; a new one (to be
    saved) if the secret key changed since."""
    raw = _token(request.token_nonce)
    return raw if hash_token(raw) == request.token_hash else _new_link(request)


def answer_url(raw: str, site: str | None = None) -> str:
    return f"{(site or settings.SITE_URL).rstrip('/')}{reverse('ventures:kpi_answer')}?token={raw}"


def _message(request: KpiRequest, link: str, *, reminder: bool = False) -> tuple[str, str]:
    company = request.investment.organization.name
    fund = request.investment.fund.name
    asked = ", ".join(rule_of(m).short for m in request.metrics)
    subject = f"{'Reminder: ' if reminder else ''}{company}: your figures for {request.period}"
    body = (
        f"{'A reminder: ' if reminder else ''}{fund} asks {company} for its figures of "
        f"{period_label(request.period)}: {asked}.\n\n"
        f"Answer here, no account needed (the link works once, until "
        f"{request.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n"
    )
    return subject, body


def _mail(request: KpiRequest, link: str, *, reminder: bool = False) -> None:
    try:
        send_mail(*_message(request, link, reminder=reminder), None, [request.email])
    except EMAIL_TROUBLE as error:
        raise ValidationError(
            {"email": f"The request could not be sent to {request.email} ({error}); nothing "
                      "was saved. Check the e-mail settings (ACCORD_EMAIL_HOST) and try again."}
        ) from None  # fmt: skip


# Sending and reminding -------------------------------------------------------------------------

SENT_FIELDS = ("investment", "period", "email", "metrics", "currency", "expires_at")


def kpi_request_send(
    *,
    actor: User,
    investment: Investment,
    period: str,
    email: str,
    metrics: Iterable[str],
    custom: Iterable[str] = (),
    days: int = DEFAULT_DAYS,
    site: str | None = None,
) -> KpiRequest:
    """E-mail `email` at the company a link asking for the `metrics` (keys of RULES) and the
    `custom` named figures of `period`, valid for `days`; then record it. A request of the same
    period not yet answered is replaced; an answered one is refused. Nothing is written when
    the message cannot be sent."""
    services.require_change(actor, investment)
    now = timezone.now()
    period = (period or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if found := period_errors(period, timezone.localdate(now)):
        errors["period"] = found
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [f"“{email[:100]}” is not an e-mail address."]
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = [f"Give the company 1 to {MAX_DAYS} days."]
    try:
        asked = _metrics_asked(investment, metrics, custom)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    earlier = KpiRequest.objects.filter(investment=investment, period=period).first()
    if earlier is not None and earlier.answered_at is not None:
        errors.setdefault("period", []).append(
            f"{period} was already answered on {earlier.answered_at:%Y-%m-%d}; its figures stand."
        )
    if errors:
        raise ValidationError(errors)
    request = earlier or KpiRequest(investment=investment, period=period)
    before = audit.snapshot(request, SENT_FIELDS) if earlier else {}
    request.email, request.metrics, request.currency = email, asked, investment.currency
    request.sent_by, request.sent_at = actor, now
    request.expires_at = now + dt.timedelta(days=days)
    request.answered_at, request.reminded_at, request.reminders = None, None, 0
    raw = _new_link(request)
    _mail(request, answer_url(raw, site))
    with transaction.atomic():
        if (
            earlier is not None
            and KpiRequest.objects.filter(pk=earlier.pk, answered_at__isnull=False).exists()
        ):
            raise ValidationError({"period": f"{period} was just answered; its figures stand."})
        request.save()
        action = AuditEvent.Action.UPDATE if earlier else AuditEvent.Action.CREATE
        audit.record(actor=actor, action=action, instance=request,
                     changes=audit.diff(before, audit.snapshot(request, SENT_FIELDS)))  # fmt: skip
    return request


def _remind(request: KpiRequest, now: dt.datetime) -> None:
    raw = token_of(request)
    _mail(request, answer_url(raw), reminder=True)
    request.reminded_at, request.reminders = now, request.reminders + 1
    request.save(update_fields=["reminded_at", "reminders", "token_nonce", "token_hash"])


def kpi_request_remind(*, actor: User, request: KpiRequest, site: str | None = None) -> KpiRequest:
    """E-mail the company the same link again, while it is open."""
    services.require_change(actor, request.investment)
    now = timezone.now()
    status = request.status()
    if status == "answered":
        raise ValidationError(f"{request.period} was answered on {request.answered_at:%Y-%m-%d}.")
    if status == "expired":
        raise ValidationError(f"The request expired on {request.expires_at:%Y-%m-%d %H:%M} UTC; "
                              "send a new one.")  # fmt: skip
    raw = token_of(request)
    _mail(request, answer_url(raw, site), reminder=True)
    with transaction.atomic():
        request.reminded_at, request.reminders = now, request.reminders + 1
        request.save(update_fields=["reminded_at", "reminders", "token_nonce", "token_hash"])
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=request,
                     changes={"reminded_at": [None, now.isoformat()]})  # fmt: skip
    return request


@transaction.atomic
def kpi_request_withdraw(*, actor: User, request: KpiRequest) -> None:
    """Take back a request not answered (sent to the wrong person, say): its link stops
    working and the period may be asked again. An answered one stays with its figures."""
    services.require_change(actor, request.investment)
    # Read again under a lock: the company may have answered since the page was loaded.
    current = KpiRequest.objects.select_for_update().filter(pk=request.pk).first()
    if current is None:
        raise ValidationError(f"The request for {request.period} was already withdrawn.")
    if current.answered_at is not None:
        raise ValidationError(f"{current.period} was answered on {current.answered_at:%Y-%m-%d}; "
                              "its figures stay.")  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, instance=current,
                 changes=audit.removed(audit.snapshot(current, SENT_FIELDS)))  # fmt: skip
    current.delete()


def remind_due(*, now: dt.datetime | None = None) -> tuple[int, list[str]]:
    """Remind each open request unanswered REMIND_AFTER since its last message, up to
    MAX_REMINDERS times: how many were reminded, and which could not be (the next run tries
    them again)."""
    now = now or timezone.now()
    quiet_since = now - REMIND_AFTER
    due = (
        KpiRequest.objects.filter(answered_at__isnull=True, expires_at__gt=now,
                                  sent_at__lte=quiet_since, reminders__lt=MAX_REMINDERS)
        .exclude(reminded_at__gt=quiet_since)
        .select_related("investment__organization", "investment__fund")
        .order_by("pk")
    )  # fmt: skip
    reminded, failed = 0, []
    for request in due:
        try:
            _remind(request, now)
        except ValidationError as error:
            failed.append(" ".join(error.messages))
        else:
            reminded += 1
    return reminded, failed


# The company's answers -----------------------------------------------------------------------


def request_for(raw: str) -> KpiRequest:
    """The request of a link that still works, or why it does not."""
    request = (
        KpiRequest.objects.select_related("investment__organization", "investment__fund")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if request is None:
        raise ValidationError("This link is not valid: check that it was copied whole, or use "
                              "the latest e-mail if a newer one was sent.")  # fmt: skip
    if request.answered_at is not None:
        raise ValidationError(
            f"These figures were already answered on {request.answered_at:%Y-%m-%d}; nothing "
            "was changed. Thank you."
        )
    if request.expires_at <= timezone.now():
        raise ValidationError(
            f"This link expired on {request.expires_at:%Y-%m-%d %H:%M} UTC; ask "
            f"{_sender(request)} for a new one."
        )
    return request


def _sender(request: KpiRequest) -> str:
    sender = request.sent_by
    return (sender.get_full_name() or sender.email or "the team") if sender else "the team"


def figure_of(metric: str, typed: Any) -> Decimal:
    """A typed figure as an exact number within the figure's bounds, or why not, in words."""
    rule = rule_of(metric)
    text = str(typed if typed is not None else "").strip().replace(" ", "").replace("'", "")
    if "," in text:
        grouped = text.split(".")[0].split(",")
        if all(len(part) == 3 and part.isdigit() for part in grouped[1:]) and grouped[0]:
            text = text.replace(",", "")  # 1,250,000: thousands grouped
        else:
            raise ValidationError("Use a point for decimals, as in 1250.5.")
    if not text:
        raise ValidationError("Give a number.")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"“{str(typed)[:MAX_INPUT]}” is not a number.") from None
    if not number.is_finite():
        raise ValidationError(f"“{str(typed)[:MAX_INPUT]}” is not a number.")
    if number < rule.lowest:
        what = "cannot be negative" if rule.lowest == 0 else f"is below {plain(rule.lowest)}"
        raise ValidationError(f"{rule.short.capitalize()} {what}.")
    if number > rule.highest:
        raise ValidationError(f"That is more than {plain(rule.highest)}: check the figure.")
    if number != number.quantize(Decimal(1).scaleb(-rule.places)):
        raise ValidationError("Give a whole number." if rule.places == 0
                              else f"Give at most {rule.places} decimals.")  # fmt: skip
    return number


def answers_submit(*, raw: str, values: Mapping[str, Any]) -> KpiRequest:
    """Every figure asked, each a number within its bounds; a link answers once, even when
    sent twice at once. `values` maps each metric asked to what was typed."""
    with transaction.atomic():
        request = request_for(raw)
        errors: dict[str, list[str]] = {}
        rows = []
        for metric in request.metrics:
            try:
                value = figure_of(metric, values.get(metric))
            except ValidationError as error:
                errors[metric] = error.messages
            else:
                rows.append(KpiAnswer(request=request, metric=metric, value=value))
        if errors:
            raise ValidationError(errors)
        taken = KpiRequest.objects.filter(pk=request.pk, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        if not taken:
            raise ValidationError("These figures were just answered through this link; nothing "
                                  "was changed. Thank you.")  # fmt: skip
        KpiAnswer.objects.bulk_create(rows)
    request.refresh_from_db(fields=["answered_at"])
    return request


# Thresholds -------------------------------------------------------------------------------------

THRESHOLD_FIELDS = ("investment", "metric", "comparator", "value")


def known_metrics(requests: Iterable[KpiRequest]) -> list[str]:
    """The figures a threshold may watch: the standard ones and the custom ones `requests`
    (an investment's) asked for."""
    custom = {m for r in requests for m in r.metrics if m not in RULES}
    return [*RULES, *sorted(custom, key=str.casefold)]


@transaction.atomic
def kpi_threshold_set(
    *, actor: User, investment: Investment, metric: str, comparator: str, value: Any
) -> KpiThreshold:
    """Flag the investment's latest `metric` when it is `comparator` (below, above) `value`;
    replaces the threshold on the same side."""
    services.require_change(actor, investment)
    errors: dict[str, list[str]] = {}
    if metric not in known_metrics(investment.kpi_requests.all()):
        errors["metric"] = [f"No request of this investment asks for “{str(metric)[:60]}”."]
    if comparator not in KpiThreshold.Comparator.values:
        errors["comparator"] = ["Choose below or above."]
    try:
        number = figure_of(metric if not errors.get("metric") else "", value)
    except ValidationError as error:
        errors["value"] = error.messages
    if errors:
        raise ValidationError(errors)
    threshold = KpiThreshold.objects.filter(
        investment=investment, metric=metric, comparator=comparator
    ).first()
    before = audit.snapshot(threshold, THRESHOLD_FIELDS) if threshold else {}
    threshold = threshold or KpiThreshold(investment=investment, metric=metric,
                                          comparator=comparator, created_by=actor)  # fmt: skip
    threshold.value = number
    threshold.save()
    action = AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE
    changes = audit.diff(before, audit.snapshot(threshold, THRESHOLD_FIELDS))
    if changes:
        audit.record(actor=actor, action=action, instance=threshold, changes=changes)
    return threshold


@transaction.atomic
def kpi_threshold_delete(*, actor: User, threshold: KpiThreshold) -> None:
    services.require_change(actor, threshold.investment)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, instance=threshold,
                 changes=audit.removed(audit.snapshot(threshold, THRESHOLD_FIELDS)))  # fmt: skip
    threshold.delete()
