"""An object's history as a reader may see it: the one way pages read audit events of an object."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accord.core import policy
from accord.core.audit import history_of
from accord.core.models import AuditEvent

if TYPE_CHECKING:
    from accord.accounts.models import User


def history_for(actor: User, instance: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit events of `instance`, newest first, if `actor` may read its history; else none."""
    if not policy.may_read_history_of(actor, instance):
        return AuditEvent.objects.none()
    return history_of(instance)
