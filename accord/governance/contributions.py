"""What governance adds to a partnership's page: its Governance tab, and an alert for action
items past due."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import User
from accord.core.contributions import PARTNERSHIP_PAGE, contributes_to
from accord.governance.selectors import action_items_of, partnership_committees
from accord.partnerships.models import Partnership


@contributes_to(PARTNERSHIP_PAGE)
def partnership_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    url = reverse("governance:partnership_governance", args=[partnership.pk])
    committees = partnership_committees(actor, partnership).count()
    today = timezone.localdate()
    late = [
        item
        for item in action_items_of(actor, committee__partnership=partnership, status="open")
        if item.days_overdue(today)
    ]
    alerts = []
    if late:
        alerts.append((
            "warning",
            f"{len(late)} action item{'s' if len(late) > 1 else ''} past due: "
            + ", ".join(f"“{i.title}” ({i.days_overdue(today)} d)" for i in late[:3])
            + ("…" if len(late) > 3 else ""),
            url,
            "Governance",
        ))  # fmt: skip
    return {"tabs": [("Governance", url, committees)], "alerts": alerts}
