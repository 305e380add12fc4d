"""Every write to partnerships: validated, saved and audited in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, events, policy, versions
from accord.core.errors import ConflictError, GateRefused
from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.partnerships.gates import DEFAULT_GATES, missing_for_move
from accord.partnerships.models import (
    Document,
    Note,
    NoteComment,
    Partnership,
    PartnershipParty,
    StageGate,
    StageTransition,
    Visibility,
)

PARTNERSHIP_FIELDS = (
    "title",
    "type",
    "play",
    "owner",
    "executive_sponsor",
    "value_for_us",
    "value_for_partner",
    "signed_on",
    "start_date",
    "end_date",
    "renewal_notice_days",
    "ip_terms",
    "exclusivity",
    "nda_signed_on",
    "nda_expires_on",
    "budget",
    "committed_fte",
    "next_review_date",
    "deal_value",
    "expected_close",
    "is_confidential",
    "equity_split",
    "fees",
    "working_groups",
    "voting_rules",
    "notes",
)
AUDITED = (*PARTNERSHIP_FIELDS, "stage", "gaps", "team", "tags")
# The related rows an edit may replace, beside the parties.
RELATED = ("gaps", "team", "tags")
GATE_FIELDS = ("required_fields", "checklist", "approver_role")
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def _values(partnership: Partnership) -> dict[str, Any]:
    values = audit.snapshot(partnership, AUDITED)
    values["parties"] = sorted(str(p) for p in partnership.parties.select_related("organization"))
    return values


def _set_parties(partnership: Partnership, parties: Iterable[tuple[Any, str]]) -> None:
    wanted = {organization.pk: (organization, role) for organization, role in parties}
    partnership.parties.exclude(organization_id__in=wanted).delete()
    existing = {p.organization_id: p for p in partnership.parties.all()}
    for organization_id, (organization, role) in wanted.items():
        party = existing.get(organization_id)
        if party is None:
            PartnershipParty.objects.create(
                partnership=partnership, organization=organization, role=role
            )
        elif party.role != role:
            party.role = role
            party.save(update_fields=["role"])


def _check_not_self(parties: Iterable[tuple[Any, str]]) -> None:
    if any(organization.is_self for organization, _ in parties):
        raise ValidationError({"parties": "Our own company cannot be a partner of itself."})


@transaction.atomic
def partnership_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    parties: Iterable[tuple[Any, str]] = (),
    gaps: Iterable[Any] = (),
    team: Iterable[Any] = (),
    tags: Iterable[Any] = (),
) -> Partnership:
    policy.require(actor, policy.PARTNERSHIP_CHANGE)
    parties = list(parties)
    _check_not_self(parties)
    partnership = Partnership(owner=actor if policy.owns_partnerships_it_creates(actor) else None)
    for name in PARTNERSHIP_FIELDS:
        if name in data:
            setattr(partnership, name, data[name])
    partnership.full_clean()
    partnership.save()
    partnership.gaps.set(gaps)
    partnership.team.set(team)
    partnership.tags.set(tags)
    _set_parties(partnership, parties)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=partnership,
        changes=audit.diff({}, _values(partnership)),
    )
    return partnership


@transaction.atomic
def partnership_update(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    parties: Iterable[tuple[Any, str]] | None = None,
    gaps: Iterable[Any] | None = None,
    team: Iterable[Any] | None = None,
    tags: Iterable[Any] | None = None,
    expected_version: int | None = None,
) -> Partnership:
    """Change the fields in `data` (and the related rows given), never the stage: a move made
    meanwhile stands. Raises EditConflict when edited since `expected_version` was read."""
    if not policy.can_change_partnership(actor, partnership):
        raise PermissionDenied("Your role may not change this partnership.")
    before = _values(partnership)
    loaded = versions.loaded(partnership)
    parties = None if parties is None else list(parties)
    submitted = {name: data[name] for name in PARTNERSHIP_FIELDS if name in data}
    wanted = {"gaps": gaps, "team": team, "tags": tags}
    submitted.update({name: list(rows) for name, rows in wanted.items() if rows is not None})
    if parties is not None:
        _check_not_self(parties)
        submitted["parties"] = _party_names(parties)
    for name in PARTNERSHIP_FIELDS:
        if name in data:
            setattr(partnership, name, data[name])
    partnership.full_clean()
    related_changed = any(
        _pks(submitted[name]) != _pks(getattr(partnership, name).all())
        for name in RELATED
        if name in submitted
    ) or (parties is not None and submitted["parties"] != before["parties"])
    versions.save_changes(
        partnership,
        loaded,
        submitted=submitted,
        expected_version=expected_version,
        related_changed=related_changed,
        related=lambda stored: {"parties": _values(stored)["parties"]},
    )
    for name in RELATED:
        if name in submitted:
            getattr(partnership, name).set(submitted[name])
    if parties is not None:
        _set_parties(partnership, parties)
    changes = audit.diff(before, _values(partnership))
    if changes:
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=partnership, changes=changes
        )
    return partnership


def _pks(rows: Iterable[Any]) -> set[Any]:
    return {row.pk for row in rows}


# Bulk edit -----------------------------------------------------------------------------------

BULK_LIMIT = 500
SHOWN_NAMES = 10


def quoted_titles(rows: Sequence[Partnership]) -> str:
    """Titles to quote in a message, the first SHOWN_NAMES of them."""
    names = ", ".join(f"“{row.title}”" for row in rows[:SHOWN_NAMES])
    more = len(rows) - SHOWN_NAMES
    return f"{names} and {more} more" if more > 0 else names


def _bulk_input_errors(
    ids: Sequence[int], owner: User | None, review: dt.date | None, add: list[Any],
    remove: list[Any],
) -> dict[str, list[str]]:  # fmt: skip
    errors: dict[str, list[str]] = defaultdict(list)
    if not ids:
        errors["partnerships"].append("Choose at least one partnership.")
    elif len(ids) > BULK_LIMIT:
        errors["partnerships"].append(f"Choose at most {BULK_LIMIT} at once, not {len(ids)}.")
    if owner is None and review is None and not add and not remove:
        errors[NON_FIELD_ERRORS].append(
            "Choose what to change: an owner, a review date, or tags to add or remove."
        )
    if owner is not None and not (owner.is_active and policy.is_internal_role(owner.role)):
        errors["owner"].append(f"{owner.get_username()} is not an active user of our company.")
    for name in sorted({tag.name for tag in add} & {tag.name for tag in remove}):
        errors["remove_tags"].append(f"“{name}” is both to add and to remove.")
    return dict(errors)


def _bulk_refusals(
    actor: User, ids: Sequence[int], rows: list[Partnership], read: Mapping[int, int]
) -> list[str]:
    """Why the bulk edit of `rows` (the visible ones of `ids`) is refused, if it is: each row
    named, except those the actor may not see, which are only counted."""
    refusals = []
    hidden = len(set(ids) - {row.pk for row in rows})
    if hidden:
        refusals.append(f"{hidden} of the partnerships chosen no longer exist or are not "
                        "visible to you.")  # fmt: skip
    allowed = set(
        policy.changeable_partnerships(actor, Partnership.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    refused = [row for row in rows if row.pk not in allowed]
    if refused:
        refusals.append(f"You may not change {quoted_titles(refused)}: only the owner, the team "
                        "or an administrator may. Leave them out and apply again.")  # fmt: skip
    stale = [row for row in rows if row.pk in read and read[row.pk] != row.version]
    if stale:
        refusals.append(f"Someone else changed {quoted_titles(stale)} since you loaded the list. "
                        "Reload it and apply again.")  # fmt: skip
    return refusals


@transaction.atomic
def partnerships_bulk_update(
    *,
    actor: User,
    ids: Sequence[int],
    read: Mapping[int, int] | None = None,
    owner: User | None = None,
    next_review_date: dt.date | None = None,
    add_tags: Iterable[Any] = (),
    remove_tags: Iterable[Any] = (),
) -> list[Partnership]:
    """Give the partnerships `ids` one owner, one next review date, and add and remove tags:
    all of them or none. Each must be one the actor may change, and, where `read` gives the
    version the actor saw, unchanged since; a refusal names every partnership refused, so the
    user can leave them out and apply again, rather than work out which half was changed.

    Each partnership goes through `partnership_update`, so it is validated, its version is
    bumped and one audit event records its change; those already as asked are left alone.
    Returns the partnerships changed."""
    policy.require(actor, policy.PARTNERSHIP_CHANGE)
    add, remove = list(add_tags), list(remove_tags)
    errors = _bulk_input_errors(ids, owner, next_review_date, add, remove)
    if errors:
        raise ValidationError(errors)
    rows = list(visible_to(actor, Partnership).filter(pk__in=ids).order_by("title", "id"))
    refusals = _bulk_refusals(actor, ids, rows, read or {})
    if refusals:
        raise ValidationError({"partnerships": refusals})
    data: dict[str, Any] = {}
    if owner is not None:
        data["owner"] = owner
    if next_review_date is not None:
        data["next_review_date"] = next_review_date
    removed = {tag.pk for tag in remove}
    changed = []
    for row in rows:
        tags = None
        if add or remove:
            kept = {tag.pk: tag for tag in row.tags.all() if tag.pk not in removed}
            tags = list((kept | {tag.pk: tag for tag in add}).values())
        version = row.version
        try:
            partnership_update(actor=actor, partnership=row, data=data, tags=tags,
                               expected_version=version)  # fmt: skip
        except ValidationError as error:
            problem = f"“{row.title}”: {' '.join(error.messages)}"
            raise ValidationError({"partnerships": problem}) from None
        except ConflictError:
            raise ValidationError({"partnerships": f"Someone else changed “{row.title}” while "
                                   "this was saved. Apply again."}) from None  # fmt: skip
        if row.version != version:
            changed.append(row)
    return changed


def _party_names(parties: Iterable[tuple[Any, str]]) -> list[str]:
    """As `str(PartnershipParty)`, so submitted parties compare with stored ones."""
    return sorted(f"{org} ({PartnershipParty.Role(role).label})" for org, role in parties)


def gate_for(stage: str) -> StageGate | None:
    return StageGate.objects.filter(stage=stage).first()


@transaction.atomic
def partnership_move(
    *,
    actor: User,
    partnership: Partnership,
    to_stage: str,
    reason: str,
    confirmed: Iterable[str] = (),
    expected_version: int | None = None,
) -> StageTransition:
    """Move to `to_stage` if its gate allows; a concurrent move of the same version loses.

    Raises GateRefused naming everything missing, or ConflictError when the partnership was
    moved by someone else since `expected_version` was read.
    """
    confirmed = list(confirmed)
    missing = missing_for_move(
        partnership=partnership,
        to_stage=to_stage,
        actor=actor,
        confirmed=confirmed,
        reason=reason,
        gate=gate_for(to_stage),
    )
    if missing:
        raise GateRefused(missing)
    version = partnership.stage_version if expected_version is None else expected_version
    from_stage = partnership.stage
    moved = Partnership.objects.filter(pk=partnership.pk, stage_version=version).update(
        stage=to_stage, stage_version=F("stage_version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise ConflictError(
            f"{partnership.title} was moved by someone else meanwhile; reload and try again."
        )
    partnership.refresh_from_db(fields=["stage", "stage_version", "updated_at"])
    transition = StageTransition.objects.create(
        partnership=partnership,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        actor_name=actor.get_username(),
        at=timezone.now(),
        reason=reason.strip(),
        checklist=confirmed,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=partnership,
        changes={"stage": [from_stage, to_stage], "reason": [None, reason.strip()]},
    )
    events.emit(events.PARTNERSHIP_MOVED, {
        "partnership": partnership.pk, "title": partnership.title, "from_stage": from_stage,
        "to_stage": to_stage, "reason": reason.strip(), "by": actor.get_username(),
        "confidential": partnership.is_confidential,
    })  # fmt: skip
    return transition


@transaction.atomic
def gate_update(
    *, actor: User, stage: str, data: Mapping[str, Any], expected_version: int | None = None
) -> StageGate:
    """Change the gate into `stage`; EditConflict if edited since `expected_version`."""
    policy.require(actor, policy.GATES_MANAGE)
    gate, _ = StageGate.objects.get_or_create(stage=stage)
    before = audit.snapshot(gate, GATE_FIELDS)
    loaded = versions.loaded(gate)
    for name in GATE_FIELDS:
        if name in data:
            setattr(gate, name, data[name])
    if gate.approver_role and not policy.is_internal_role(gate.approver_role):
        raise ValidationError({"approver_role": f"Unknown role {gate.approver_role!r}."})
    gate.full_clean()
    submitted = {name: data[name] for name in GATE_FIELDS if name in data}
    versions.save_changes(gate, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(gate, GATE_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=gate, changes=changes)
    return gate


def gates_install_defaults() -> None:
    """The default gates, for a new install; existing gates are left as configured."""
    for stage, spec in DEFAULT_GATES.items():
        StageGate.objects.get_or_create(stage=stage, defaults=spec)


ALL_PARTIES = "all"


def sharing(
    actor: User, partnership: Partnership, visibility: str, shared_with: Any
) -> tuple[str, list[PartnershipParty]]:
    """The visibility and the parties a new item is shared with.

    `shared_with` is None (the party the item concerns: the only party), ALL_PARTIES (the
    explicit choice of a consortium) or organization ids of parties. What a partner user writes
    is shared, with its own organization only.
    """
    parties = list(partnership.parties.select_related("organization").order_by("pk"))
    own = policy.partner_organization_id(actor)
    if own is not None:
        return Visibility.SHARED, [p for p in parties if p.organization_id == own]
    if visibility != Visibility.SHARED:
        return visibility, []
    if shared_with == ALL_PARTIES:
        return visibility, parties
    chosen = [] if shared_with is None else [int(pk) for pk in shared_with]
    if not chosen:
        if len(parties) > 1:
            raise ValidationError(
                {"shared_with": f"{partnership.title} has {len(parties)} parties: choose the "
                 "ones to share it with, or all parties."}
            )  # fmt: skip
        return visibility, parties
    by_organization = {p.organization_id: p for p in parties}
    unknown = sorted(set(chosen) - by_organization.keys())
    if unknown:
        raise ValidationError(
            {"shared_with": f"Not a party of {partnership.title}: organization "
             f"{', '.join(map(str, unknown))}."}
        )  # fmt: skip
    return visibility, [by_organization[pk] for pk in dict.fromkeys(chosen)]


def _require_contributor(actor: User, partnership: Partnership) -> None:
    if not policy.can_contribute_to_partnership(actor, partnership):
        raise PermissionDenied("Only its team, its parties or an administrator may add to it.")


def _shared_names(parties: list[PartnershipParty]) -> list[str]:
    return [p.organization.name for p in parties]


@transaction.atomic
def note_create(
    *,
    actor: User,
    partnership: Partnership,
    body: str,
    visibility: str,
    shared_with: Any = None,
) -> Note:
    _require_contributor(actor, partnership)
    visibility, parties = sharing(actor, partnership, visibility, shared_with)
    note = Note(partnership=partnership, author=actor, body=body.strip(), visibility=visibility)
    note.full_clean()
    note.save()
    note.shared_with.set(parties)
    changes: dict[str, Any] = {
        "partnership": [None, partnership.pk],
        "visibility": [None, visibility],
        "body": [None, note.body],
    }
    if parties:
        changes["shared_with"] = [None, _shared_names(parties)]
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=note, changes=changes)
    return note


@transaction.atomic
def comment_create(*, actor: User, note: Note, body: str) -> NoteComment:
    _require_contributor(actor, note.partnership)
    if not policy.visible_to(actor, Note).filter(pk=note.pk).exists():
        raise PermissionDenied("You may not read this note.")
    comment = NoteComment(note=note, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=comment,
        changes={"note": [None, note.pk], "body": [None, comment.body]},
    )
    return comment


def check_upload(upload: UploadedFile[bytes]) -> str:
    """The content type of an acceptable upload, or a ValidationError naming the problem."""
    limit = settings.UPLOAD_LIMIT_BYTES
    if (upload.size or 0) > limit:
        size, most = (upload.size or 0) / 1048576, limit / 1048576
        message = f"{upload.name} is {size:.1f} MB; the limit is {most:.0f} MB."
        raise ValidationError({"file": message})
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        allowed = ", ".join(sorted(DOCUMENT_TYPES))
        raise ValidationError(
            {
                "file": f"{upload.name}: files of type {suffix or '(none)'} are "
                f"not accepted; use one of {allowed}."
            }
        )
    return DOCUMENT_TYPES[suffix]


@transaction.atomic
def document_upload(
    *,
    actor: User,
    partnership: Partnership,
    upload: UploadedFile[bytes],
    title: str,
    visibility: str,
    shared_with: Any = None,
) -> Document:
    _require_contributor(actor, partnership)
    content_type = check_upload(upload)
    visibility, parties = sharing(actor, partnership, visibility, shared_with)
    document = Document(
        partnership=partnership,
        uploaded_by=actor,
        title=(title or upload.name or "")[:200],
        content_type=content_type,
        size=upload.size or 0,
        visibility=visibility,
    )
    document.file.save(upload.name or "upload", upload, save=False)
    document.full_clean()
    document.save()
    document.shared_with.set(parties)
    changes: dict[str, Any] = {
        "partnership": [None, partnership.pk],
        "title": [None, document.title],
        "visibility": [None, visibility],
    }
    if parties:
        changes["shared_with"] = [None, _shared_names(parties)]
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=document, changes=changes)
    return document
