"""Notifications API: the caller's own alerts, marking them read, and how the caller hears
of each kind. Thin: reads through selectors, writes through services."""

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate

from accord.core import policy
from accord.core.api_access import api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import get_visible_or_404
from accord.notifications import selectors, services
from accord.notifications.models import Notification

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
