"""Demo pilots: every partnership that reached `active` went through a pilot decided to scale
(its gate asks for one); those piloting now run pilots in every open state, one past its
timebox without a decision; an exited partnership's pilot was killed, with its rationale.
Piloting and active partnerships have milestones on both sides, some late, and sprints."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal

from django.utils import timezone

from accord.accounts.models import User
from accord.demo.partners import partner_of
from accord.partnerships.models import Partnership, Stage, Visibility
from accord.pilots import milestones, services
from accord.pilots.models import Milestone, Pilot, Sprint

# (metric, unit, comparator, target, first actual, last actual)
CRITERIA = [
    ("Defect detection rate", "%", "at_least", "95", "88", "96.5"),
    ("False rejects per shift", "count", "at_most", "3", "9", "2"),
    ("Cycle time", "s", "at_most", "42", "51", "41"),
    ("Unplanned downtime avoided", "h/month", "at_least", "12", "4", "13"),
    ("Energy per unit", "kWh", "at_most", "1.8", "2.3", "1.75"),
    ("Operator adoption", "%", "at_least", "70", "35", "74"),
]
HYPOTHESES = [
    "Their {topic} cuts our line's scrap by a third within one quarter, without new staff.",
    "A joint {topic} prototype runs on two of our sites with the partner's engineers on call.",
    "Customers of our drives pay for {topic} as a subscription once it has run for 90 days.",
]
READINESS = {
    "technical": (4, "Ran 12 weeks on line 3 without a stop caused by the system."),
    "commercial": (4, "Licence and volume pricing agreed in principle; margin above plan."),
    "organisational": (3, "Plant teams trained; the second site's shift leads start next month."),
    "legal": (4, "Data-processing annex and IP terms signed off by both legal teams."),
}


def _pilot(
    partnership: Partnership,
    owner: User,
    rng: random.Random,
    *,
    starts: dt.date,
    ends: dt.date,
    status: str,
    topic: str,
    partner: User | None = None,
) -> Pilot:
    shared = partner is not None
    pilot = services.pilot_create(
        actor=owner,
        partnership=partnership,
        data={
            "title": f"{topic.capitalize()} pilot",
            "hypothesis": rng.choice(HYPOTHESES).format(topic=topic),
            "scope": "One production line, two shifts; the partner's team on site weekly.",
            "starts_on": starts,
            "ends_on": ends,
            "budget": Decimal(rng.choice([60_000, 120_000, 180_000, 250_000])),
            "owner": owner,
            "partner_owner": partner,
            "status": Pilot.Status.PLANNED if status == Pilot.Status.PLANNED else "running",
        },
        visibility=Visibility.SHARED if shared else Visibility.INTERNAL,
        shared_with=[partner.organization_id] if partner is not None else None,
    )
    for metric, unit, comparator, target, first, last in rng.sample(CRITERIA, 3):
        criterion = services.criterion_add(
            actor=owner,
            pilot=pilot,
            data={"metric": metric, "unit": unit, "comparator": comparator,
                  "target": Decimal(target), "assignee": partner if shared else owner},
        )  # fmt: skip
        if status == Pilot.Status.PLANNED:
            continue
        span = max((min(ends, timezone.localdate()) - starts).days, 1)
        low, high = Decimal(first), Decimal(last)
        for step in range(4):
            value = low + (high - low) * Decimal(step) / 3
            observed = starts + dt.timedelta(days=span * (step + 1) // 4)
            services.actual_record(
                actor=owner,
                criterion=criterion,
                value=value.quantize(Decimal("0.01")),
                observed_on=min(observed, timezone.localdate()),
            )
    if pilot.status != status:
        services.pilot_update(actor=owner, pilot=pilot, data={"status": status})
    return pilot


def scale_a_pilot(
    partnership: Partnership, owner: User, executive: User, rng: random.Random, topic: str
) -> None:
    """A pilot that ran, met its criteria and was decided to scale, readiness assessed."""
    today = timezone.localdate()
    pilot = _pilot(
        partnership, owner, rng, topic=topic, status=Pilot.Status.EVALUATING,
        starts=today - dt.timedelta(days=200), ends=today - dt.timedelta(days=80),
    )  # fmt: skip
    services.readiness_assess(
        actor=owner,
        pilot=pilot,
        scores={name: {"score": s, "evidence": e} for name, (s, e) in READINESS.items()},
    )
    services.pilot_decide(
        actor=executive,
        pilot=pilot,
        decision=Pilot.Decision.SCALE,
        rationale="Every criterion met on the last two readings; readiness 3 or better on all "
        "four dimensions. Roll out to the second site.",
    )


def load_pilots_demo(
    *, runs: list[tuple[Partnership, User, str]], executive: User,
    partners: Mapping[int, User], rng: random.Random,
) -> dict[str, int]:  # fmt: skip
    """Open pilots for the partnerships piloting now, and a killed one for an exited one;
    `runs` are the partnerships with their owner and topic."""
    today = timezone.localdate()
    piloting = [run for run in runs if run[0].stage == Stage.PILOTING]
    plans: list[tuple[str, int, int]] = [  # (status, days since start, days to the end)
        (Pilot.Status.RUNNING, 40, 50),
        (Pilot.Status.RUNNING, 120, -18),  # past its timebox, undecided
        (Pilot.Status.EVALUATING, 95, -3),
        (Pilot.Status.PLANNED, -14, 90),
        (Pilot.Status.RUNNING, 20, 70),
        (Pilot.Status.STOPPED, 60, 30),
    ]
    created = 0
    for index, (partnership, owner, topic) in enumerate(piloting):
        status, since, left = plans[index % len(plans)]
        pilot = _pilot(
            partnership, owner, rng, topic=topic, status=status,
            partner=partner_of(partnership, partners),
            starts=today - dt.timedelta(days=since), ends=today + dt.timedelta(days=left),
        )  # fmt: skip
        if index == len(plans):  # one that was re-run: iterate, with a new timebox
            services.pilot_decide(
                actor=executive, pilot=pilot, decision=Pilot.Decision.ITERATE,
                rationale="Detection met, false rejects not yet: four more weeks with the "
                "retrained model.", ends_on=today + dt.timedelta(days=28),
            )  # fmt: skip
        created += 1
    exited = [run for run in runs if run[0].stage == Stage.EXITED]
    if exited:
        partnership, owner, topic = exited[0]
        pilot = _pilot(
            partnership, owner, rng, topic=topic, status=Pilot.Status.EVALUATING,
            starts=today - dt.timedelta(days=240), ends=today - dt.timedelta(days=120),
        )  # fmt: skip
        services.pilot_decide(
            actor=executive,
            pilot=pilot,
            decision=Pilot.Decision.KILL,
            rationale="Two of three criteria missed after the extension; the partner cannot "
            "staff a second site this year. Exit and keep the relationship warm.",
        )
        created += 1
    for index, (partnership, owner, _) in enumerate(runs):
        if partnership.stage in (Stage.PILOTING, Stage.ACTIVE):
            _milestones(partnership, owner, partner_of(partnership, partners), index, rng)
    return {
        "pilots": Pilot.objects.count(),
        "open_pilots_created": created,
        "milestones": Milestone.objects.count(),
        "sprints": Sprint.objects.count(),
    }


# (title, side, days from today it is due, done)
MILESTONES = [
    ("Kick-off with both teams on site", "ours", -70, True),
    ("Test data set delivered", "partner", -45, True),
    ("Integration on the first line", "ours", -20, True),
    ("Interim results to the steering committee", "partner", -6, False),
    ("Security review of the data flows", "ours", -3, False),
    ("Final pilot report", "ours", 25, False),
]


def _milestones(
    partnership: Partnership, owner: User, partner: User | None, index: int, rng: random.Random
) -> None:
    today = timezone.localdate()
    shared = partner is not None
    pilot = partnership.pilots.order_by("-starts_on").first()
    for title, side, due, done in MILESTONES[index % 2 :: 1 + index % 2]:
        their_owner = partner if shared and side == "partner" else None
        milestones.milestone_create(
            actor=owner,
            partnership=partnership,
            data={
                "title": title, "side": side, "pilot": pilot,
                "owner": owner if side == "ours" else their_owner,
                "due_on": today + dt.timedelta(days=due),
                "completed_on": today + dt.timedelta(days=due - rng.randint(0, 3))
                if done
                else None,
            },
            visibility=Visibility.SHARED if shared else Visibility.INTERNAL,
            shared_with=[partner.organization_id] if shared and partner is not None else None,
        )  # fmt: skip
    if index % 3 == 0:
        start = today - dt.timedelta(days=30 + index)
        milestones.sprint_create(
            actor=owner,
            partnership=partnership,
            data={
                "title": "Two-day joint hackathon", "kind": "hackathon", "pilot": pilot,
                "starts_on": start, "ends_on": start + dt.timedelta(days=1),
                "guests": "Four engineers of the partner",
                "outcomes": "Two working prototypes; one goes into the pilot's next iteration.",
            },
            participants=[owner],
        )  # fmt: skip
