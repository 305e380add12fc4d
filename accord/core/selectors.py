"""Reads for the home page, each through the access policy and given the acting user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accord.core import policy
from accord.core.models import AuditEvent
from accord.core.policy import visible_to

REVIEW_WINDOW_DAYS = 30
RENEWAL_NOTICE_DEFAULT_DAYS = 90
NDA_WINDOW_DAYS = 60
LIST_LIMIT = 10


def coverage_summary(actor: Any, *, top: int = 5) -> dict[str, Any]:
    """Counts of uncovered, thin and covered gaps and the `top` most exposed. Three queries."""
    from accord.strategy.coverage import gap_coverage

    rows = gap_coverage(actor)
    counts = {status: 0 for status in ("uncovered", "thin", "covered")}
    for row in rows:
        counts[row.status] += 1
    return {**counts, "total": len(rows), "top": [r for r in rows if r.exposure > 0][:top]}


def pipeline_funnel(actor: Any) -> dict[str, Any]:
    """Partnerships per stage, in pipeline order, the exits apart. One query."""
    from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage

    counts = dict(
        visible_to(actor, Partnership)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    in_pipeline = [(s, Stage(s).label, counts.get(s, 0)) for s in PIPELINE]
    widest = max((n for _, _, n in in_pipeline), default=0) or 1
    return {
        "stages": [
            {"stage": s, "label": label, "n": n, "percent": round(100 * n / widest)}
            for s, label, n in in_pipeline
        ],
        "exits": [{"stage": s, "label": Stage(s).label, "n": counts.get(s, 0)} for s in EXITS],
        "total": sum(n for _, _, n in in_pipeline),
    }


def upcoming_reviews(actor: Any, today: dt.date) -> list[Any]:
    """Open partnerships whose next review is overdue or within the window. One query."""
    from accord.partnerships.models import EXITS, Partnership

    horizon = today + dt.timedelta(days=REVIEW_WINDOW_DAYS)
    rows = (
        visible_to(actor, Partnership)
        .exclude(stage__in=EXITS)
        .filter(next_review_date__lte=horizon)
        .select_related("owner")
        .order_by("next_review_date", "pk")[:LIST_LIMIT]
    )
    for row in rows:
        row.overdue = row.next_review_date < today
        row.days = (row.next_review_date - today).days
    return list(rows)


def upcoming_renewals(actor: Any, today: dt.date) -> list[dict[str, Any]]:
    """Agreements ending within their notice period (90 days when none is set) and NDAs
    expiring within 60 days, soonest first. One query; the per-row notice period is applied
    here rather than in SQL because date arithmetic differs between SQLite and PostgreSQL."""
    from accord.partnerships.models import EXITS, Partnership

    nda_horizon = today + dt.timedelta(days=NDA_WINDOW_DAYS)
    candidates = (
        visible_to(actor, Partnership)
        .exclude(stage__in=EXITS)
        .filter(
            Q(end_date__gte=today) | Q(nda_expires_on__gte=today, nda_expires_on__lte=nda_horizon)
        )
        .only("pk", "title", "stage", "end_date", "renewal_notice_days", "nda_expires_on")
    )
    due = []
    for p in candidates:
        if p.end_date and p.end_date >= today:
            notice = p.renewal_notice_days or RENEWAL_NOTICE_DEFAULT_DAYS
            if p.end_date <= today + dt.timedelta(days=notice):
                due.append({"partnership": p, "what": "agreement ends", "on": p.end_date})
        if p.nda_expires_on and today <= p.nda_expires_on <= nda_horizon:
            due.append({"partnership": p, "what": "NDA expires", "on": p.nda_expires_on})
    for item in due:
        item["days"] = (item["on"] - today).days
    return sorted(due, key=lambda i: (i["on"], i["partnership"].pk))[:LIST_LIMIT]


def my_partnerships(actor: Any) -> list[Any]:
    """Open partnerships the user owns, sponsors or is on the team of. One query."""
    from accord.partnerships.models import EXITS, Partnership

    mine = Partnership.objects.filter(
        Q(owner=actor) | Q(executive_sponsor=actor) | Q(team=actor)
    ).values("pk")
    return list(
        visible_to(actor, Partnership)
        .filter(pk__in=mine)
        .exclude(stage__in=EXITS)
        .order_by("next_review_date", "title", "pk")[:LIST_LIMIT]
    )


def dashboard_for(actor: Any) -> dict[str, Any]:
    """The home page's figures, each read through the access policy."""
    from accord.directory.models import Organization, Person, Tag

    if not policy.can(actor, policy.DIRECTORY_VIEW):
        return {"workspace_organization": getattr(actor, "organization", None)}
    organizations = visible_to(actor, Organization)
    by_kind = list(organizations.values("kind").annotate(n=Count("id")).order_by("-n"))
    kind_labels = dict(Organization.Kind.choices)
    context: dict[str, Any] = {
        "organization_count": organizations.count(),
        "person_count": visible_to(actor, Person).count(),
        "tag_count": visible_to(actor, Tag).count(),
        "by_kind": [
            {"kind": r["kind"], "label": kind_labels.get(r["kind"], r["kind"]), "n": r["n"]}
            for r in by_kind
        ],
        "recent_changes": list(visible_to(actor, AuditEvent).select_related("actor")[:12]),
        "self_organization": organizations.filter(is_self=True).first(),
    }
    if policy.can(actor, policy.PARTNERSHIP_VIEW):
        today = timezone.localdate()
        context.update(
            funnel=pipeline_funnel(actor),
            reviews=upcoming_reviews(actor, today),
            renewals=upcoming_renewals(actor, today),
            mine=my_partnerships(actor),
        )
    if policy.can(actor, policy.STRATEGY_VIEW):
        context["coverage"] = coverage_summary(actor)
    return context
