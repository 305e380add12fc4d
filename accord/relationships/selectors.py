"""Every read of the relationships on behalf of a user, through the access policy: interactions,
connections, a relationship's strength with its reasons, and an organization's strongest
relationship with us."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.directory.models import Organization, Person
from accord.partnerships.models import EXITS, Partnership
from accord.relationships import graph
from accord.relationships.models import CadenceRule, Connection, Interaction
from accord.relationships.paths import our_people
from accord.relationships.services import ordered, touches_between
from accord.relationships.strength import Strength, Touch, pair_strength, standing


def interaction_rows(actor: User) -> QuerySet[Interaction]:
    return visible_to(actor, Interaction).select_related("partnership", "created_by")


def people_with_email(actor: User, email: str) -> list[Person]:
    """Everyone in the directory with this e-mail (more than one is for a person to sort
    out)."""
    return list(visible_to(actor, Person).filter(email__iexact=(email or "").strip())[:2])


def connection_rows(actor: User) -> QuerySet[Connection]:
    return visible_to(actor, Connection).select_related(
        "person_a__organization", "person_b__organization"
    )


def explain(actor: User, person: Person, other: Person) -> Strength:
    """The strength of two people's relationship with its reasons, from the interactions the
    actor may see (the kept strength counts private ones too)."""
    a, b = ordered(person.pk, other.pk)
    connection = visible_to(actor, Connection).filter(person_a_id=a, person_b_id=b).first()
    touches = touches_between([(a, b)], interaction_rows(actor).values("pk")).get((a, b), [])
    first, second = (person, other) if person.pk == a else (other, person)
    return pair_strength(
        stated=connection.strength if connection else None, known=connection is not None,
        touches=touches, titles=(first.title, second.title), now=timezone.now(),
    )  # fmt: skip


def connections_of(
    actor: User, person: Person, *, limit: int = 10
) -> list[tuple[Person, Connection]]:
    """A person's strongest connections: who, and the connection."""
    rows = connection_rows(actor).filter(Q(person_a=person) | Q(person_b=person))
    return [(c.person_b if c.person_a_id == person.pk else c.person_a, c)
            for c in rows.order_by("-score", "pk")[:limit]]  # fmt: skip


def _strongest_link(targets: set[int]) -> tuple[str, int] | None:
    """The strongest kept link between one of our people and one of `targets`, named."""
    links, sources = graph.current(), our_people()
    best: tuple[int, int, int] | None = None
    for target in sorted(targets - sources):
        for neighbour, score in links.links_of(target):
            if neighbour in sources and (best is None or score > best[0]):
                best = (score, neighbour, target)
    if best is None:
        return None
    names = dict(Person.objects.filter(pk__in=best[1:]).values_list("pk", "full_name"))
    return f"{names.get(best[1], '?')} and {names.get(best[2], '?')}", best[0]


def _standing(actor: User, interactions: Q, people: set[int]) -> Strength:
    rows = interaction_rows(actor).filter(interactions).distinct().values_list(
        "kind", "occurred_at", "initiated_by", "is_executive")  # fmt: skip
    touches = [Touch(kind, at, side, executive) for kind, at, side, executive in rows]
    return standing(link=_strongest_link(people), touches=touches, now=timezone.now())


def organization_standing(
    actor: User, organization: Organization, people: list[Person] | None = None
) -> Strength:
    """How well we know an organization, from the interactions the actor may see with it and
    the strongest link to its people (pass them when already read)."""
    if people is None:
        people = list(organization.people.all())
    return _standing(actor, Q(organizations=organization), {p.pk for p in people})


def partnership_standing(actor: User, partnership: Partnership) -> Strength:
    """How well we know a partnership's partners: its interactions and theirs, and the
    strongest link to their people."""
    partners = partnership.organizations.values("pk")
    people = set(Person.objects.filter(organization__in=partners).values_list("pk", flat=True))
    return _standing(actor, Q(partnership=partnership) | Q(organizations__in=partners), people)


# Cadence ----------------------------------------------------------------------------------------


@dataclass
class Touchpoint:
    """An open partnership a cadence rule covers, and how long since an executive of ours
    last met its partner."""

    partnership: Partnership
    rule: CadenceRule
    last: dt.datetime | None
    today: dt.date

    @property
    def days_since(self) -> int | None:
        return None if self.last is None else (self.today - timezone.localdate(self.last)).days

    @property
    def overdue_days(self) -> int:
        """Days past the rule's interval; for one never met, counted from when it entered its
        stage."""
        since = self.days_since
        if since is None:
            entered = getattr(self.partnership, "entered", None) or self.partnership.created_at
            since = (self.today - timezone.localdate(entered)).days
        return max(0, since - self.rule.every_days)


def _rule_for(rules: list[CadenceRule], partnership: Partnership) -> CadenceRule | None:
    """The strictest active rule that covers the partnership."""
    fitting = [r for r in rules
               if (not r.partnership_type or r.partnership_type == partnership.type)
               and (not r.stage or r.stage == partnership.stage)]  # fmt: skip
    return min(fitting, key=lambda r: (r.every_days, r.pk)) if fitting else None


def cadence(actor: User, *, today: dt.date | None = None) -> list[Touchpoint]:
    """Every open partnership a cadence rule covers, the most overdue first. Three queries,
    however many partnerships and interactions."""
    today = today or timezone.localdate()
    rules = list(visible_to(actor, CadenceRule).filter(is_active=True))
    if not rules:
        return []
    open_ones = list(
        visible_to(actor, Partnership).exclude(stage__in=EXITS)
        .select_related("executive_sponsor", "owner").annotate(entered=Max("transitions__at"))
    )  # fmt: skip
    last = dict(
        interaction_rows(actor).filter(is_executive=True, occurred_at__lte=timezone.now(),
                                       partnership__in=[p.pk for p in open_ones])
        .values("partnership_id").annotate(last=Max("occurred_at"))
        .values_list("partnership_id", "last").order_by()
    )  # fmt: skip
    found = []
    for partnership in open_ones:
        rule = _rule_for(rules, partnership)
        if rule is not None:
            found.append(Touchpoint(partnership, rule, last.get(partnership.pk), today))
    return sorted(found, key=lambda t: (-t.overdue_days, t.partnership.title))
