"""Demo relationships: who knows whom. Our employees know contacts at about half the organizations,
those contacts know their colleagues, and the people of active partnerships met us in
meetings, calls and dinners over the last year (some with an executive of ours), so most
candidate organizations have an introduction path and some have none."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from accord.accounts.models import User
from accord.directory.models import Person
from accord.partnerships.models import Partnership, Stage
from accord.relationships import services
from accord.relationships.models import Connection, Interaction

REACHED_SHARE = 0.55  # of the other organizations, those one of our employees knows someone at
KINDS = ["meeting", "meeting", "call", "call", "email", "dinner", "site_visit", "event"]


def load_relationships_demo(*, admin: User, rng: random.Random) -> dict[str, int]:
    if Connection.objects.exists():
        return {"connections": Connection.objects.count()}
    people = list(Person.objects.select_related("organization").order_by("pk"))
    employees = [p for p in people if p.is_internal]
    by_organization: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        if not person.is_internal and person.organization_id:
            by_organization[person.organization_id].append(person)
    organizations = sorted(by_organization)
    rng.shuffle(organizations)
    reached = organizations[: round(len(organizations) * REACHED_SHARE)]
    for organization_id in reached:
        colleagues = by_organization[organization_id]
        contact = rng.choice(colleagues)
        services.connection_save(
            actor=admin, person=rng.choice(employees), other=contact,
            data={"strength": rng.choice([30, 45, 60, 75, 90]), "source": "csv",
                  "last_contact": timezone.localdate() - dt.timedelta(days=rng.randint(5, 700))},
        )  # fmt: skip
        for colleague in colleagues:
            if colleague.pk != contact.pk and rng.random() < 0.7:
                services.connection_save(actor=admin, person=contact, other=colleague,
                                         data={"strength": rng.choice([40, 60, 80])})  # fmt: skip
    interactions = _interactions(admin, employees, by_organization, rng)
    services.cadence_install_defaults()
    return {"connections": Connection.objects.count(), "interactions": interactions}


def _interactions(
    admin: User, employees: list[Person], by_organization: dict[int, list[Person]],
    rng: random.Random,
) -> int:  # fmt: skip
    """Three to six touchpoints a year with the partner's people of each active partnership."""
    now = timezone.now()
    active = Partnership.objects.filter(
        stage__in=(Stage.ACTIVE, Stage.RENEWAL_REVIEW, Stage.PILOTING)
    )
    made = 0
    for index, partnership in enumerate(active.prefetch_related("parties").order_by("pk")):
        theirs = [p for party in partnership.parties.all()
                  for p in by_organization.get(party.organization_id, [])]  # fmt: skip
        if not theirs:
            continue
        # Every fourth partnership has not seen an executive of ours for half a year.
        quiet = index % 4 == 3
        for step in range(rng.randint(3, 6)):
            days = rng.randint(200, 360) if quiet else rng.randint(3, 360)
            kind = rng.choice(KINDS)
            executive = not quiet and step == 0
            services.interaction_create(
                actor=admin,
                data={"kind": kind, "title": f"{kind.replace('_', ' ').capitalize()} on "
                      f"{partnership.title[:60]}", "occurred_at": now - dt.timedelta(days=days),
                      "partnership": partnership, "is_executive": executive,
                      "initiated_by": rng.choice(["ours", "theirs", ""]),
                      "sentiment": rng.choice(["positive", "positive", "neutral", "negative"]),
                      "source": Interaction.Source.WEB},
                attendees=[rng.choice(employees), *rng.sample(theirs, min(2, len(theirs)))],
            )  # fmt: skip
            made += 1
    return made
