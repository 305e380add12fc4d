"""Raising alerts as notifications, e-mailing them, reading them, and choosing per kind how to
hear of them.

A notification goes to a recipient only when the recipient is an active internal user who may
see its partnership and has not turned that kind off. E-mail goes through Django's mail
backend (SMTP when configured): at once for those who chose it, else in the daily or weekly
digest. A message is marked sent only once the server took it, so an SMTP server that is down
loses nothing: the job fails, is retried, and sends what is still unsent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from accord.accounts.models import User
from accord.core import audit, events, policy, schedule, versions
from accord.core.models import AuditEvent, ScheduledRun
from accord.core.writes import assign, validate
from accord.notifications.alerts import Alert, due
from accord.notifications.models import (
    DEFAULT_CHANNEL,
    AlertPreference,
    Channel,
    Kind,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
)
from accord.partnerships.models import Partnership

MAIL_TROUBLE = (smtplib.SMTPException, OSError)


class MailUndelivered(Exception):
    """Some messages could not be handed to the mail server; they stay unsent."""


@dataclass
class Raised:
    alerts: int = 0
    notifications: int = 0
    emailed: int = 0
    undelivered: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (f"{self.alerts} alert(s) due, {self.notifications} new notification(s), "
                f"{self.emailed} e-mail(s) sent")  # fmt: skip
        return text + (f", {len(self.undelivered)} not delivered" if self.undelivered else "")


def channels(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """Each (user, kind) with a chosen channel; missing ones take DEFAULT_CHANNEL."""
    rows = AlertPreference.objects.filter(user__in=list(user_ids))
    return {(row.user_id, row.kind): row.channel for row in rows}


def _recipients(alerts: list[Alert]) -> dict[int, User]:
    wanted = {pk for alert in alerts for pk in alert.recipients}
    active = User.objects.filter(pk__in=wanted, is_active=True)
    return {user.pk: user for user in active if policy.can(user, policy.PARTNERSHIP_VIEW)}


def _visible(users: Mapping[int, User], alerts: list[Alert]) -> dict[int, set[int]]:
    """The alerts' partnerships each recipient may see, through the access policy."""
    seen: dict[int, set[int]] = {}
    for pk, user in users.items():
        mine = {a.partnership_id for a in alerts
                if pk in a.recipients and a.partnership_id is not None}  # fmt: skip
        seen[pk] = set(policy.visible_to(user, Partnership).filter(pk__in=mine)
                       .values_list("pk", flat=True)) if mine else set()  # fmt: skip
    return seen


def raise_alerts(*, now: dt.datetime | None = None) -> Raised:
    """Record every alert due today for each of its recipients (once per key), then e-mail
    those who asked for it at once."""
    now = now or timezone.now()
    alerts = due(timezone.localdate(now))
    users = _recipients(alerts)
    chosen = channels(users)
    visible = _visible(users, alerts)
    rows = [
        Notification(user_id=pk, kind=alert.kind, key=alert.key[:200], title=alert.title[:300],
                     link=alert.link, partnership_id=alert.partnership_id, raised_at=now)
        for alert in alerts for pk in sorted(alert.recipients)
        if pk in users and chosen.get((pk, alert.kind), DEFAULT_CHANNEL) != Channel.NONE
        and (alert.partnership_id is None or alert.partnership_id in visible[pk])
    ]  # fmt: skip
    known = set(
        Notification.objects.filter(user__in=list(users), key__in={r.key for r in rows})
        .values_list("user_id", "key")
    )  # fmt: skip
    new = [row for row in rows if (row.user_id, row.key) not in known]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    fresh = {row.key for row in new}
    confidential = set(Partnership.objects.filter(
        pk__in={a.partnership_id for a in alerts if a.key in fresh}, is_confidential=True,
    ).values_list("pk", flat=True))  # fmt: skip
    for alert in alerts:
        if alert.key in fresh:
            fresh.discard(alert.key)
            events.emit(events.ALERT_RAISED, {
                "kind": alert.kind, "title": alert.title, "link": alert.link,
                "partnership": alert.partnership_id,
                "confidential": alert.partnership_id in confidential,
            })  # fmt: skip
    result = Raised(alerts=len(alerts), notifications=len(new))
    _send(Channel.EMAIL_NOW, now, result)
    return result


def send_digest(channel: str, *, now: dt.datetime | None = None) -> Raised:
    """E-mail each user choosing `channel` (daily or weekly) the unread notifications not yet
    sent, one message each."""
    result = Raised()
    _send(channel, now or timezone.now(), result)
    return result


def _send(channel: str, now: dt.datetime, result: Raised) -> None:
    unsent = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    waiting: dict[int, list[Notification]] = defaultdict(list)
    rows = list(unsent.select_related("user").order_by("raised_at", "pk"))
    chosen = channels({n.user_id for n in rows})
    for notification in rows:
        if chosen.get((notification.user_id, notification.kind), DEFAULT_CHANNEL) == channel:
            waiting[notification.user_id].append(notification)
    if not waiting:
        return
    with get_connection(fail_silently=False) as mail:
        for items in waiting.values():
            user = items[0].user
            if not user.email or not user.is_active:
                continue
            try:
                mail.send_messages([_message(user, items, channel)])
            except (*MAIL_TROUBLE, ValueError) as error:  # ValueError: a header Django refused
                result.undelivered.append(f"{user.get_username()}: {error}")
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            result.emailed += 1
    if result.undelivered:
        raise MailUndelivered(f"{result}: {result.undelivered[0]}")


def _message(user: User, items: list[Notification], channel: str) -> EmailMessage:
    site = settings.SITE_URL
    headings = {Channel.DAILY.value: "Today in Accord", Channel.WEEKLY.value: "This week in Accord"}
    heading = headings.get(channel, "Accord")
    # A title may hold a line break (from an import); a header may not.
    subject = " ".join(items[0].title.split()) if len(items) == 1 else (
        f"{heading}: {len(items)} alerts")  # fmt: skip
    lines = [f"- {n.title}\n  {site}{n.link}" if n.link else f"- {n.title}" for n in items]
    body = (f"{heading}, for {user.get_full_name() or user.get_username()}:\n\n"
            + "\n".join(lines) + f"\n\nAll your notifications: {site}/notifications/\n"
            f"Choose what you hear of and how: {site}/notifications/settings/\n")  # fmt: skip
    return EmailMessage(subject[:200], body, None, [user.email])


# Asking a colleague -----------------------------------------------------------------------------

REQUEST_MAX_LENGTH = 280


def ask_owner(*, actor: User, partnership: Partnership, message: str, link: str) -> User:
    """Ask the owner of a partnership `actor` sees to do something (fill in what a move
    needs, say): a notification for the owner, e-mailed at once if they chose so, and an
    audit entry on the partnership. Returns the owner."""
    policy.require(actor, policy.PARTNERSHIP_VIEW)
    if not policy.visible_to(actor, Partnership).filter(pk=partnership.pk).exists():
        raise PermissionDenied("You cannot see this partnership.")
    text = " ".join(message.split())
    if not text:
        raise ValidationError({"message": "Say what you ask for."})
    if len(text) > REQUEST_MAX_LENGTH:
        raise ValidationError(
            {"message": f"At most {REQUEST_MAX_LENGTH} characters, not {len(text)}."}
        )
    owner = partnership.owner
    if owner is None or not owner.is_active:
        raise ValidationError({"message": f"{partnership.title} has no active owner to ask."})
    if owner.pk == actor.pk:
        raise ValidationError({"message": "You own this partnership: nobody else to ask."})
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.create(
            user=owner, kind=Kind.REQUEST, key=f"request:{secrets.token_hex(8)}",
            title=f"{actor.get_username()} asks about {partnership.title}: {text}"[:300],
            link=link, partnership=partnership, raised_at=now,
        )  # fmt: skip
        audit.record(
            actor=actor, action=AuditEvent.Action.ASK, instance=partnership,
            changes={"asked": [None, owner.get_username()], "request": [None, text]},
        )  # fmt: skip
    if channels([owner.pk]).get((owner.pk, Kind.REQUEST), DEFAULT_CHANNEL) == Channel.EMAIL_NOW:
        # Unsent mail stays marked so; the alerts job sends it on its next run.
        with contextlib.suppress(MailUndelivered):
            _send(Channel.EMAIL_NOW, now, Raised())
    return owner


# A user's own notifications ---------------------------------------------------------------------


def mark_read(*, actor: User, notifications: Iterable[Notification] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when none are named)."""
    policy.require(actor, policy.SIGNED_IN)
    mine = policy.visible_to(actor, Notification).filter(read_at__isnull=True)
    if notifications is not None:
        mine = mine.filter(pk__in=[n.pk for n in notifications])
    return mine.update(read_at=timezone.now())


def preferences_save(*, actor: User, chosen: Mapping[str, str]) -> dict[str, str]:
    """Set how the actor hears of each kind named; audited."""
    policy.require(actor, policy.SIGNED_IN)
    errors = {kind: [f"No kind of alert “{kind}”."] for kind in chosen if kind not in Kind.values}
    errors |= {kind: [f"“{value}” is not one of {', '.join(Channel.values)}."]
               for kind, value in chosen.items() if kind in Kind.values
               and value not in Channel.values}  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = {p.kind: p for p in AlertPreference.objects.filter(user=actor)}
        for kind, value in chosen.items():
            before = current[kind].channel if kind in current else DEFAULT_CHANNEL
            if before == value:
                continue
            row, _ = AlertPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"channel": value}
            )
            audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=row,
                         changes={"channel": [before, value]})  # fmt: skip
    return {kind: value for kind, value in chosen.items()}


# Keeping the tables small -------------------------------------------------------------------------

KEEP_READ = dt.timedelta(days=180)
KEEP_LOGS = dt.timedelta(days=30)


def prune(*, now: dt.datetime | None = None) -> str:
    """Notifications read over KEEP_READ ago, and delivery and job logs over KEEP_LOGS old
    (a delivery still pending, and each job's latest run, are kept)."""
    now = now or timezone.now()
    read, _ = Notification.objects.filter(read_at__lt=now - KEEP_READ).delete()
    sent, _ = WebhookDelivery.objects.filter(created_at__lt=now - KEEP_LOGS).exclude(
        status=WebhookDelivery.Status.PENDING).delete()  # fmt: skip
    latest = [run.pk for run in schedule.latest_runs_of_all()]
    runs, _ = ScheduledRun.objects.filter(slot__lt=now - KEEP_LOGS).exclude(pk__in=latest).delete()
    return f"{read} read notification(s), {sent} delivery log(s), {runs} job run(s) pruned"


# Webhook endpoints --------------------------------------------------------------------------------

ENDPOINT_FIELDS = ("url", "description", "events", "include_confidential", "is_active")


def _endpoint_errors(endpoint: WebhookEndpoint) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not str(endpoint.url or "").startswith(("https://", "http://")):
        errors["url"] = ["An http:// or https:// address."]
    events_given = endpoint.events if isinstance(endpoint.events, list) else None
    if not events_given:
        errors["events"] = [f"Choose at least one of {', '.join(events.KINDS)}."]
    elif unknown := [str(e) for e in events_given if e not in events.KINDS]:
        errors["events"] = [f"No event named {', '.join(unknown)}; choose from "
                            f"{', '.join(events.KINDS)}."]  # fmt: skip
    return errors


def endpoint_save(
    *, actor: User, data: Mapping[str, Any], endpoint: WebhookEndpoint | None = None,
    expected_version: int | None = None,
) -> WebhookEndpoint:  # fmt: skip
    """Register an endpoint (with a new secret) or change one; turning one on again starts
    its count of failures afresh."""
    policy.require(actor, policy.WEBHOOKS_MANAGE)
    before = audit.snapshot(endpoint, ENDPOINT_FIELDS) if endpoint else {}
    target = endpoint or WebhookEndpoint(secret=secrets.token_hex(32), created_by=actor)
    loaded = versions.loaded(target)
    was_active = target.is_active if endpoint else False
    assign(target, data, ENDPOINT_FIELDS)
    target.url = iri_to_uri(str(target.url or "").strip())
    if isinstance(target.events, list):
        target.events = sorted({str(e) for e in target.events})
    validate(target, _endpoint_errors(target))
    if target.is_active and not was_active:
        target.consecutive_failures, target.disabled_reason = 0, ""
    with transaction.atomic():
        if endpoint is None:
            target.save()
        else:
            submitted = {name: data[name] for name in ENDPOINT_FIELDS if name in data}
            if target.is_active and not was_active:
                submitted |= {"consecutive_failures": 0, "disabled_reason": ""}
            versions.save_changes(target, loaded, submitted=submitted,
                                  expected_version=expected_version)  # fmt: skip
            if was_active and not target.is_active:
                pending = WebhookDelivery.objects.filter(
                    endpoint=target, status=WebhookDelivery.Status.PENDING
                )
                pending.update(status=WebhookDelivery.Status.GIVEN_UP)
        changes = audit.diff(before, audit.snapshot(target, ENDPOINT_FIELDS))
        action = AuditEvent.Action.UPDATE if endpoint else AuditEvent.Action.CREATE
        audit.record(actor=actor, action=action, instance=target, changes=changes)
    return target


def endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    policy.require(actor, policy.WEBHOOKS_MANAGE)
    with transaction.atomic():
        audit.record(actor=actor, action=AuditEvent.Action.DELETE, instance=endpoint,
                     changes=audit.removed(audit.snapshot(endpoint, ENDPOINT_FIELDS)))  # fmt: skip
        endpoint.delete()
