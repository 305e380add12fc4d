"""An interaction of the sample partnership with its partner's person and one of ours, and a
connection between them; an interaction of the confidential partnership, which no one outside
its team may see."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accord.directory import services as directory
from accord.directory.models import Person
from accord.partnerships.models import Partnership
from accord.relationships import services
from accord.relationships.models import Attendee, Connection, Interaction
from tests.matrix_samples import confidential_samples, samples


@samples
def relationships_samples(world: dict[str, Any]) -> dict[Any, Any]:
    admin, theirs = world["users"]["admin"], world["samples"][Person]
    ours = directory.person_create(actor=admin, data={
        "full_name": "Olga Ours Matrix", "is_internal": True, "relation": "employee"})  # fmt: skip
    interaction = services.interaction_create(
        actor=admin, data={"kind": "meeting", "title": "Matrix kick-off",
                           "occurred_at": timezone.now(),
                           "partnership": world["samples"][Partnership]},
        attendees=[ours, theirs],
    )  # fmt: skip
    connection = Connection.objects.get(person_a__in=[ours, theirs], person_b__in=[ours, theirs])
    return {Interaction: interaction, Attendee: interaction.attendees.first(),
            Connection: connection}  # fmt: skip


@confidential_samples
def confidential_relationships(world: dict[str, Any]) -> dict[Any, Any]:
    interaction = services.interaction_create(
        actor=world["users"]["admin"],
        data={"kind": "dinner", "title": world["secret_evidence"],
              "occurred_at": timezone.now(), "partnership": world["secret"][Partnership]},
        attendees=[world["samples"][Person]],
    )  # fmt: skip
    return {"interaction of the confidential partnership": interaction}
