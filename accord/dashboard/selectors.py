"""Reads for the home page, each through the access policy and given the acting user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DateField, Func, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accord.accounts.models import User
from accord.core import policy
from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.core.prefetch import attach
from accord.directory.models import Organization, Person, Tag
from accord.governance.selectors import open_escalations, overdue_action_items
from accord.metrics.selectors import widest_gaps
from accord.partnerships.coverage import gap_coverage
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage
from accord.pilots.selectors import overdue_milestones, overdue_pilots

REVIEW_WINDOW_DAYS = 30
RENEWAL_NOTICE_DEFAULT_DAYS = 90
NDA_WINDOW_DAYS = 60
LIST_LIMIT = 10
RECENT_CHANGE_FIELDS = ("at", "actor_name", "channel", "action", "model", "object_repr", "changes")


def coverage_summary(actor: User, *, top: int = 5) -> dict[str, Any]:
    """Counts of uncovered, thin and covered gaps and the `top` most exposed. Three queries."""

    rows = gap_coverage(actor)
    counts = {status: 0 for status in ("uncovered", "thin", "covered")}
    for row in rows:
        counts[row.status] += 1
    return {**counts, "total": len(rows), "top": [r for r in rows if r.exposure > 0][:top]}


def pipeline_funnel(actor: User) -> dict[str, Any]:
    """Partnerships per stage, in pipeline order, the exits apart. One query."""

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


def upcoming_reviews(actor: User, today: dt.date, *, rows: Any = None) -> list[Any]:
    """Open partnerships (of `rows`, by default all `actor` sees) whose next review is overdue
    or within the window. One query."""

    horizon = today + dt.timedelta(days=REVIEW_WINDOW_DAYS)
    rows = (
        (visible_to(actor, Partnership) if rows is None else rows)
        .exclude(stage__in=EXITS)
        .filter(next_review_date__lte=horizon)
        .only("pk", "title", "next_review_date")
        .order_by("next_review_date", "pk")[:LIST_LIMIT]
    )
    for row in rows:
        review = row.next_review_date
        assert review is not None  # the filter keeps only partnerships with a review date
        attach(row, overdue=review < today, days=(review - today).days)
    return list(rows)


class PlusDays(Func):
    """A date plus a whole number of days, in SQL: SQLite and PostgreSQL spell it differently
    (and Django's duration arithmetic runs a Python function per row on SQLite)."""

    arity = 2
    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date('2026-01-31', '+' || 90 || ' days')
        template = "date(%(expressions)s || ' days')"
        return self.as_sql(compiler, connection, template=template, arg_joiner=", '+' || ")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # CAST('2026-01-31' AS date) + 90
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ")


def upcoming_renewals(actor: User, today: dt.date, *, rows: Any = None) -> list[dict[str, Any]]:
    """Agreements (of `rows`, by default all `actor` sees) ending within their notice period
    (90 days when none is set) and NDAs expiring within 60 days, soonest first: at most
    LIST_LIMIT, from two queries of at most LIST_LIMIT rows, the soonest of each kind."""
    rows = (visible_to(actor, Partnership) if rows is None else rows).exclude(stage__in=EXITS)
    notice = Coalesce("renewal_notice_days", RENEWAL_NOTICE_DEFAULT_DAYS)
    notice_ends = PlusDays(Cast(Value(today), DateField()), notice)
    agreements = rows.filter(end_date__gte=today, end_date__lte=notice_ends)
    nda_horizon = today + dt.timedelta(days=NDA_WINDOW_DAYS)
    ndas = rows.filter(nda_expires_on__gte=today, nda_expires_on__lte=nda_horizon)
    due = []
    for what, field, kind in (("agreement ends", "end_date", agreements),
                              ("NDA expires", "nda_expires_on", ndas)):  # fmt: skip
        for p in kind.only("pk", "title", "stage", field).order_by(field, "pk")[:LIST_LIMIT]:
            on = getattr(p, field)
            due.append({"partnership": p, "what": what, "on": on, "days": (on - today).days})
    return sorted(due, key=lambda i: (i["on"], i["partnership"].pk))[:LIST_LIMIT]


def my_partnerships(actor: User) -> list[Any]:
    """Open partnerships the user owns, sponsors or is on the team of. One query."""

    mine = Partnership.objects.filter(
        Q(owner=actor) | Q(executive_sponsor=actor) | Q(team=actor)
    ).values("pk")
    return list(
        visible_to(actor, Partnership)
        .filter(pk__in=mine)
        .exclude(stage__in=EXITS)
        .only("pk", "title", "stage")
        .order_by("next_review_date", "title", "pk")[:LIST_LIMIT]
    )


def dashboard_for(actor: User) -> dict[str, Any]:
    """The home page's figures, each read through the access policy."""

    if not policy.can(actor, policy.DIRECTORY_VIEW):
        return {"workspace_organization": getattr(actor, "organization", None)}
    organizations = visible_to(actor, Organization)
    by_kind = list(organizations.values("kind").annotate(n=Count("id")).order_by("-n"))
    kind_labels = dict(Organization.Kind.choices)
    context: dict[str, Any] = {
        "organization_count": sum(r["n"] for r in by_kind),
        "person_count": visible_to(actor, Person).count(),
        "tag_count": visible_to(actor, Tag).count(),
        "by_kind": [
            {"kind": r["kind"], "label": kind_labels.get(r["kind"], r["kind"]), "n": r["n"]}
            for r in by_kind
        ],
        "recent_changes": list(visible_to(actor, AuditEvent).only(*RECENT_CHANGE_FIELDS)[:12]),
        "self_organization": organizations.filter(is_self=True).only("name").first(),
    }
    if policy.can(actor, policy.PARTNERSHIP_VIEW):
        today = timezone.localdate()
        context.update(
            funnel=pipeline_funnel(actor),
            reviews=upcoming_reviews(actor, today),
            renewals=upcoming_renewals(actor, today),
            mine=my_partnerships(actor),
            overdue_pilots=overdue_pilots(actor, today),
            overdue_milestones=overdue_milestones(actor, today),
            overdue_actions=overdue_action_items(actor, today),
            escalations=open_escalations(actor),
            health_gaps=widest_gaps(actor),
        )
    if policy.can(actor, policy.STRATEGY_VIEW):
        context["coverage"] = coverage_summary(actor)
    return context
