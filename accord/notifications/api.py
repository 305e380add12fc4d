"""Notifications API: the caller's own alerts, marking them read, and how the caller hears
of each kind. Thin: reads through selectors, writes through services."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AnyHttpUrl

from accord.core import policy, versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import get_visible_or_404
from accord.core.schemas import InputSchema
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.notifications import selectors, services
from accord.notifications.models import Notification, WebhookEndpoint

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    link: str
    partnership: int | None
    raised_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None

    @staticmethod
    def resolve_partnership(obj: Notification) -> int | None:
        return obj.partnership_id


class PreferencesIO(Schema):
    """Each kind of alert and how the caller hears of it: in_app, email_now, daily, weekly
    or none."""

    channels: dict[str, str]


@router.get("/notifications", response=list[NotificationOut])
@api_access(policy.SIGNED_IN)
@paginate(Page)
def notification_list(request: ApiRequest, unread: bool = False):
    """The caller's notifications, latest first; `unread=true` for the unread ones only."""
    return selectors.notification_rows(request.auth, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response={204: None})
@api_access(policy.SIGNED_IN, model=Notification)
def notification_read(request: ApiRequest, notification_id: int):
    found = get_visible_or_404(request.auth, Notification, pk=notification_id)
    services.mark_read(actor=request.auth, notifications=[found])
    return HttpResponse(status=204)


@router.post("/notifications/read", response={204: None})
@api_access(policy.SIGNED_IN)
def notifications_read_all(request: ApiRequest):
    services.mark_read(actor=request.auth)
    return HttpResponse(status=204)


@router.get("/notification-preferences", response=PreferencesIO)
@api_access(policy.SIGNED_IN)
def preferences(request: ApiRequest):
    return {"channels": selectors.preferences(request.auth)}


@router.put("/notification-preferences", response=PreferencesIO)
@api_access(policy.SIGNED_IN)
def preferences_save(request: ApiRequest, payload: PreferencesIO):
    """Set the channel of the kinds named; the others keep theirs."""
    services.preferences_save(actor=request.auth, chosen=payload.channels)
    return {"channels": selectors.preferences(request.auth)}


# Webhooks ----------------------------------------------------------------------------------------


class WebhookFields(InputSchema):
    url: AnyHttpUrl | None = Field(None, description="Where each event is POSTed (http(s)).")
    description: str | None = Field(None, max_length=200)
    events: list[str] | None = Field(
        None, description="partnership.moved, decision.recorded, alert.raised, import.finished"
    )
    include_confidential: bool | None = None
    is_active: bool | None = None


class WebhookIn(WebhookFields):
    url: AnyHttpUrl
    events: list[str]


class WebhookPatch(WebhookFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    include_confidential: bool
    is_active: bool
    consecutive_failures: int
    disabled_reason: str
    secret: str = Field(..., description="Signs each body: HMAC-SHA256 of TIMESTAMP.BODY.")
    version: int = Field(..., description=VERSION_OUT)


class DeliveryOut(Schema):
    id: int
    event: str
    payload: dict
    status: str
    attempts: int
    response_code: int | None
    error: str
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


def _data(payload: WebhookFields) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if data.get("url") is not None:
        data["url"] = str(data["url"])
    return data


@router.get("/webhook-endpoints", response=list[WebhookOut])
@api_access(policy.WEBHOOKS_MANAGE)
@paginate(Page)
def webhook_list(request: ApiRequest):
    return selectors.webhook_endpoints(request.auth)


@router.post("/webhook-endpoints", response={201: WebhookOut})
@api_access(policy.WEBHOOKS_MANAGE)
def webhook_create(request: ApiRequest, payload: WebhookIn):
    """Register an address for the events named; its secret is made here."""
    return Status(201, services.endpoint_save(actor=request.auth, data=_data(payload)))


@router.get("/webhook-endpoints/{endpoint_id}", response=WebhookOut)
@api_access(policy.WEBHOOKS_MANAGE, model=WebhookEndpoint)
def webhook_get(request: ApiRequest, endpoint_id: int, response: HttpResponse):
    found = get_visible_or_404(request.auth, WebhookEndpoint, pk=endpoint_id)
    versions.tag_response(response, found)
    return found


@router.patch("/webhook-endpoints/{endpoint_id}", response=WebhookOut,
              openapi_extra=EDIT_OPENAPI)  # fmt: skip
@api_access(policy.WEBHOOKS_MANAGE, model=WebhookEndpoint)
def webhook_update(
    request: ApiRequest, endpoint_id: int, payload: WebhookPatch, response: HttpResponse
):
    """Change an address; `is_active: true` turns a disabled one on again."""
    found = get_visible_or_404(request.auth, WebhookEndpoint, pk=endpoint_id)
    expected = versions.expected_version(request, payload.version)
    saved = services.endpoint_save(actor=request.auth, data=_data(payload), endpoint=found,
                                   expected_version=expected)  # fmt: skip
    versions.tag_response(response, saved)
    return saved


@router.delete("/webhook-endpoints/{endpoint_id}", response={204: None})
@api_access(policy.WEBHOOKS_MANAGE, model=WebhookEndpoint)
def webhook_delete(request: ApiRequest, endpoint_id: int):
    found = get_visible_or_404(request.auth, WebhookEndpoint, pk=endpoint_id)
    services.endpoint_delete(actor=request.auth, endpoint=found)
    return HttpResponse(status=204)


@router.get("/webhook-endpoints/{endpoint_id}/deliveries", response=list[DeliveryOut])
@api_access(policy.WEBHOOKS_MANAGE, model=WebhookEndpoint)
@paginate(Page)
def webhook_deliveries(request: ApiRequest, endpoint_id: int):
    """Each event sent to the address, latest first, with how its attempts went."""
    found = get_visible_or_404(request.auth, WebhookEndpoint, pk=endpoint_id)
    return selectors.webhook_deliveries(request.auth, found)
