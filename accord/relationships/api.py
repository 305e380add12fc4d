"""Relationships API: interactions, connections and warm-introduction paths. Thin: reads through
selectors and the access policy, writes through services, access declared per operation."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import (
    RELATIONSHIPS_RECORD,
    RELATIONSHIPS_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.directory.models import Organization, Person
from accord.partnerships.models import Partnership
from accord.relationships import paths, selectors, services
from accord.relationships.models import CadenceRule, Connection, Interaction
from accord.relationships.schemas import (
    CadenceRuleIn,
    CadenceRuleOut,
    ConnectionFilters,
    ConnectionIn,
    ConnectionOut,
    InteractionFilters,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    IntroductionsOut,
    StrengthOut,
    TouchpointOut,
)

router = Router(tags=["relationships"])


def _people(actor: User, ids: list[int], field: str) -> list[Person]:
    found = {p.pk: p for p in visible_to(actor, Person).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: f"No person has id {', '.join(missing)}."})
    return [found[pk] for pk in ids]


def _related(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Ids of the body turned into the rows they name, or a message naming the field."""
    related: dict[str, Any] = {}
    if data.get("partnership") is not None:
        pk = data["partnership"]
        found = visible_to(actor, Partnership).filter(pk=pk).first()
        if found is None:
            raise ValidationError({"partnership": f"No partnership has id {pk}."})
        data["partnership"] = found
    if data.get("attendees") is not None:
        related["attendees"] = _people(actor, data.pop("attendees"), "attendees")
    data.pop("attendees", None)
    if data.get("organizations") is not None:
        ids = data.pop("organizations")
        found_orgs = list(visible_to(actor, Organization).filter(pk__in=ids))
        if len(found_orgs) != len(set(ids)):
            raise ValidationError({"organizations": "Some of these organizations do not exist."})
        related["organizations"] = found_orgs
    data.pop("organizations", None)
    return related


def _rows(actor: User) -> Any:
    return selectors.interaction_rows(actor).prefetch_related("attendees__person", "organizations")


@router.get("/interactions", response=list[InteractionOut])
@api_access(RELATIONSHIPS_VIEW)
@paginate(Page)
def interaction_list(request: ApiRequest, filters: Query[InteractionFilters]):
    """Latest first; by organization, person (an attendee) or partnership."""
    rows = _rows(request.auth)
    if filters.organization is not None:
        rows = rows.filter(organizations=filters.organization)
    if filters.person is not None:
        rows = rows.filter(attendees__person=filters.person)
    if filters.partnership is not None:
        rows = rows.filter(partnership=filters.partnership)
    return rows.distinct()


@router.get("/interactions/{interaction_id}", response=InteractionOut)
@api_access(RELATIONSHIPS_VIEW, model=Interaction)
def interaction_get(request: ApiRequest, interaction_id: int, response: HttpResponse):
    found = get_visible_or_404(request.auth, Interaction, pk=interaction_id)
    versions.tag_response(response, found)
    return _rows(request.auth).get(pk=found.pk)


@router.post("/interactions", response={201: InteractionOut})
@api_access(RELATIONSHIPS_RECORD)
def interaction_create(request: ApiRequest, payload: InteractionIn):
    data = payload.model_dump(exclude_unset=True)
    related = _related(request.auth, data)
    created = services.interaction_create(actor=request.auth, data={**data, "source": "api"},
                                          **related)  # fmt: skip
    return Status(201, _rows(request.auth).get(pk=created.pk))


@router.patch("/interactions/{interaction_id}", response=InteractionOut,
              openapi_extra=EDIT_OPENAPI)  # fmt: skip
@api_access(RELATIONSHIPS_RECORD, model=Interaction)
def interaction_update(
    request: ApiRequest, interaction_id: int, payload: InteractionPatch, response: HttpResponse
):
    found = get_visible_or_404(request.auth, Interaction, pk=interaction_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    related = _related(request.auth, data)
    expected = versions.expected_version(request, payload.version)
    saved = services.interaction_update(actor=request.auth, interaction=found, data=data,
                                        expected_version=expected, **related)  # fmt: skip
    versions.tag_response(response, saved)
    return _rows(request.auth).get(pk=saved.pk)


@router.get("/connections", response=list[ConnectionOut])
@api_access(RELATIONSHIPS_VIEW)
@paginate(Page)
def connection_list(request: ApiRequest, filters: Query[ConnectionFilters]):
    """The strongest first; of one person with `person`."""
    rows = selectors.connection_rows(request.auth)
    if filters.person is not None:
        rows = rows.filter(Q(person_a=filters.person) | Q(person_b=filters.person))
    return rows.order_by("-score", "pk")


@router.post("/connections", response={201: ConnectionOut})
@api_access(RELATIONSHIPS_RECORD)
def connection_save(request: ApiRequest, payload: ConnectionIn):
    """Say two people know each other, or change what is known of it."""
    data = payload.model_dump(exclude_unset=True)
    person, other = _people(request.auth, [data.pop("person"), data.pop("other")], "person")
    saved = services.connection_save(actor=request.auth, person=person, other=other, data=data)
    return Status(201, selectors.connection_rows(request.auth).get(pk=saved.pk))


@router.get("/connections/{connection_id}/strength", response=StrengthOut)
@api_access(RELATIONSHIPS_VIEW, model=Connection)
def connection_strength(request: ApiRequest, connection_id: int):
    """How strong the relationship is and why: what was stated and the shared interactions
    the caller may see, by kind, recency, seniority and who reached out."""
    found = get_visible_or_404(request.auth, Connection, pk=connection_id)
    strength = selectors.explain(request.auth, found.person_a, found.person_b)
    return {"score": strength.score, "reasons": strength.reasons}


def _introductions(found: paths.Introductions) -> dict[str, Any]:
    return {
        "paths": [path.as_dict() for path in found.paths],
        "closest": [{"id": p.pk, "name": p.full_name,
                     "organization": p.organization.name if p.organization else None,
                     "ours": services.is_ours(p)} for p, _ in found.closest],
    }  # fmt: skip


@router.get("/organizations/{organization_id}/introductions", response=IntroductionsOut)
@api_access(RELATIONSHIPS_VIEW, model=Organization)
def organization_introductions(request: ApiRequest, organization_id: int, top: int = 5):
    """The strongest introduction paths (at most three hops) from our employees, board
    members, investors and advisors to the organization's people."""
    organization = get_visible_or_404(request.auth, Organization, pk=organization_id)
    top = max(1, min(top, 50))
    return _introductions(paths.introductions(organization=organization, top=top))


@router.get("/people/{person_id}/introductions", response=IntroductionsOut)
@api_access(RELATIONSHIPS_VIEW, model=Person)
def person_introductions(request: ApiRequest, person_id: int, top: int = 5):
    """The strongest introduction paths (at most three hops) from our people to this person."""
    person = get_visible_or_404(request.auth, Person, pk=person_id)
    top = max(1, min(top, 50))
    return _introductions(paths.introductions(person=person, top=top))


@router.get("/organizations/{organization_id}/relationship-strength", response=StrengthOut)
@api_access(RELATIONSHIPS_VIEW, model=Organization)
def organization_standing(request: ApiRequest, organization_id: int):
    """How well we know the organization, 0-100, and why: the strongest link between our
    people and theirs, and the interactions with it the caller may see."""
    organization = get_visible_or_404(request.auth, Organization, pk=organization_id)
    strength = selectors.organization_standing(request.auth, organization)
    return {"score": strength.score, "reasons": strength.reasons}


@router.get("/partnerships/{partnership_id}/relationship-strength", response=StrengthOut)
@api_access(RELATIONSHIPS_VIEW, model=Partnership)
def partnership_standing(request: ApiRequest, partnership_id: int):
    """How well we know the partnership's partners, 0-100, and why."""
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    strength = selectors.partnership_standing(request.auth, partnership)
    return {"score": strength.score, "reasons": strength.reasons}


@router.get("/cadence-rules", response=list[CadenceRuleOut])
@api_access(RELATIONSHIPS_VIEW)
@paginate(Page)
def cadencerule_list(request: ApiRequest):
    return visible_to(request.auth, CadenceRule)


@router.post("/cadence-rules", response={201: CadenceRuleOut})
@api_access(RELATIONSHIPS_RECORD)
def cadencerule_create(request: ApiRequest, payload: CadenceRuleIn):
    """Partnerships of a type (any when empty) at a stage (any open one when empty) need an
    executive-level touchpoint every so many days."""
    data = payload.model_dump(exclude_unset=True)
    return Status(201, services.cadence_rule_save(actor=request.auth, data=data))


@router.get("/cadence", response=list[TouchpointOut])
@api_access(RELATIONSHIPS_VIEW)
def cadence(request: ApiRequest, overdue_only: bool = True):
    """Open partnerships a cadence rule covers, the most overdue first, with when an executive
    of ours last met the partner."""
    rows = selectors.cadence(request.auth)
    return [
        {"partnership": t.partnership.pk, "title": t.partnership.title,
         "stage": t.partnership.stage,
         "sponsor": t.partnership.executive_sponsor.get_username()
         if t.partnership.executive_sponsor else None,
         "rule": t.rule.name, "every_days": t.rule.every_days,
         "last_executive_touchpoint": t.last, "days_since": t.days_since,
         "overdue_days": t.overdue_days}
        for t in rows if t.overdue_days or not overdue_only
    ]  # fmt: skip
