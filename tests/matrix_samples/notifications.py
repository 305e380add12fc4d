"""Notifications are their user's own: each role opens one of its own. The administrator's
alert about the confidential partnership is no one else's to see. A webhook endpoint and one
delivery, for administrators only."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accord.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from accord.partnerships.models import Partnership
from tests.matrix_samples import confidential_samples, own_samples, samples


def _notification(user: Any, partnership: Any = None, title: str = "A milestone is late") -> Any:
    return Notification.objects.create(
        user=user, kind="milestone_overdue", key=f"matrix:{user.pk}:{title}", title=title,
        link="/", partnership=partnership, raised_at=timezone.now(),
    )  # fmt: skip


@own_samples(Notification)
def own_notification(user: Any) -> Any:
    return Notification.objects.filter(user=user).first() or _notification(user)


@samples
def notifications_samples(world: dict[str, Any]) -> dict[Any, Any]:
    endpoint = WebhookEndpoint.objects.create(
        url="https://hooks.example.com/accord", events=["partnership.moved"], secret="s" * 64
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="partnership.moved", payload={"data": {}}
    )
    return {Notification: _notification(world["users"]["admin"]), WebhookEndpoint: endpoint,
            WebhookDelivery: delivery}  # fmt: skip


@confidential_samples
def confidential_notifications(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    return {"alert about the confidential partnership": _notification(
        world["users"]["admin"], secret, world["secret_evidence"])}  # fmt: skip
