"""What pilots add to a partnership's page: its Pilots tab, and alerts for a pilot past its
timebox without a decision and for a killed pilot whose partnership has not been exited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import User
from accord.core.contributions import PARTNERSHIP_PAGE, contributes_to
from accord.partnerships.models import EXITS, Partnership, Stage
from accord.pilots.models import Pilot
from accord.pilots.selectors import partnership_milestones, partnership_pilots


def exit_proposal(pilot: Pilot) -> str:
    """The move form into `exited`, its reason filled from the kill decision."""
    reason = f"Pilot “{pilot.title}” was killed on {pilot.decided_at:%Y-%m-%d}."
    query = urlencode({"to": Stage.EXITED, "reason": reason})
    return f"{reverse('partnerships:partnership_move', args=[pilot.partnership_id])}?{query}"


@contributes_to(PARTNERSHIP_PAGE)
def partnership_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    pilots = partnership_pilots(actor, partnership)
    today = timezone.localdate()
    alerts = [
        (
            "warning",
            f"Pilot “{pilot.title}” passed its timebox on {pilot.ends_on:%Y-%m-%d} "
            f"({pilot.days_overdue(today)} days ago) without a decision.",
            pilot.get_absolute_url(),
            "Decide",
        )
        for pilot in pilots
        if pilot.days_overdue(today)
    ]
    decided = [p for p in pilots if p.decided_at is not None]
    last = max(decided, key=lambda p: p.decided_at or timezone.now(), default=None)
    if last is not None and last.decision == Pilot.Decision.KILL and partnership.stage not in EXITS:
        alerts.append((
            "danger",
            f"Pilot “{last.title}” was killed: the exit is proposed.",
            exit_proposal(last),
            "Propose the exit",
        ))  # fmt: skip
    late = [m for m in partnership_milestones(actor, partnership) if m.days_overdue(today)]
    if late:
        alerts.append((
            "warning",
            f"{len(late)} milestone{'s' if len(late) > 1 else ''} past due: "
            + ", ".join(f"“{m.title}” ({m.days_overdue(today)} d)" for m in late[:3])
            + ("…" if len(late) > 3 else ""),
            reverse("pilots:partnership_milestones", args=[partnership.pk]),
            "Milestones",
        ))  # fmt: skip
    return {
        "tabs": [
            ("Pilots", reverse("pilots:partnership_pilots", args=[partnership.pk]), len(pilots)),
            ("Milestones", reverse("pilots:partnership_milestones", args=[partnership.pk]), 0),
        ],
        "alerts": alerts,
    }
