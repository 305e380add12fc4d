"""Rubrics: criteria with weights, directions, level descriptions and must-have thresholds.

A rubric's criteria live in its current `RubricVersion`. Changing a rubric whose current
version already has scores creates a new version (the old scores keep the criteria they were
made with); before any score, the current version is changed in place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.screening import mcda
from accord.screening.defaults import LEVELS_BENEFIT, RUBRIC_TEMPLATES
from accord.screening.models import Assessment, Criterion, Rubric, RubricVersion

CRITERION_FIELDS = ("name", "description", "weight", "direction", "levels", "knockout_threshold")


@dataclass
class RubricChange:
    version: RubricVersion
    new_version: bool
    notices: list[str]


def _require(actor: User) -> None:
    if not policy.can(actor, policy.SCREENING_MANAGE):
        raise PermissionDenied("Only administrators and alliance managers keep rubrics.")


def current_version(rubric: Rubric) -> RubricVersion:
    return rubric.versions.latest("number")  # a rubric is created with its first version


def normalized_weights(criteria: Sequence[Mapping[str, Any]]) -> tuple[list[float], list[str]]:
    """The criteria's weights summing to 1, with a notice when they had to be scaled."""
    names = [str(c.get("name") or f"criterion {i + 1}") for i, c in enumerate(criteria)]
    raw = []
    for name, criterion in zip(names, criteria, strict=True):
        try:
            raw.append(float(criterion.get("weight", 0)))
        except (TypeError, ValueError):
            raise ValidationError({"criteria": f"{name}: the weight must be a number."}) from None
    try:
        weights, notice = mcda.normalize_weights(raw)
    except ValueError as error:
        # The calculator numbers weights from 0; a person reads criteria by name.
        message = re.sub(r"weights\[(\d+)\]", lambda m: names[int(m.group(1))], str(error))
        raise ValidationError({"criteria": message}) from None
    if notice:
        return list(weights), [f"The weights summed to {sum(raw):g}; they were normalized to 1."]
    return list(weights), []


def _check_criteria(criteria: Sequence[Mapping[str, Any]]) -> None:
    if not criteria:
        raise ValidationError({"criteria": "A rubric needs at least one criterion."})
    names = [str(c.get("name") or "").strip() for c in criteria]
    if any(not name for name in names):
        raise ValidationError({"criteria": "Every criterion needs a name."})
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise ValidationError({"criteria": f"{name} appears twice."})
        seen.add(name.lower())


def _write_criteria(
    version: RubricVersion, criteria: Sequence[Mapping[str, Any]], weights: list[float]
) -> None:
    version.criteria.all().delete()
    for position, (data, weight) in enumerate(zip(criteria, weights, strict=True)):
        criterion = Criterion(
            version=version,
            position=position,
            name=str(data["name"]).strip(),
            description=data.get("description", "") or "",
            weight=round(weight, 6),
            direction=data.get("direction") or Criterion.Direction.BENEFIT,
            levels=list(data.get("levels") or LEVELS_BENEFIT),
            knockout_threshold=data.get("knockout_threshold"),
        )
        try:
            criterion.full_clean(exclude=["version"])
        except ValidationError as error:
            raise ValidationError(
                {"criteria": [f"{criterion.name}: {m}" for m in error.messages]}
            ) from None
        if len(criterion.levels) != 5:
            raise ValidationError({"criteria": f"{criterion.name}: describe each of the 5 levels."})
        criterion.save()


def _snapshot(version: RubricVersion) -> list[dict[str, Any]]:
    return [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in version.criteria.all()]


@transaction.atomic
def rubric_create(
    *,
    actor: User,
    name: str,
    criteria: Sequence[Mapping[str, Any]],
    description: str = "",
) -> RubricChange:
    _require(actor)
    _check_criteria(criteria)
    weights, notices = normalized_weights(criteria)
    rubric = Rubric(name=name.strip(), description=description)
    rubric.full_clean()
    rubric.save()
    version = RubricVersion.objects.create(rubric=rubric, number=1, created_by=actor)
    _write_criteria(version, criteria, weights)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=rubric,
        changes={"name": [None, rubric.name], "criteria": [None, _snapshot(version)]},
    )
    return RubricChange(version, new_version=True, notices=notices)


def rubric_from_template(*, actor: User, template: str, name: str = "") -> RubricChange:
    if template not in RUBRIC_TEMPLATES:
        known = ", ".join(RUBRIC_TEMPLATES)
        raise ValidationError({"template": f"Unknown template {template!r}; use one of {known}."})
    spec = RUBRIC_TEMPLATES[template]
    criteria = [
        {
            "name": c_name,
            "weight": weight,
            "direction": direction,
            "knockout_threshold": knockout,
            "description": text,
        }
        for c_name, weight, direction, knockout, text in spec["criteria"]
    ]
    return rubric_create(
        actor=actor, name=name or template, criteria=criteria, description=spec["description"]
    )


def _has_scores(version: RubricVersion) -> bool:
    return Assessment.objects.filter(criterion__version=version).exists()


def _version_to_change(actor: User, rubric: Rubric) -> tuple[RubricVersion, bool]:
    version = current_version(rubric)
    if not _has_scores(version):
        return version, False
    return (
        RubricVersion.objects.create(rubric=rubric, number=version.number + 1, created_by=actor),
        True,
    )


@transaction.atomic
def rubric_update(
    *,
    actor: User,
    rubric: Rubric,
    criteria: Sequence[Mapping[str, Any]] | None = None,
    name: str | None = None,
    description: str | None = None,
    expected_version: int | None = None,
) -> RubricChange:
    """Change the name, description or criteria; criteria changes version a scored rubric.

    Raises EditConflict, changing nothing, when the rubric was edited since `expected_version`
    (its `version`, not the number of its criteria's RubricVersion) was read.
    """
    _require(actor)
    loaded = versions.loaded(rubric)
    submitted = {
        name_: value
        for name_, value in (("name", name), ("description", description))
        if value is not None
    }
    if criteria is not None:
        submitted["criteria"] = criteria_text(criteria)
    if expected_version is not None and expected_version != rubric.version:
        raise versions.conflict(rubric, submitted, _stored_criteria)
    before = {"name": rubric.name, "description": rubric.description}
    if name is not None:
        rubric.name = name.strip()
    if description is not None:
        rubric.description = description
    rubric.full_clean()
    changes = audit.diff(before, {"name": rubric.name, "description": rubric.description})
    version, new = current_version(rubric), False
    notices: list[str] = []
    if criteria is not None:
        _check_criteria(criteria)
        weights, notices = normalized_weights(criteria)
        old = _snapshot(version)
        version, new = _version_to_change(actor, rubric)
        _write_criteria(version, criteria, weights)
        if old != _snapshot(version):
            changes["criteria"] = [old, _snapshot(version)]
            if new:
                changes["version"] = [version.number - 1, version.number]
                notices.append(
                    f"Scores exist on version {version.number - 1}; the change is version "
                    f"{version.number}, and earlier assessments keep their criteria."
                )
    # Last, conditional on the version loaded: a concurrent edit makes this one roll back whole.
    versions.save_changes(
        rubric,
        loaded,
        submitted={k: v for k, v in submitted.items() if k != "criteria"},
        related_changed="criteria" in changes,
    )
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=rubric, changes=changes)
    return RubricChange(version, new_version=new, notices=notices)


def criteria_text(criteria: Sequence[Mapping[str, Any]]) -> str:
    """The criteria in a line, to show beside another person's when edits conflict."""
    return "; ".join(f"{c.get('name')} ({float(c.get('weight') or 0):g})" for c in criteria)


def _stored_criteria(rubric: Rubric) -> dict[str, str]:
    return {"criteria": criteria_text(_snapshot(current_version(rubric)))}


@transaction.atomic
def rubric_weights_from_ahp(
    *,
    actor: User,
    rubric: Rubric,
    pairwise: Sequence[Sequence[float]],
    random_index: str = "saaty",
    expected_version: int | None = None,
) -> tuple[RubricChange, mcda.AhpResult]:
    """Set the weights from a pairwise comparison of the criteria (in their order)."""
    _require(actor)
    criteria = list(current_version(rubric).criteria.all())
    if len(pairwise) != len(criteria):
        raise ValidationError(
            {"pairwise": f"Compare all {len(criteria)} criteria: a {len(criteria)} by "
             f"{len(criteria)} matrix, in the rubric's order."}
        )  # fmt: skip
    try:
        result = mcda.ahp(pairwise, random_index=random_index)
    except ValueError as error:
        raise ValidationError({"pairwise": str(error)}) from None
    data = [
        {**{name: getattr(c, name) for name in CRITERION_FIELDS}, "weight": w}
        for c, w in zip(criteria, result.weights, strict=True)
    ]
    change = rubric_update(
        actor=actor, rubric=rubric, criteria=data, expected_version=expected_version
    )
    version = change.version
    version.weighting = RubricVersion.Weighting.AHP
    version.pairwise = [list(map(float, row)) for row in pairwise]
    version.consistency_ratio = result.cr
    version.save(update_fields=["weighting", "pairwise", "consistency_ratio"])
    if not result.consistent:
        change.notices.append(ahp_warning(result, [c.name for c in criteria]))
    return change, result


def ahp_warning(result: mcda.AhpResult, names: Sequence[str]) -> str:
    """Why the comparison is inconsistent, naming the judgement furthest from the weights."""
    text = f"Consistency ratio {result.cr:.2f} is above 0.10: revisit the comparisons."
    worst = result.most_inconsistent
    if worst is not None:
        text += (
            f" The most inconsistent: {names[worst.row]} against {names[worst.column]} was "
            f"rated {worst.value:.3g}, while the other judgements imply {worst.implied:.2g}."
        )
    return text


@transaction.atomic
def rubric_archive(*, actor: User, rubric: Rubric) -> Rubric:
    _require(actor)
    if rubric.status != Rubric.Status.ARCHIVED:
        loaded = versions.loaded(rubric)
        rubric.status = Rubric.Status.ARCHIVED
        versions.save_changes(rubric, loaded, submitted={"status": rubric.status})
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=rubric,
            changes={"status": ["active", "archived"]},
        )
    return rubric
