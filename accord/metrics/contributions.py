"""What metrics add to a partnership's page: its Metrics tab, with how many KPIs it tracks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.accounts.models import User
from accord.core.contributions import PARTNERSHIP_PAGE, contributes_to
from accord.metrics.selectors import observation_rows, target_rows
from accord.partnerships.models import Partnership


@contributes_to(PARTNERSHIP_PAGE)
def partnership_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    url = reverse("metrics:partnership_metrics", args=[partnership.pk])
    tracked = observation_rows(actor).filter(partnership=partnership).order_by().values("kpi_id")
    targeted = target_rows(actor).filter(partnership=partnership).order_by().values("kpi_id")
    count = tracked.union(targeted).count()
    health = reverse("metrics:partnership_health", args=[partnership.pk])
    return {"tabs": [("Metrics", url, count), ("Health", health, 0)]}
