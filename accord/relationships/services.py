"""Every write to the relationships: interactions with their attendees, connections between two
people, and the strength kept on each connection for path search. Validated, saved and
audited in one transaction."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.directory.models import Organization, Person
from accord.partnerships.models import EXITS
from accord.relationships.models import Attendee, CadenceRule, Connection, Interaction
from accord.relationships.strength import Touch, pair_strength

INTERACTION_FIELDS = ("kind", "title", "occurred_at", "summary", "sentiment", "follow_ups",
                      "initiated_by", "is_executive", "is_private", "partnership")  # fmt: skip
CONNECTION_FIELDS = ("strength", "source", "last_contact", "note")
OUR_RELATIONS = (Person.Relation.EMPLOYEE, Person.Relation.BOARD, Person.Relation.INVESTOR,
                 Person.Relation.ADVISOR)  # fmt: skip
# The people of an interaction this large (a conference) are not taken to know each other.
CROWD = 12


def is_ours(person: Person) -> bool:
    """Our employees, board members, investors and advisors: who may introduce us."""
    return person.is_internal or person.relation in OUR_RELATIONS


def ours() -> Q:
    return Q(is_internal=True) | Q(relation__in=OUR_RELATIONS)


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# Interactions -----------------------------------------------------------------------------------


def _interaction_errors(
    actor: User, data: Mapping[str, Any], attendees: Sequence[Person]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not attendees:
        errors["attendees"] = ["Name at least one person who took part."]
    partnership = data.get("partnership")
    if (
        partnership is not None
        and not policy.visible_to(actor, type(partnership)).filter(pk=partnership.pk).exists()
    ):
        errors["partnership"] = ["No such partnership."]
    return errors


def _set_attendees(interaction: Interaction, attendees: Sequence[Person]) -> None:
    unique = {person.pk: person for person in attendees}
    Attendee.objects.filter(interaction=interaction).exclude(person__in=unique).delete()
    present = set(
        Attendee.objects.filter(interaction=interaction).values_list("person_id", flat=True)
    )
    Attendee.objects.bulk_create(
        Attendee(interaction=interaction, person=person, is_ours=is_ours(person))
        for pk, person in unique.items() if pk not in present
    )  # fmt: skip


def _snapshot(interaction: Interaction) -> dict[str, Any]:
    values = audit.snapshot(interaction, INTERACTION_FIELDS)
    values["attendees"] = sorted(
        str(a.person) for a in interaction.attendees.select_related("person")
    )
    values["organizations"] = sorted(str(o) for o in interaction.organizations.all())
    return values


@transaction.atomic
def interaction_create(
    *, actor: User, data: Mapping[str, Any], attendees: Sequence[Person],
    organizations: Sequence[Organization] | None = None,
) -> Interaction:  # fmt: skip
    """Record an interaction. Its organizations are those of the attendees not ours unless
    given; people who met in a small enough one become connected, and the strength of every
    pair of its people is read again."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    interaction = Interaction(created_by=actor, source=data.get("source") or "web")
    assign(interaction, data, INTERACTION_FIELDS)
    validate(interaction, _interaction_errors(actor, data, attendees))
    interaction.save()
    _set_attendees(interaction, attendees)
    theirs = {p.organization_id for p in attendees if not is_ours(p) and p.organization_id}
    interaction.organizations.set(organizations if organizations is not None else theirs)
    refresh_scores(_derive_connections(interaction))
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=interaction,
                 changes=audit.diff({}, _snapshot(interaction)))  # fmt: skip
    return interaction


@transaction.atomic
def interaction_update(
    *, actor: User, interaction: Interaction, data: Mapping[str, Any],
    attendees: Sequence[Person] | None = None, organizations: Sequence[Organization] | None = None,
    expected_version: int | None = None,
) -> Interaction:  # fmt: skip
    """Change the fields in `data` and, when given, the attendees and organizations."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    before = _snapshot(interaction)
    met_before = set(_pairs_of(interaction))
    loaded = versions.loaded(interaction)
    assign(interaction, data, INTERACTION_FIELDS)
    people = attendees if attendees is not None else [
        a.person for a in interaction.attendees.select_related("person")
    ]  # fmt: skip
    validate(interaction, _interaction_errors(actor, data, people))
    submitted = {name: data[name] for name in INTERACTION_FIELDS if name in data}
    versions.save_changes(interaction, loaded, submitted=submitted,
                          expected_version=expected_version)  # fmt: skip
    if attendees is not None:
        _set_attendees(interaction, attendees)
    if organizations is not None:
        interaction.organizations.set(organizations)
    refresh_scores(met_before | _derive_connections(interaction))
    changes = audit.diff(before, _snapshot(interaction))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=interaction,
                     changes=changes)  # fmt: skip
    return interaction


def _pairs_of(interaction: Interaction) -> list[tuple[int, int]]:
    people = sorted(interaction.attendees.values_list("person_id", flat=True))
    if len(people) > CROWD:
        return []
    return list(itertools.combinations(people, 2))


def _derive_connections(interaction: Interaction) -> set[tuple[int, int]]:
    """Connect the people of a small interaction who were not yet; their pairs."""
    pairs = set(_pairs_of(interaction))
    if not pairs:
        return pairs
    people = {pk for pair in pairs for pk in pair}
    known = set(
        Connection.objects.filter(person_a__in=people, person_b__in=people)
        .values_list("person_a_id", "person_b_id")
    )  # fmt: skip
    day = timezone.localtime(interaction.occurred_at).date()
    Connection.objects.bulk_create(
        Connection(person_a_id=a, person_b_id=b, source=Connection.Source.INTERACTIONS,
                   last_contact=day) for a, b in sorted(pairs - known)
    )  # fmt: skip
    return pairs


# Connections ------------------------------------------------------------------------------------


@transaction.atomic
def connection_save(
    *, actor: User, person: Person, other: Person, data: Mapping[str, Any]
) -> Connection:
    """Say that two people know each other (or change what is known of it)."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    if person.pk == other.pk:
        raise ValidationError({"other": [f"{person} is not connected to themselves."]})
    a, b = ordered(person.pk, other.pk)
    connection = Connection.objects.filter(person_a_id=a, person_b_id=b).first()
    before = audit.snapshot(connection, CONNECTION_FIELDS) if connection else {}
    connection = connection or Connection(person_a_id=a, person_b_id=b)
    assign(connection, data, CONNECTION_FIELDS)
    strength = connection.strength
    errors = {}
    if strength is not None and not 0 <= int(strength) <= 100:
        errors["strength"] = [f"Strength is between 0 and 100, not {strength}."]
    validate(connection, errors)
    connection.save()
    refresh_scores({(a, b)})
    connection.refresh_from_db()
    changes = audit.diff(before, audit.snapshot(connection, CONNECTION_FIELDS))
    if changes:
        action = AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE
        audit.record(actor=actor, action=action, instance=connection, changes=changes)
    return connection


# Strength kept for path search ------------------------------------------------------------------


def touches_between(pairs: Iterable[tuple[int, int]], interactions: Any = None) -> dict[
    tuple[int, int], list[Touch]
]:  # fmt: skip
    """The interactions each pair of people shared (of `interactions`, all by default). One
    query."""
    wanted = {ordered(a, b) for a, b in pairs}
    people = {pk for pair in wanted for pk in pair}
    rows = Attendee.objects.filter(person__in=people)
    if interactions is not None:
        rows = rows.filter(interaction__in=interactions)
    present: dict[int, set[int]] = defaultdict(set)
    about: dict[int, Touch] = {}
    for interaction_id, person_id, kind, at, side in rows.values_list(
        "interaction_id", "person_id", "interaction__kind", "interaction__occurred_at",
        "interaction__initiated_by",
    ):  # fmt: skip
        present[interaction_id].add(person_id)
        about[interaction_id] = Touch(kind, at, side)
    found: dict[tuple[int, int], list[Touch]] = defaultdict(list)
    for interaction_id, there in present.items():
        for pair in itertools.combinations(sorted(there), 2):
            if pair in wanted:
                found[pair].append(about[interaction_id])
    return found


def refresh_scores(pairs: Iterable[tuple[int, int]], *, now: dt.datetime | None = None) -> int:
    """Read the strength of each connected pair again from what is known of it. A constant
    number of queries per call."""
    wanted = {ordered(a, b) for a, b in pairs}
    if not wanted:
        return 0
    now = now or timezone.now()
    people = {pk for pair in wanted for pk in pair}
    connections = [
        c for c in Connection.objects.filter(person_a__in=people, person_b__in=people)
        if (c.person_a_id, c.person_b_id) in wanted
    ]  # fmt: skip
    titles = dict(Person.objects.filter(pk__in=people).values_list("pk", "title"))
    touches = touches_between(wanted)
    for connection in connections:
        connection.updated_at = now  # the graph held in memory is read again after a change
        pair = (connection.person_a_id, connection.person_b_id)
        connection.score = pair_strength(
            stated=connection.strength, known=True, touches=touches.get(pair, []),
            titles=(titles.get(pair[0], ""), titles.get(pair[1], "")), now=now,
        ).score  # fmt: skip
    Connection.objects.bulk_update(connections, ["score", "updated_at"], batch_size=1000)
    return len(connections)


def refresh_all_scores(*, batch: int = 5000, now: dt.datetime | None = None) -> int:
    """Every connection's strength read again, as time makes old interactions count less."""
    done, last = 0, 0
    while True:
        pairs = list(
            Connection.objects.filter(pk__gt=last).order_by("pk")
            .values_list("pk", "person_a_id", "person_b_id")[:batch]
        )  # fmt: skip
        if not pairs:
            return done
        with transaction.atomic():
            done += refresh_scores(((a, b) for _, a, b in pairs), now=now)
        last = pairs[-1][0]


# Cadence ----------------------------------------------------------------------------------------

CADENCE_FIELDS = ("name", "partnership_type", "stage", "every_days", "is_active")
DEFAULT_CADENCE = [
    ("Joint ventures and equity stakes: every 60 days", "joint_venture", "", 60),
    ("Active partnerships: every 90 days", "", "active", 90),
    ("Up for renewal: every 45 days", "", "renewal_review", 45),
    ("Pilots: every 120 days", "", "piloting", 120),
]


def cadence_install_defaults() -> int:
    """The default cadence, on an install that has none."""
    if CadenceRule.objects.exists():
        return 0
    CadenceRule.objects.bulk_create(
        CadenceRule(name=name, partnership_type=kind, stage=stage, every_days=days)
        for name, kind, stage, days in DEFAULT_CADENCE
    )
    return len(DEFAULT_CADENCE)


@transaction.atomic
def cadence_rule_save(
    *, actor: User, data: Mapping[str, Any], rule: CadenceRule | None = None,
    expected_version: int | None = None,
) -> CadenceRule:  # fmt: skip
    """Add a cadence rule or change one: partnerships of a type (any when empty) at a stage
    (any open one when empty) need an executive-level touchpoint every so many days."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    cadence_install_defaults()
    before = audit.snapshot(rule, CADENCE_FIELDS) if rule else {}
    target = rule or CadenceRule()
    loaded = versions.loaded(target)
    assign(target, data, CADENCE_FIELDS)
    errors: dict[str, list[str]] = {}
    if target.stage in EXITS:
        errors["stage"] = ["A partnership that has ended needs no touchpoint."]
    if target.every_days is not None and not 1 <= int(target.every_days) <= 3650:
        errors["every_days"] = ["Every 1 to 3,650 days."]
    validate(target, errors)
    if rule is None:
        target.save()
    else:
        submitted = {name: data[name] for name in CADENCE_FIELDS if name in data}
        versions.save_changes(target, loaded, submitted=submitted,
                              expected_version=expected_version)  # fmt: skip
    changes = audit.diff(before, audit.snapshot(target, CADENCE_FIELDS))
    if changes:
        action = AuditEvent.Action.UPDATE if rule else AuditEvent.Action.CREATE
        audit.record(actor=actor, action=action, instance=target, changes=changes)
    return target
