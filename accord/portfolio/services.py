"""Every write to the portfolio review: its rules, a quarter's review, and the decisions, which
move the partnership (exit, renewal) through the existing stage gates. Audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, events, policy, versions
from accord.core.errors import GateRefused
from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.core.writes import assign, validate
from accord.metrics import periods
from accord.partnerships.models import Partnership, Stage
from accord.partnerships.services import partnership_move
from accord.portfolio import rules
from accord.portfolio.facts import facts_for
from accord.portfolio.models import Recommendation, Review, ReviewItem, ReviewRule

RULE_FIELDS = ("name", "recommendation", "conditions", "is_active")
REVIEWED_STAGES = (Stage.ACTIVE, Stage.RENEWAL_REVIEW)


def rules_install_defaults() -> int:
    """The default rules, on an install that has none."""
    if ReviewRule.objects.exists():
        return 0
    ReviewRule.objects.bulk_create(
        [ReviewRule(name=name, recommendation=recommendation, conditions=conditions,
                    position=number) for number, (name, recommendation, conditions)
         in enumerate(rules.DEFAULT_RULES, start=1)]
    )  # fmt: skip
    return len(rules.DEFAULT_RULES)


@transaction.atomic
def rule_save(
    *, actor: User, data: Mapping[str, Any], rule: ReviewRule | None = None,
    expected_version: int | None = None,
) -> ReviewRule:  # fmt: skip
    """Add a rule (last in order) or change one; conditions are checked by name first."""
    policy.require(actor, policy.GATES_MANAGE)
    rules_install_defaults()  # a first custom rule comes after the defaults, not instead
    before = audit.snapshot(rule, RULE_FIELDS) if rule else {}
    target = rule or ReviewRule(
        position=(ReviewRule.objects.aggregate(top=Max("position"))["top"] or 0) + 1
    )
    loaded = versions.loaded(target)
    assign(target, data, RULE_FIELDS)
    problems = rules.condition_errors(target.conditions)
    validate(target, {"conditions": problems} if problems else {})
    if rule is None:
        target.save()
    else:
        submitted = {name: data[name] for name in RULE_FIELDS if name in data}
        versions.save_changes(target, loaded, submitted=submitted,
                              expected_version=expected_version)  # fmt: skip
    changes = audit.diff(before, audit.snapshot(target, RULE_FIELDS))
    if changes:
        action = AuditEvent.Action.UPDATE if rule else AuditEvent.Action.CREATE
        audit.record(actor=actor, action=action, instance=target, changes=changes)
    return target


@transaction.atomic
def review_run(*, actor: User, quarter: dt.date | str, today: dt.date | None = None) -> Review:
    """Give every active partnership (and those in renewal review) its recommendation for
    `quarter` from the active rules, keeping the facts they were given."""
    policy.require(actor, policy.PORTFOLIO_REVIEW)
    start = periods.quarter_of(quarter if isinstance(quarter, dt.date) else periods.parse(quarter))
    existing = Review.objects.filter(quarter=start).first()
    if existing is not None:
        raise ValidationError({"quarter": f"{existing} was already run; open it instead."})
    today = today or timezone.localdate()
    if start > periods.quarter_of(today):
        raise ValidationError({"quarter": f"{periods.label(start)} has not begun."})
    rules_install_defaults()
    active = [(r.name, r.recommendation, r.conditions)
              for r in ReviewRule.objects.filter(is_active=True)]  # fmt: skip
    partnerships = list(
        visible_to(actor, Partnership).filter(stage__in=REVIEWED_STAGES).order_by("title", "pk")
    )
    facts = facts_for(actor, partnerships, start, today)
    review = Review.objects.create(quarter=start, created_by=actor, created_at=timezone.now())
    items = []
    for partnership in partnerships:
        known = facts[partnership.pk]
        outcome = rules.evaluate(active, known, Recommendation.CONTINUE)
        items.append(ReviewItem(
            review=review, partnership=partnership, facts=known,
            recommendation=outcome.recommendation, rule=outcome.rule,
            evidence=outcome.evidence, unevaluated=outcome.unevaluated,
            is_zombie=bool(known.get("zombie")),
        ))  # fmt: skip
    ReviewItem.objects.bulk_create(items)
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=review,
                 changes=audit.diff({}, {"quarter": periods.label(start),
                                         "partnerships": len(items)}))  # fmt: skip
    return review


def _move(actor: User, item: ReviewItem, decision: str, rationale: str) -> str:
    """Where the decision takes the partnership, through its gate; "" when it stays."""
    partnership = item.partnership
    reason = f"{item.review}: {Recommendation(decision).label}. {rationale}"
    if decision == Recommendation.EXIT:
        target = Stage.EXITED
    elif partnership.stage == Stage.RENEWAL_REVIEW:
        target = Stage.ACTIVE  # renewed: scale, continue or fix all keep it going
    else:
        return ""
    try:
        partnership_move(actor=actor, partnership=partnership, to_stage=target, reason=reason)
    except GateRefused as refused:
        raise ValidationError(
            {"decision": f"{partnership.title} cannot move to {target} yet: "
                         + "; ".join(refused.missing)}
        ) from None  # fmt: skip
    return str(target)


@transaction.atomic
def item_decide(
    *, actor: User, item: ReviewItem, decision: str, rationale: str,
    expected_version: int | None = None,
) -> ReviewItem:  # fmt: skip
    """Record the executives' decision with its rationale; an exit or a renewal moves the
    partnership through the existing gates, and a refused gate records nothing."""
    policy.require(actor, policy.PORTFOLIO_REVIEW)
    errors: dict[str, list[str]] = {}
    if decision not in Recommendation.values:
        errors["decision"] = [f"Decide one of {', '.join(Recommendation.values)}."]
    if not (rationale or "").strip():
        errors["rationale"] = ["Give the rationale for the decision."]
    if item.decision:
        errors["decision"] = [f"Already decided: {item.get_decision_display()}."]
    if errors:
        raise ValidationError(errors)
    loaded = versions.loaded(item)
    moved = _move(actor, item, decision, rationale.strip())
    item.decision, item.rationale = decision, rationale.strip()
    item.decided_by, item.decided_at = actor, timezone.now()
    versions.save_changes(
        item, loaded,
        submitted={"decision": decision, "rationale": item.rationale,
                   "decided_by": actor, "decided_at": item.decided_at},
        expected_version=expected_version,
    )  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=item,
                 changes={"decision": ["", decision], "rationale": ["", item.rationale],
                          "moved_to": [None, moved or None]})  # fmt: skip
    partnership = item.partnership
    events.emit(events.DECISION_RECORDED, {
        "source": "portfolio review", "partnership": partnership.pk, "title": partnership.title,
        "decision": decision, "rationale": item.rationale, "moved_to": moved or None,
        "by": actor.get_username(), "confidential": partnership.is_confidential,
    })  # fmt: skip
    return item
