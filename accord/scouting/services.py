"""Scans and their candidates: save a search, run it again, and decide on what it found.

A run keeps every decision: shortlisted, rejected and promoted candidates keep their status,
and an organization rejected for a gap, or already in the pipeline, is not offered again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.directory.organization_filter import OrganizationCriteria
from accord.partnerships import services as partnerships
from accord.partnerships.models import PIPELINE, Partnership, PartnershipParty
from accord.scouting.matching import MAX_TOP, MODES, ScoutResult, clean_query, scout
from accord.scouting.models import Scan, ScanCandidate
from accord.strategy.models import CapabilityGap, PartnershipPlay, PartnershipType

SCAN_FIELDS = ("title", "gap", "text", "mode", "filters", "top")


def _scan_values(scan: Scan) -> dict[str, Any]:
    return audit.snapshot(scan, SCAN_FIELDS)


def _clean(data: Mapping[str, Any], scan: Scan) -> None:
    errors: dict[str, list[str]] = {}
    for name in SCAN_FIELDS:
        if name in data:
            setattr(scan, name, data[name])
    try:
        scan.text, _ = clean_query(scan.text)
    except ValidationError as error:
        errors["text"] = error.message_dict["query"]
    if scan.mode not in MODES:
        errors["mode"] = [f"Unknown mode {scan.mode!r}; one of {', '.join(MODES)}."]
    if not 1 <= (scan.top or 0) <= MAX_TOP:
        errors["top"] = [f"Ask for 1 to {MAX_TOP} results."]
    try:
        scan.filters = OrganizationCriteria.from_data(scan.filters).as_data()
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (scan.title or "").strip():
        scan.title = (scan.gap.title if scan.gap else scan.text)[:200]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scan_create(*, actor: User, data: Mapping[str, Any]) -> Scan:
    policy.require(actor, policy.SCOUTING_MANAGE)
    scan = Scan(created_by=actor)
    _clean(data, scan)
    scan.full_clean(exclude=["filters"])
    scan.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=scan,
        changes=audit.diff({}, _scan_values(scan)),
    )
    return scan


@transaction.atomic
def scan_update(
    *, actor: User, scan: Scan, data: Mapping[str, Any], expected_version: int | None = None
) -> Scan:
    """Change the fields in `data`, never a run's results; EditConflict if edited since
    `expected_version` was read."""
    policy.require(actor, policy.SCOUTING_MANAGE)
    before = _scan_values(scan)
    loaded = versions.loaded(scan)
    _clean(data, scan)
    scan.full_clean(exclude=["filters"])
    submitted = {name: data[name] for name in SCAN_FIELDS if name in data}
    versions.save_changes(scan, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, _scan_values(scan))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=scan, changes=changes)
    return scan


def excluded_organizations(scan: Scan) -> set[int]:
    """In the pipeline already, or rejected for this scan's gap (for this scan if none)."""
    in_pipeline = set(
        PartnershipParty.objects.filter(partnership__stage__in=PIPELINE).values_list(
            "organization_id", flat=True
        )
    )
    rejected = ScanCandidate.objects.filter(status=ScanCandidate.Status.REJECTED)
    rejected = rejected.filter(scan__gap=scan.gap) if scan.gap_id else rejected.filter(scan=scan)
    return in_pipeline | set(rejected.values_list("organization_id", flat=True))


def scan_run(*, actor: User, scan: Scan) -> Scan:
    """Search again; candidates found for the first time are marked new.

    The search runs before the transaction: it may take seconds (encoding the query, loading
    the model in a new process), and on SQLite a transaction holds the one write lock, which
    would make every other writer wait for it."""
    policy.require(actor, policy.SCOUTING_MANAGE)
    result = scout(
        scan.text,
        user=actor,
        mode=scan.mode,
        top=scan.top,
        filters=OrganizationCriteria.from_data(scan.filters),
        exclude=excluded_organizations(scan),
    )
    with transaction.atomic():
        return _record_run(actor, Scan.objects.select_for_update().get(pk=scan.pk), result)


def _record_run(actor: User, scan: Scan, result: ScoutResult) -> Scan:
    scan.run_count += 1
    scan.last_run_at = timezone.now()
    scan.notices, scan.unmatched_terms = result.notices, result.unmatched
    scan.save(
        update_fields=["run_count", "last_run_at", "notices", "unmatched_terms", "updated_at"]
    )
    existing = {c.organization_id: c for c in scan.candidates.all()}
    created, updated = [], []
    for rank, match in enumerate(result.items, start=1):
        candidate = existing.get(match.organization.pk)
        if candidate is None:
            candidate = ScanCandidate(
                scan=scan, organization=match.organization, first_run=scan.run_count
            )
            created.append(candidate)
        else:
            updated.append(candidate)
        candidate.rank, candidate.score, candidate.reasons = rank, match.score, match.reasons
        candidate.last_run = scan.run_count
    ScanCandidate.objects.bulk_create(created)
    ScanCandidate.objects.bulk_update(updated, ["rank", "score", "reasons", "last_run"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=scan,
        changes={
            "run": [scan.run_count - 1, scan.run_count],
            "found": [None, len(result.items)],
            "new": [None, len(created)],
        },
    )
    return scan


def _decide(actor: User, candidate: ScanCandidate, status: str, reason: str = "") -> None:
    before = {"status": candidate.status, "reject_reason": candidate.reject_reason}
    candidate.status, candidate.reject_reason = status, reason
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    after = {"status": candidate.status, "reject_reason": candidate.reject_reason}
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=candidate,
        changes=audit.diff(before, after),
    )


def _open(candidate: ScanCandidate) -> None:
    if candidate.status == ScanCandidate.Status.PROMOTED:
        raise ValidationError({"status": ["Already promoted into a partnership; change it there."]})


@transaction.atomic
def candidate_shortlist(*, actor: User, candidate: ScanCandidate) -> ScanCandidate:
    policy.require(actor, policy.SCOUTING_MANAGE)
    _open(candidate)
    _decide(actor, candidate, ScanCandidate.Status.SHORTLISTED)
    return candidate


@transaction.atomic
def candidate_reject(*, actor: User, candidate: ScanCandidate, reason: str) -> ScanCandidate:
    policy.require(actor, policy.SCOUTING_MANAGE)
    _open(candidate)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["Say why the candidate is rejected."]})
    if len(reason) > 500:
        raise ValidationError({"reason": [f"At most 500 characters ({len(reason)} given)."]})
    _decide(actor, candidate, ScanCandidate.Status.REJECTED, reason)
    return candidate


@transaction.atomic
def candidate_reopen(*, actor: User, candidate: ScanCandidate) -> ScanCandidate:
    """Undo a shortlist or a rejection."""
    policy.require(actor, policy.SCOUTING_MANAGE)
    _open(candidate)
    _decide(actor, candidate, ScanCandidate.Status.NEW)
    return candidate


@transaction.atomic
def candidate_promote(
    *,
    actor: User,
    candidate: ScanCandidate,
    play: PartnershipPlay | None = None,
    type: str | None = None,
    title: str = "",
) -> Partnership:
    """A partnership at the candidate stage with this organization, linked to the scan's gap
    and to `play` (the gap's only play when not given)."""
    policy.require(actor, policy.SCOUTING_MANAGE)
    policy.require(actor, policy.PARTNERSHIP_CHANGE)
    _open(candidate)
    gap: CapabilityGap | None = candidate.scan.gap
    if play is None and gap is not None:
        plays = list(gap.plays.exclude(status=PartnershipPlay.Status.ARCHIVED)[:2])
        play = plays[0] if len(plays) == 1 else None
    partnership_type = type or (play.type if play else "")
    if partnership_type not in PartnershipType.values:
        raise ValidationError({"type": ["Choose the type of partnership, or a play with one."]})
    organization = candidate.organization
    purpose = gap.title if gap else candidate.scan.title
    partnership = partnerships.partnership_create(
        actor=actor,
        data={
            "title": (title or "").strip()[:200] or f"{organization.name} — {purpose}"[:200],
            "type": partnership_type,
            "play": play,
        },
        parties=[(organization, PartnershipParty.Role.PARTNER)],
        gaps=[gap] if gap else [],
    )
    candidate.partnership = partnership
    _decide(actor, candidate, ScanCandidate.Status.PROMOTED)
    return partnership
