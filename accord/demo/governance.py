"""Demo governance: active and piloting partnerships have a joint steering committee with
members of both sides, past meetings with minutes and decisions, upcoming ones, and action
items on both sides, some past due; a few have open escalations, one raised by the partner."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from django.utils import timezone

from accord.accounts.models import User
from accord.demo.partners import partner_of
from accord.governance import escalations, services
from accord.governance.models import ActionItem, Committee, Escalation, Meeting
from accord.partnerships.models import Partnership, Stage

DECISIONS = [
    "Extend the pilot to the second plant",
    "Share the anonymised line data under the annex",
    "Move the quarterly review to the partner's site",
    "Fund two more engineers from the joint budget",
]
ISSUES = [
    ("Test data from the second plant not delivered", "high"),
    ("Disagreement on who owns the improved model", "critical"),
    ("Invoices for the pilot unpaid for 60 days", "medium"),
]
ACTIONS = [
    ("Circulate the data-sharing annex", "partner", -4),
    ("Book the site visit", "ours", -1),
    ("Draft the scale-up business case", "ours", 9),
    ("Nominate the partner's integration lead", "partner", 5),
    ("Update the joint risk register", "ours", 16),
]


def load_governance_demo(
    *, runs: list[tuple[Partnership, User, str]], sponsor: User,
    partners: Mapping[int, User], rng: random.Random,
) -> dict[str, int]:  # fmt: skip
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    for index, (partnership, owner, topic) in enumerate(runs):
        if partnership.stage not in (Stage.ACTIVE, Stage.PILOTING):
            continue
        theirs = partner_of(partnership, partners)
        committee = services.committee_create(
            actor=owner, partnership=partnership,
            data={"name": "Joint steering committee", "cadence": "monthly", "chair": owner,
                  "charter": f"Steers the {topic} work: approves next steps, resolves issues "
                  "and recalibrates the objectives every quarter."},
            members=[m for m in (owner, sponsor, theirs) if m is not None],
            visibility="shared" if theirs else "internal",
            shared_with=[theirs.organization_id] if theirs else None,
        )  # fmt: skip
        people = [m for m in (owner, sponsor, theirs) if m is not None]
        meetings = []
        for weeks in (-9, -5, -1, 3, 7):
            starts = now + dt.timedelta(weeks=weeks, hours=rng.choice([-3, 0, 2]))
            past = weeks < 0
            meetings.append(services.meeting_create(
                actor=owner, committee=committee,
                data={"title": "Steering committee", "starts_at": starts,
                      "ends_at": starts + dt.timedelta(hours=1, minutes=30),
                      "location": rng.choice(["Munich, board room", "Video call", "Partner site"]),
                      "agenda": "1. Pilot results against the criteria\n2. Open actions\n"
                      "3. Next steps and budget",
                      "minutes": "Results reviewed; actions agreed as logged." if past else ""},
                attendees=people,
            ))  # fmt: skip
        for n in range(2 if index % 2 else 1):
            met = meetings[n + 1]
            decision = services.decision_record(
                actor=owner, committee=committee,
                data={"title": DECISIONS[(index + n) % len(DECISIONS)],
                      "decided_by": "Joint steering committee", "meeting": met,
                      "decided_on": timezone.localtime(met.starts_at).date()},
            )  # fmt: skip
        for title, side, due in ACTIONS[index % 2 :: 1 + index % 3]:
            services.action_item_create(
                actor=owner, committee=committee,
                data={"title": title, "meeting": meetings[2], "decision": decision,
                      "owner": theirs if side == "partner" else owner,
                      "due_on": today + dt.timedelta(days=due)},
            )  # fmt: skip
        if index % 4 == 0:
            escalations.escalation_raise(
                actor=theirs or owner, partnership=partnership,
                data={"title": ISSUES[index % len(ISSUES)][0],
                      "severity": ISSUES[index % len(ISSUES)][1],
                      "description": "Raised after the last steering committee."},
                path=None if theirs else [owner, sponsor],
            )  # fmt: skip
    return {
        "escalations": Escalation.objects.count(),
        "committees": Committee.objects.count(),
        "meetings": Meeting.objects.count(),
        "action_items": ActionItem.objects.count(),
    }
