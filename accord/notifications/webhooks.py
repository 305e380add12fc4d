"""Webhooks: each event an endpoint subscribes to is POSTed to it as JSON, signed, and retried
with growing pauses until it answers 2xx or MAX_ATTEMPTS have failed. Every attempt is kept in
the endpoint's delivery log. An endpoint failing DISABLE_AFTER attempts in a row is turned off
and the administrators told; turning it on again starts the count afresh.

The signature lets the receiver check the body came from Accord and is fresh:
`X-Accord-Signature: sha256=HEX`, the HMAC-SHA256 under the endpoint's secret of
`TIMESTAMP.BODY`, with TIMESTAMP (Unix seconds) in `X-Accord-Timestamp`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accord.accounts.models import User
from accord.core import policy
from accord.notifications.models import (
    AlertPreference,
    Channel,
    Kind,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
)

logger = logging.getLogger("accord.webhooks")

MAX_ATTEMPTS = 6
FIRST_DELAY = dt.timedelta(seconds=30)
USER_AGENT = "Accord-Webhooks/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def on_event(kind: str, data: dict[str, Any]) -> None:
    """Queue a delivery of the event to every active endpoint that subscribes to it. Heard
    inside the transaction of the change (apps.py), so each delivery row and its task are
    committed with the change or not at all."""
    occurred_at = timezone.now().isoformat()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if kind not in endpoint.events:
            continue
        if data.get("confidential") and not endpoint.include_confidential:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=kind,
            payload={"event": kind, "occurred_at": occurred_at, "data": data},
        )  # fmt: skip
        deliver.enqueue(delivery.pk)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: the body is not sent on to somewhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """The status code (None when there was no answer) and what went wrong, if anything."""
    body = json.dumps({"id": delivery.pk, **delivery.payload}, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    # The address is an administrator's, checked to be http(s) when saved.
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Accord-Event": delivery.event, "X-Accord-Delivery": str(delivery.pk),
        "X-Accord-Timestamp": timestamp,
        "X-Accord-Signature": sign(endpoint.secret, timestamp, body),
    })  # fmt: skip
    try:
        with _opener.open(request, timeout=settings.ACCORD_WEBHOOK_TIMEOUT_SECONDS) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"answered {error.code} {error.reason}"[:300]
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"no answer: {reason}"[:300]


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at a delivery; a failed one is queued again after a growing pause."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "nothing to send"
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.GIVEN_UP, next_attempt_at=None
        )
        return "the endpoint is off"
    code, error = _post(endpoint, delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_code, delivery.error, delivery.last_attempt_at = code, error, now
    delivery.next_attempt_at = None
    if code is not None and 200 <= code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.save()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return f"delivered: {code}"
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GIVEN_UP
    else:
        delivery.next_attempt_at = now + FIRST_DELAY * 2 ** (delivery.attempts - 1)
    with transaction.atomic():  # the attempt and the next one's task are written together
        delivery.save()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        endpoint.refresh_from_db(fields=["consecutive_failures"])
        turn_off = endpoint.consecutive_failures >= settings.ACCORD_WEBHOOK_DISABLE_AFTER
        if not turn_off and delivery.next_attempt_at is not None:
            deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    if turn_off:
        _turn_off(endpoint, error)
    return f"attempt {delivery.attempts} failed: {error}"


def _turn_off(endpoint: WebhookEndpoint, error: str) -> None:
    reason = (f"turned off after {endpoint.consecutive_failures} failed attempts in a row; "
              f"the last {error}")[:300]  # fmt: skip
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING
                                   ).update(status=WebhookDelivery.Status.GIVEN_UP)  # fmt: skip
    logger.error("webhook %s %s", endpoint.url, reason)
    link = reverse("notifications:webhookendpoint_detail", args=[endpoint.pk])
    active = User.objects.filter(is_active=True)
    admins = [user for user in active if policy.can(user, policy.WEBHOOKS_MANAGE)]
    muted = set(AlertPreference.objects.filter(
        user__in=admins, kind=Kind.WEBHOOK_DISABLED, channel=Channel.NONE,
    ).values_list("user_id", flat=True))  # fmt: skip
    admins = [admin for admin in admins if admin.pk not in muted]
    Notification.objects.bulk_create([
        Notification(user=admin, kind=Kind.WEBHOOK_DISABLED, link=link, raised_at=timezone.now(),
                     key=f"webhook:{endpoint.pk}:{timezone.now():%Y%m%dT%H%M%S}",
                     title=f"The webhook to {endpoint.url} was {reason}.")
        for admin in admins
    ], ignore_conflicts=True)  # fmt: skip
