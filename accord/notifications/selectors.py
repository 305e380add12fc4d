"""A user's own notifications and alert preferences, through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core.policy import VENTURES_CHANGE, WEBHOOKS_MANAGE, can, visible_to
from accord.notifications.models import (
    DEFAULT_CHANNEL,
    AlertPreference,
    Kind,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
)


def notification_rows(actor: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = visible_to(actor, Notification)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(actor: User) -> int:
    return notification_rows(actor, unread_only=True).count()


def kinds_for(actor: User) -> list[str]:
    """The kinds of alert the actor can receive (webhook trouble is for administrators,
    option deadlines and portfolio figures for those who keep the venture portfolio)."""
    hidden = set() if can(actor, WEBHOOKS_MANAGE) else {Kind.WEBHOOK_DISABLED.value}
    if not can(actor, VENTURES_CHANGE):
        hidden |= {Kind.OPTION_DEADLINE.value, Kind.PORTFOLIO_FIGURES.value}
    return [kind for kind in Kind.values if kind not in hidden]


def preferences(actor: User) -> dict[str, str]:
    """How the actor hears of each kind of alert it can receive, every one named."""
    chosen = dict(visible_to(actor, AlertPreference).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNEL) for kind in kinds_for(actor)}


def webhook_endpoints(actor: User) -> QuerySet[WebhookEndpoint]:
    return visible_to(actor, WebhookEndpoint)


def webhook_deliveries(actor: User, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return visible_to(actor, WebhookDelivery).filter(endpoint=endpoint)
