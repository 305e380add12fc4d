"""Every read of partnerships, always on behalf of a user and through the access policy."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import PARTNERSHIP_TIMELINE, contributed
from accord.core.policy import get_visible_or_404, visible_to
from accord.directory.models import Organization
from accord.directory.selectors import filter_params
from accord.partnerships.filters import PartnershipFilter
from accord.partnerships.gates import allowed_targets, missing_for, missing_for_move, requirable
from accord.partnerships.models import (
    EXITS,
    PIPELINE,
    WIN_LIKELIHOOD,
    Document,
    Invitation,
    Note,
    NoteComment,
    Partnership,
    PartnershipParty,
    Stage,
    StageGate,
    StageTransition,
)
from accord.strategy.models import CapabilityGap, PartnershipType

EXPIRY_WARNING_DAYS = 60
CENT = Decimal("0.01")


def partnerships_visible(actor: User) -> QuerySet[Partnership]:
    return visible_to(actor, Partnership)


def workspace_partnerships(actor: User) -> QuerySet[Partnership]:
    """A partner user's partnerships by title, each with `role`: its organization's role in it."""
    # Anyone but a partner user (organization None) is a party to nothing.
    own_party = Q(organization_id=policy.partner_organization_id(actor))
    own_role = PartnershipParty.objects.filter(own_party, partnership=OuterRef("pk")).values(
        "role"
    )[:1]
    return visible_to(actor, Partnership).annotate(role=Subquery(own_role)).order_by("title", "id")


def with_parties(actor: User, queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """`queryset` with each partnership's owner and the partners the actor may see
    (`visible_parties`), for exports and the API."""
    parties = (
        visible_to(actor, PartnershipParty)
        .select_related("organization")
        .only("partnership", "role", "organization__name")
    )
    return queryset.select_related("owner").prefetch_related(
        Prefetch("parties", queryset=parties.order_by("id"), to_attr="visible_parties")
    )


def list_rows(queryset: QuerySet[Partnership], fields: Iterable[str]) -> QuerySet[Partnership]:
    """The partnerships of `queryset` as a list page reads them: `fields`, and the owner's
    username as `owner_name`; their partners come from `party_names`."""
    return queryset.annotate(owner_name=F("owner__username")).only(*fields)


class PartyName(NamedTuple):
    """A partner as a list shows it."""

    organization_id: int
    name: str
    role: str  # the label


ROLE_LABELS = dict(PartnershipParty.Role.choices)


def party_names(actor: User, partnership_ids: Iterable[int]) -> dict[int, list[PartyName]]:
    """The partners the actor may see of each partnership, in the order they were added: one
    query and no model instances, for the rows of a list."""
    found: dict[int, list[PartyName]] = defaultdict(list)
    rows = (
        visible_to(actor, PartnershipParty)
        .filter(partnership_id__in=list(partnership_ids))
        .order_by("id")
        .values_list("partnership_id", "organization_id", "organization__name", "role")
    )
    for partnership_id, organization_id, name, role in rows:
        found[partnership_id].append(PartyName(organization_id, name, ROLE_LABELS.get(role, role)))
    return found


def partnership_list(
    actor: User, params: Mapping[str, Any] | None = None, *, parties: bool = True
) -> PartnershipFilter:
    """The filter bound to `params`; `.qs` is the filtered queryset, `with_parties` unless
    the caller reads the partners otherwise (the list's page, the board)."""
    queryset = partnerships_visible(actor)
    return PartnershipFilter(
        filter_params(params), queryset=with_parties(actor, queryset) if parties else queryset
    )


BOARD_CARDS_PER_COLUMN = 20
TYPE_LABELS = dict(PartnershipType.choices)


@dataclass
class BoardCard:
    """What a card of the board shows: read as plain values, as the board has many."""

    pk: int
    stage: str
    title: str
    type_label: str
    owner: str  # the username, "" if none
    next_review_date: dt.date | None
    is_confidential: bool
    overdue: bool
    partners: list[str] = field(default_factory=list)  # organization names


@dataclass
class BoardColumn:
    stage: str
    label: str
    total: int
    cards: list[BoardCard] = field(default_factory=list)
    value: Decimal = Decimal(0)  # the sum of the column's deal values

    @property
    def weighted(self) -> Decimal:
        """The column's deal value times the stage's likelihood of a win."""
        return (self.value * Decimal(str(WIN_LIKELIHOOD.get(self.stage, 0)))).quantize(CENT)

    @property
    def more(self) -> int:
        """How many of the column's partnerships the board leaves to the list."""
        return self.total - len(self.cards)


@dataclass
class Board:
    filter: PartnershipFilter
    columns: list[BoardColumn]  # one per pipeline stage, with its first cards
    exits: list[BoardColumn]  # declined and exited: totals only

    @property
    def value(self) -> Decimal:
        return sum((column.value for column in self.columns), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((column.weighted for column in self.columns), Decimal(0))


def stage_totals(partnerships: QuerySet[Partnership]) -> dict[str, tuple[int, Decimal]]:
    """How many partnerships are at each stage and the sum of their deal values. One query."""
    rows = (
        partnerships.order_by()
        .values_list("stage")
        .annotate(n=Count("pk"), value=Sum("deal_value"))
        .values_list("stage", "n", "value")
    )
    return {stage: (n, value or Decimal(0)) for stage, n, value in rows}


def pipeline_value(totals: dict[str, tuple[int, Decimal]]) -> tuple[Decimal, Decimal]:
    """The deal value of the open partnerships among the `stage_totals`, and that value
    weighted by each stage's likelihood of a win."""
    columns = [
        BoardColumn(stage, "", n, value=value)
        for stage, (n, value) in totals.items()
        if stage in PIPELINE
    ]
    return (
        sum((c.value for c in columns), Decimal(0)),
        sum((c.weighted for c in columns), Decimal(0)),
    )


def partnership_board(actor: User, params: Mapping[str, Any] | None = None) -> Board:
    """Each pipeline stage with its total and its first BOARD_CARDS_PER_COLUMN cards, overdue
    reviews first, then by next review; the exits as totals. Three queries (totals, cards,
    their partners' names) besides the filter's, whatever the number of partnerships."""
    filterset = partnership_list(actor, params, parties=False)  # the cards read names only
    queryset = filterset.qs if filterset.is_valid() else Partnership.objects.none()
    totals = stage_totals(queryset)
    cards: dict[str, list[BoardCard]] = {stage: [] for stage in PIPELINE}
    for card in _board_cards(actor, queryset):
        cards[card.stage].append(card)

    def column(stage: str) -> BoardColumn:
        count, value = totals.get(stage, (0, Decimal(0)))
        return BoardColumn(stage, Stage(stage).label, count, cards.get(stage, []), value)

    return Board(filterset, [column(s) for s in PIPELINE], [column(s) for s in EXITS])


def _board_cards(actor: User, queryset: QuerySet[Partnership]) -> list[BoardCard]:
    """The first cards of each pipeline stage, in the order of the board."""
    order = (F("next_review_date").asc(nulls_last=True), F("title").asc(), F("pk").asc())
    rows = (
        queryset.exclude(stage__in=EXITS)
        .annotate(place=Window(RowNumber(), partition_by=F("stage"), order_by=order))
        .filter(place__lte=BOARD_CARDS_PER_COLUMN)
        .order_by(*order)
        .values_list(
            "pk", "stage", "title", "type", "owner__username", "next_review_date", "is_confidential"
        )
    )
    today = timezone.localdate()
    cards = {
        pk: BoardCard(
            pk=pk,
            stage=stage,
            title=title,
            type_label=TYPE_LABELS.get(type_, type_),
            owner=owner or "",
            next_review_date=review,
            is_confidential=confidential,
            overdue=review is not None and review < today,
        )
        for pk, stage, title, type_, owner, review, confidential in rows
    }
    partners = (
        visible_to(actor, PartnershipParty)
        .filter(partnership_id__in=list(cards))
        .order_by("id")
        .values_list("partnership_id", "organization__name")
    )
    for partnership_id, name in partners:
        cards[partnership_id].partners.append(name)
    return list(cards.values())


def partnership_detail(actor: User, pk: int) -> Partnership:
    return get_visible_or_404(actor, Partnership, pk=pk)


def partnership_parties(actor: User, partnership: Partnership) -> QuerySet[PartnershipParty]:
    return (
        visible_to(actor, PartnershipParty)
        .filter(partnership=partnership)
        .select_related("organization")
        .order_by("id")
    )


def partnership_invitations(actor: User, partnership: Partnership) -> QuerySet[Invitation]:
    return (
        visible_to(actor, Invitation)
        .filter(partnership=partnership)
        .select_related("organization", "invited_by", "accepted_by")
    )


def partner_users(partnership: Partnership) -> QuerySet[User]:
    """The accounts of its parties' people, for a page its team reads."""
    theirs = partnership.parties.values("organization_id")
    return (
        User.objects.filter(organization_id__in=theirs)
        .select_related("organization")
        .order_by("organization__name", "username")
    )


def partnership_transitions(actor: User, partnership: Partnership) -> QuerySet[StageTransition]:
    return visible_to(actor, StageTransition).filter(partnership=partnership)


def partnership_notes(actor: User, partnership: Partnership) -> QuerySet[Note]:
    return (
        visible_to(actor, Note)
        .filter(partnership=partnership)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=visible_to(actor, NoteComment).select_related("author"),
            ),
            Prefetch("shared_with", queryset=_sharing_parties(actor)),
        )
    )


def _sharing_parties(actor: User) -> QuerySet[PartnershipParty]:
    return visible_to(actor, PartnershipParty).select_related("organization").order_by("pk")


def partnership_documents(actor: User, partnership: Partnership) -> QuerySet[Document]:
    return (
        visible_to(actor, Document)
        .filter(partnership=partnership)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("shared_with", queryset=_sharing_parties(actor)))
    )


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # "move", "note", or what a later app adds
    item: Any
    template: str = ""  # how a later app's entry is drawn


def partnership_timeline(actor: User, partnership: Partnership) -> list[TimelineEntry]:
    """Stage moves, notes and what later apps add (interactions), newest first."""
    entries = [
        TimelineEntry(t.at, "move", t) for t in partnership_transitions(actor, partnership)[:500]
    ]
    entries += [
        TimelineEntry(n.created_at, "note", n) for n in partnership_notes(actor, partnership)[:500]
    ]
    entries += contributed(PARTNERSHIP_TIMELINE, actor, partnership).get("timeline", [])
    return sorted(entries, key=lambda e: e.at, reverse=True)


def expiry_warnings(
    partnership: Partnership, today: dt.date | None = None
) -> list[tuple[str, str]]:
    """(level, text) for an agreement or NDA that has expired or expires within 60 days."""
    today = today or timezone.localdate()
    warnings = []
    for label, date in (("The agreement", partnership.end_date),
                        ("The NDA", partnership.nda_expires_on)):  # fmt: skip
        if date is None:
            continue
        days = (date - today).days
        if days < 0:
            warnings.append(("danger", f"{label} expired on {date:%Y-%m-%d} ({-days} days ago)."))
        elif days <= EXPIRY_WARNING_DAYS:
            warnings.append(("warning", f"{label} expires on {date:%Y-%m-%d} (in {days} days)."))
    return warnings


def gates_all(actor: User) -> QuerySet[StageGate]:
    return visible_to(actor, StageGate)


def gate_for(actor: User, stage: str) -> StageGate | None:
    return gates_all(actor).filter(stage=stage).first()


@dataclass
class MovePreview:
    """The gate into `to_stage` and what still stops the move (checklist and reason aside)."""

    to_stage: str
    gate: StageGate | None
    fields: list[tuple[str, bool]]  # (words, present)
    blocking: list[str]


def move_preview(actor: User, partnership: Partnership, to_stage: str) -> MovePreview:
    gate = gate_for(actor, to_stage)
    if to_stage not in allowed_targets(partnership.stage):
        gate = None
    blocking = missing_for_move(
        partnership=partnership,
        to_stage=to_stage,
        actor=actor,
        confirmed=gate.checklist if gate else (),
        reason="(preview)",
        gate=gate,
    )
    words = dict(requirable())
    fields = [
        (words.get(name, name), not missing_for(partnership, name))
        for name in (gate.required_fields if gate is not None else [])
    ]
    return MovePreview(to_stage, gate, fields, blocking)


def changeable_ids(actor: User, partnership_ids: Iterable[int]) -> set[int]:
    """Which of the partnerships the actor may change: one query, for a list's checkboxes."""
    rows = Partnership.objects.filter(pk__in=list(partnership_ids))
    return set(policy.changeable_partnerships(actor, rows).values_list("pk", flat=True))


def internal_users() -> QuerySet[User]:
    """People of our company who may own, sponsor or work on a partnership."""
    return policy.internal_accounts(User.objects.filter(is_active=True)).order_by("username")


def gaps_visible(actor: User) -> QuerySet[CapabilityGap]:
    return visible_to(actor, CapabilityGap).select_related("priority")


def organization_roles(actor: User, organization: Organization) -> QuerySet[PartnershipParty]:
    """Every role `organization` plays in partnerships the actor may see, with links."""
    if not policy.can(actor, policy.PARTNERSHIP_VIEW):
        return PartnershipParty.objects.none()
    return (
        visible_to(actor, PartnershipParty)
        .filter(organization=organization)
        .select_related("partnership")
        .order_by("partnership__title", "id")
    )


def people_of(partnership: Partnership) -> QuerySet[User]:
    """Who may take part in its work (own a milestone or an action, sit on a committee): our
    active users and the users of its parties (only partner users belong to an organization)."""
    active = User.objects.filter(is_active=True)
    ours = policy.internal_accounts(active).values("pk")
    theirs = partnership.parties.values("organization_id")
    return active.filter(Q(pk__in=ours) | Q(organization_id__in=theirs)).order_by("username")


def outsiders(partnership: Partnership, people: Iterable[User]) -> list[str]:
    """The usernames among `people` who are neither ours nor users of its parties."""
    parties = set(partnership.parties.values_list("organization_id", flat=True))
    return [
        person.get_username()
        for person in people
        if not policy.is_internal(person) and policy.partner_organization_id(person) not in parties
    ]
