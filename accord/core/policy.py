"""The access policy: the one place that says who may do what and see which rows.

Every view, API operation, export and report asks this module, either through `can` /
`require` for an action, or through `visible_to` for the rows a user may read. Views and API
operations declare their action with `@access(...)` / `api_access(...)`, which the role-matrix
test reads to walk every endpoint as every role.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accord.accounts.models import User

# Whoever asks: a signed-in user, an anonymous visitor, or no one (a system task).
Visitor: TypeAlias = "User | AnonymousUser | None"
Rows: TypeAlias = "models.QuerySet[Any]"
Rule: TypeAlias = "Callable[[Visitor, Rows], Rows]"
M = TypeVar("M", bound=models.Model)

ADMIN, EXECUTIVE, MANAGER, VENTURES, CONTRIBUTOR, VIEWER, PARTNER = (
    "admin",
    "executive",
    "manager",
    "ventures",  # the corporate-venture team: the fund and its investments, else a viewer
    "contributor",
    "viewer",
    "partner",
)
ROLES = (ADMIN, EXECUTIVE, MANAGER, VENTURES, CONTRIBUTOR, VIEWER, PARTNER)
INTERNAL_ROLES = (ADMIN, EXECUTIVE, MANAGER, VENTURES, CONTRIBUTOR, VIEWER)

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in user, partner users included (own account, home)

DIRECTORY_VIEW = "directory.view"
DIRECTORY_CHANGE = "directory.change"
DIRECTORY_IMPORT = "directory.import"
AUDIT_VIEW = "audit.view"
SYSTEM_VIEW = "system.view"  # the background worker's heartbeat, queue and failed tasks
USERS_MANAGE = "users.manage"
STRATEGY_VIEW = "strategy.view"
STRATEGY_CHANGE = "strategy.change"
PARTNERSHIP_VIEW = "partnership.view"
# Creating, editing and moving are also limited per partnership: see can_change_partnership.
PARTNERSHIP_CHANGE = "partnership.change"
PARTNERSHIP_MOVE = "partnership.move"
GATES_MANAGE = "gates.manage"
WORKSPACE_VIEW = "workspace.view"
SCREENING_VIEW = "screening.view"
# Rubrics, rounds, candidates and reviewers; due diligence follows can_change_partnership.
SCREENING_MANAGE = "screening.manage"
SCREENING_ASSESS = "screening.assess"  # score where assigned
SCOUTING_VIEW = "scouting.view"  # search for partners, read scans
# Save and run scans, shortlist and reject; promoting also needs PARTNERSHIP_CHANGE.
SCOUTING_MANAGE = "scouting.manage"
# The KPI library and exchange rates; targets, observations and costs follow
# can_change_partnership.
METRICS_DEFINE = "metrics.define"
# Run the quarterly portfolio review and record its decisions.
PORTFOLIO_REVIEW = "portfolio.review"

# Read interactions, connections and introduction paths (never a partner's).
RELATIONSHIPS_VIEW = "relationships.view"
# Record interactions and connections, import them, and set the cadence rules.
RELATIONSHIPS_RECORD = "relationships.record"
# Register webhook endpoints, read their delivery logs and secrets.
WEBHOOKS_MANAGE = "webhooks.manage"
# The venture portfolio (funds, investments, cash flows, marks, returns): seen by the ventures
# team, executives and administrators only; kept by the ventures team and administrators.
VENTURES_VIEW = "ventures.view"
VENTURES_CHANGE = "ventures.change"

_READ_ALL = {DIRECTORY_VIEW, STRATEGY_VIEW, PARTNERSHIP_VIEW, SCREENING_VIEW, SCOUTING_VIEW}
_READ_ALL |= {RELATIONSHIPS_VIEW}
ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset(
        _READ_ALL
        | {DIRECTORY_CHANGE, DIRECTORY_IMPORT, AUDIT_VIEW, USERS_MANAGE, STRATEGY_CHANGE}
        | {SYSTEM_VIEW, PARTNERSHIP_CHANGE, PARTNERSHIP_MOVE, GATES_MANAGE}
        | {SCREENING_MANAGE, SCREENING_ASSESS, SCOUTING_MANAGE, METRICS_DEFINE, PORTFOLIO_REVIEW}
        | {RELATIONSHIPS_RECORD, WEBHOOKS_MANAGE, VENTURES_VIEW, VENTURES_CHANGE}
    ),
    EXECUTIVE: frozenset(
        _READ_ALL
        | {STRATEGY_CHANGE, PARTNERSHIP_MOVE, SCREENING_ASSESS, METRICS_DEFINE, PORTFOLIO_REVIEW}
        | {RELATIONSHIPS_RECORD, VENTURES_VIEW}
    ),
    MANAGER: frozenset(
        _READ_ALL
        | {DIRECTORY_CHANGE, DIRECTORY_IMPORT, STRATEGY_CHANGE}
        | {PARTNERSHIP_CHANGE, PARTNERSHIP_MOVE}
        | {
            SCREENING_MANAGE,
            SCREENING_ASSESS,
            SCOUTING_MANAGE,
            METRICS_DEFINE,
            RELATIONSHIPS_RECORD,
        }
    ),
    VENTURES: frozenset(_READ_ALL | {VENTURES_VIEW, VENTURES_CHANGE}),
    CONTRIBUTOR: frozenset(_READ_ALL | {SCREENING_ASSESS, RELATIONSHIPS_RECORD}),
    VIEWER: frozenset(_READ_ALL),
    PARTNER: frozenset({WORKSPACE_VIEW}),
}


def _model(label: str) -> type[models.Model]:
    # The policy sits in core, below every app (docs/architecture.md), so it names the
    # models its rules join through by label, as a ForeignKey does, instead of importing them.
    return apps.get_model(label)


def signed_in(user: Visitor) -> User | None:
    """The user if signed in with an active account; None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def role_of(user: Visitor) -> str | None:
    member = signed_in(user)
    return None if member is None else member.role


def can(user: Visitor, action: str) -> bool:
    if action == PUBLIC:
        return True
    role = role_of(user)
    if role is None:
        return False
    if action == SIGNED_IN:
        return True
    return action in ACTIONS_BY_ROLE.get(role, frozenset())


def roles_that(action: str) -> list[str]:
    """The roles granted `action`, e.g. to offer only users who may review."""
    return [role for role in ROLES if action in ACTIONS_BY_ROLE.get(role, frozenset())]


def partner_organization_id(user: Visitor) -> int | None:
    """The organization a partner user speaks for; None for anyone else."""
    member = signed_in(user)
    return member.organization_id if member is not None and member.role == PARTNER else None


def is_internal(user: Visitor) -> bool:
    """A signed-in user of our company, not of a partner organization."""
    return role_of(user) in INTERNAL_ROLES


def is_known_role(role: str) -> bool:
    return role in ROLES


def is_internal_role(role: str) -> bool:
    return role in INTERNAL_ROLES


def internal_accounts(qs: Rows) -> Rows:
    """The user accounts among `qs` that belong to our company, not to a partner."""
    return qs.filter(role__in=INTERNAL_ROLES)


def accounts_granted(qs: Rows, action: str) -> Rows:
    """The user accounts among `qs` whose role grants `action`, e.g. those who may review."""
    return qs.filter(role__in=roles_that(action))


def is_partner_role(role: str) -> bool:
    """Partner users, and only they, belong to an organization."""
    return role == PARTNER


def is_administrator_role(role: str) -> bool:
    """Administrators are Django's staff and superusers, and may be an install's first user."""
    return role == ADMIN


def owns_partnerships_it_creates(user: Visitor) -> bool:
    """An alliance manager who creates a partnership becomes its owner; others name one."""
    return role_of(user) == MANAGER


def may_approve(user: Visitor, approver_role: str) -> bool:
    """Whether `user` approves a move whose gate names `approver_role`; administrators any."""
    return role_of(user) in (approver_role, ADMIN)


def may_learn_existence(user: Visitor) -> bool:
    """Whether a refusal may say "forbidden" about an object rather than "not found".

    Internal roles may learn that an object exists; a partner user is told nothing exists
    outside its workspace, not even the internal ids of its own partnerships.
    """
    return role_of(user) in INTERNAL_ROLES


def require(user: Visitor, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied(f"Your role may not do this ({action}).")


def visible_to(user: Visitor, model: type[M]) -> models.QuerySet[M]:
    """The rows of `model` that `user` may read. Unknown models are refused, never open."""
    label = model._meta.label_lower
    rule = _VISIBILITY.get(label)
    if rule is None:
        raise LookupError(f"the access policy has no rule for {label}")
    return rule(user, model._default_manager.all())


def get_visible_or_404(user: Visitor, model: type[M], **lookup: Any) -> M:
    """Fetch one row the user may read; missing and forbidden look the same (404)."""
    try:
        return visible_to(user, model).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None


def is_on_team(user: Visitor, partnership: Any) -> bool:
    """Owner, executive sponsor or a named team member of the partnership."""
    member = signed_in(user)
    if member is None:
        return False
    return bool(
        partnership.owner_id == member.pk
        or partnership.executive_sponsor_id == member.pk
        or partnership.team.filter(pk=member.pk).exists()
    )


def can_change_partnership(user: Visitor, partnership: Any) -> bool:
    """Administrators edit any partnership; alliance managers those they own or are assigned to."""
    if not can(user, PARTNERSHIP_CHANGE):
        return False
    return role_of(user) == ADMIN or is_on_team(user, partnership)


def changeable_partnerships(user: Visitor, qs: Rows) -> Rows:
    """The partnerships among `qs` that `user` may change: `can_change_partnership` of many
    rows in one query (the rows a bulk edit may touch)."""
    if not can(user, PARTNERSHIP_CHANGE):
        return qs.none()
    if role_of(user) == ADMIN:
        return qs
    team = Q(owner=user) | Q(executive_sponsor=user) | Q(team=user)
    return qs.filter(pk__in=qs.model._default_manager.filter(team).values("pk"))


def require_change_partnership(user: Visitor, partnership: Any) -> None:
    if not can_change_partnership(user, partnership):
        raise PermissionDenied("Only the partnership's owner, its team or an administrator may.")


def can_move_partnership(user: Visitor, partnership: Any) -> bool:
    """Executives decide gates on any partnership; managers move their own; admins any."""
    if not can(user, PARTNERSHIP_MOVE):
        return False
    return role_of(user) in (ADMIN, EXECUTIVE) or is_on_team(user, partnership)


def can_contribute_to_partnership(user: Visitor, partnership: Any) -> bool:
    """Who adds notes, comments and documents: those who may change the partnership, and a
    partner user on a partnership its organization is a party to (its workspace)."""
    if role_of(user) == PARTNER:
        return (
            can(user, WORKSPACE_VIEW)
            and partnership.parties.filter(organization_id=partner_organization_id(user)).exists()
        )
    return can_change_partnership(user, partnership)


def can_work_on(
    user: Visitor,
    item: models.Model,
    partnership: Any,
    assignee_id: int | None,
    *,
    changes_partnership: bool | None = None,
    read_through_policy: bool = False,
) -> bool:
    """Who updates an item assigned to someone (a criterion's actuals, a milestone): those who
    may change its partnership, and its assignee on either side while it may see the item. A
    page that asked already passes the answers: whether the user changes the partnership, and
    that it read the item through `visible_to`."""
    if changes_partnership is None:
        changes_partnership = can_change_partnership(user, partnership)
    if changes_partnership:
        return True
    member = signed_in(user)
    if member is None or assignee_id != member.pk:
        return False
    return read_through_policy or visible_to(user, type(item)).filter(pk=item.pk).exists()


def person_name_for(viewer: Visitor, person: Any) -> str | None:
    """A person's name as `viewer` may read it: a partner user reads ours and its own
    organization's people by name, and never learns who another party's are."""
    if person is None:
        return None
    own = partner_organization_id(viewer)
    if own is None or is_internal(person) or person.organization_id == own:
        return str(person.get_full_name() or person.get_username())
    return "another party"


def can_manage_credentials_of(user: Visitor, owner: Any) -> bool:
    """Anyone signed in sets their own password and API tokens; administrators anyone's."""
    member = signed_in(user)
    if member is None:
        return False
    return member.pk == owner.pk or can(user, USERS_MANAGE)


def may_read_history_of(user: Visitor, instance: models.Model) -> bool:
    """Whoever may see an object may read its history; administrators read every history."""
    if can(user, AUDIT_VIEW):
        return True
    return visible_to(user, type(instance)).filter(pk=instance.pk).exists()


def _partnership_rows(user: Visitor, qs: Rows) -> Rows:
    role = role_of(user)
    if role == ADMIN:
        return qs
    if role == PARTNER:
        return qs.filter(parties__organization_id=partner_organization_id(user)).distinct()
    if can(user, PARTNERSHIP_VIEW):
        team = Q(owner=user) | Q(executive_sponsor=user) | Q(team=user)
        return qs.filter(
            Q(is_confidential=False) | Q(pk__in=qs.model._default_manager.filter(team))
        )
    return qs.none()


def _visible_partnership_ids(user: Visitor) -> Rows:
    return _partnership_rows(
        user, _model("partnerships.Partnership")._default_manager.all()
    ).values("pk")


def within_visible_partnerships(user: Visitor, qs: Rows, *paths: str) -> Rows:
    """Restrict rows that hang off a partnership to those whose partnership the user may see.

    Each path leads from the row to a partnership (`partnership`, `candidate__partnership`, ...);
    a row without a partnership on a path is not restricted by it. Confidentiality is thereby
    inherited by everything linked to a partnership, whatever the page or call that lists it.
    """
    if role_of(user) == ADMIN:
        return qs
    visible = _visible_partnership_ids(user)
    for path in paths:
        qs = qs.filter(Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__in": visible}))
    return qs


def _partnership_child_rows(shared_only_for_partner: bool) -> Rule:
    """Rows that belong to a partnership: visible with it; a partner sees only those shared
    with its own organization."""

    def rule(user: Visitor, qs: Rows) -> Rows:
        qs = within_visible_partnerships(user, qs, "partnership")
        if role_of(user) != PARTNER:
            return qs
        if not shared_only_for_partner:
            return qs.none()
        shared = qs.filter(
            visibility="shared", shared_with__organization_id=partner_organization_id(user)
        ).values("pk")
        return qs.filter(pk__in=shared)

    return rule


def _linked_rows(action: str, *paths: str) -> Rule:
    """Rows readable with `action` that may link to a partnership by `paths`."""

    def rule(user: Visitor, qs: Rows) -> Rows:
        if not can(user, action):
            return qs.none()
        return within_visible_partnerships(user, qs, *paths)

    return rule


def _rows_of_visible(label: str, path: str, *, partner_reads: bool = True) -> Rule:
    """Rows that belong to a row of the model `label` by `path`: visible with it. Where a
    partner does not read them (assessments of its own pilots), visible to internal roles."""

    def rule(user: Visitor, qs: Rows) -> Rows:
        if not partner_reads and role_of(user) not in INTERNAL_ROLES:
            return qs.none()
        return qs.filter(**{f"{path}__in": visible_to(user, _model(label)).values("pk")})

    return rule


def _party_rows(user: Visitor, qs: Rows) -> Rows:
    visible = _visible_partnership_ids(user)
    qs = qs.filter(partnership__in=visible)
    if role_of(user) == PARTNER:
        # A partner never learns who the other parties are.
        return qs.filter(organization_id=partner_organization_id(user))
    return qs


def _comment_rows(user: Visitor, qs: Rows) -> Rows:
    """Comments of visible notes; a partner never reads another partner organization's users."""
    qs = qs.filter(note__in=visible_to(user, _model("partnerships.Note")).values("pk"))
    if role_of(user) == PARTNER:
        others = (
            _model("accounts.User")
            ._default_manager.filter(role=PARTNER)
            .exclude(organization_id=partner_organization_id(user))
        )
        return qs.exclude(author__in=others.values("pk"))
    return qs


def _kpi_rows(user: Visitor, qs: Rows) -> Rows:
    """The KPI library is internal; a partner user reads a joint KPI that a partnership of its
    organization tracks (a target or a value of it it may see), for its name, unit and
    direction."""
    if role_of(user) != PARTNER:
        return _internal_rows(user, qs)
    targeted = visible_to(user, _model("metrics.KpiTarget")).values("kpi_id")
    observed = visible_to(user, _model("metrics.Observation")).values("kpi_id")
    return qs.filter(Q(pk__in=targeted) | Q(pk__in=observed), is_joint=True)


def _joint_measure_rows(user: Visitor, qs: Rows) -> Rows:
    """A partnership's KPI targets and values: visible with it; a partner user sees those of
    joint KPIs on partnerships its organization is a party to."""
    qs = within_visible_partnerships(user, qs, "partnership")
    return qs.filter(kpi__is_joint=True) if role_of(user) == PARTNER else qs


def _survey_round_rows(user: Visitor, qs: Rows) -> Rows:
    """Health checks: visible with their partnership; a partner user sees those whose results
    were shared, on partnerships its organization is a party to."""
    qs = within_visible_partnerships(user, qs, "partnership")
    return qs.filter(results_shared=True) if role_of(user) == PARTNER else qs


def _survey_answer_rows(user: Visitor, qs: Rows) -> Rows:
    """Answers of visible rounds. A partner user reads the scores of both sides, for the
    averages and the gap, but never who gave them (respondents stay internal); which sides'
    comments it reads says `survey_comment_sides`."""
    return qs.filter(
        respondent__round__in=visible_to(user, _model("metrics.SurveyRound")).values("pk")
    )


def survey_comment_sides(user: Visitor, partnership: Any) -> frozenset[str]:
    """The sides of a health check ("ours", "partner") of `partnership` whose comments `user`
    may read: both for internal roles; for a partner user its own side's, and only where its
    organization is the only party (in a consortium they may be another party's people's);
    none for anyone else."""
    if role_of(user) == PARTNER:
        others = partnership.parties.exclude(organization_id=partner_organization_id(user))
        return frozenset() if others.exists() else frozenset({"partner"})
    return frozenset({"ours", "partner"}) if is_internal(user) else frozenset()


def _strategy_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, STRATEGY_VIEW) else qs.none()


def _internal_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, PARTNERSHIP_VIEW) else qs.none()


def _screening_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, SCREENING_VIEW) else qs.none()


def _scouting_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, SCOUTING_VIEW) else qs.none()


def _assessment_rows(user: Visitor, qs: Rows) -> Rows:
    """Scores are internal; a reviewer sees others' scores of a candidate once it submitted."""
    if not can(user, SCREENING_VIEW):
        return qs.none()
    pending = _model("screening.ReviewAssignment")._default_manager.filter(
        reviewer=user, submitted_at__isnull=True
    )
    qs = within_visible_partnerships(user, qs, *_ASSESSMENT_PATHS)
    return qs.exclude(
        Q(assignment__candidate_id__in=pending.values("candidate_id"))
        & ~Q(assignment__reviewer=user)
    )


def _interaction_rows(user: Visitor, qs: Rows) -> Rows:
    """Interactions of partnerships the user sees (or of none); a private one only to its
    attendees (by their e-mail), the one who recorded it and administrators."""
    if not can(user, RELATIONSHIPS_VIEW):
        return qs.none()
    qs = within_visible_partnerships(user, qs, "partnership")
    if role_of(user) == ADMIN:
        return qs
    member = signed_in(user)
    email = (member.email or "").strip() if member is not None else ""
    attended = Q(attendees__person__email__iexact=email) if email else Q(pk__in=[])
    mine = qs.filter(Q(is_private=False) | Q(created_by=member) | attended).values("pk")
    return qs.filter(pk__in=mine)


def _webhook_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, WEBHOOKS_MANAGE) else qs.none()


def _relationship_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, RELATIONSHIPS_VIEW) else qs.none()


def _directory_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, DIRECTORY_VIEW) else qs.none()


def _audit_rows(user: Visitor, qs: Rows) -> Rows:
    """The full log is for administrators; others read it only through objects they can see."""
    if can(user, AUDIT_VIEW):
        return qs
    if can(user, DIRECTORY_VIEW):
        return qs.filter(model__startswith="directory.")
    return qs.none()


def _admin_audit_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, AUDIT_VIEW) else qs.none()


def _system_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, SYSTEM_VIEW) else qs.none()


def _user_rows(user: Visitor, qs: Rows) -> Rows:
    if can(user, USERS_MANAGE):
        return qs
    member = signed_in(user)
    if member is None:
        return qs.none()
    return qs.filter(pk=member.pk)


def _user_managers_rows(user: Visitor, qs: Rows) -> Rows:
    return qs if can(user, USERS_MANAGE) else qs.none()


def _own_rows(user: Visitor, qs: Rows) -> Rows:
    if role_of(user) is None:
        return qs.none()
    return qs.filter(user=user)


# How screening rows reach a partnership: directly, or through the scouting candidate promoted
# to it.
_CANDIDATE_PATHS = ("partnership", "scan_candidate__partnership")
_ASSIGNMENT_PATHS = tuple(f"candidate__{path}" for path in _CANDIDATE_PATHS)
_ASSESSMENT_PATHS = tuple(f"assignment__{path}" for path in _ASSIGNMENT_PATHS)

_VISIBILITY: dict[str, Rule] = {
    "directory.organization": _directory_rows,
    "directory.person": _directory_rows,
    "directory.tag": _directory_rows,
    "directory.externalid": _directory_rows,
    "core.auditevent": _audit_rows,
    "core.workerheartbeat": _system_rows,
    "core.scheduledrun": _system_rows,
    "core.savedview": _own_rows,
    "django_tasks_database.dbtaskresult": _system_rows,
    "accounts.user": _user_rows,
    "accounts.apitoken": _own_rows,
    "accounts.userinvitation": _user_managers_rows,
    "accounts.signinevent": _admin_audit_rows,
    "strategy.strategicpriority": _strategy_rows,
    "strategy.capabilitygap": _strategy_rows,
    "strategy.partnershipplay": _strategy_rows,
    "partnerships.partnership": _partnership_rows,
    "partnerships.partnershipparty": _party_rows,
    "partnerships.stagetransition": _partnership_child_rows(shared_only_for_partner=False),
    "partnerships.note": _partnership_child_rows(shared_only_for_partner=True),
    "partnerships.document": _partnership_child_rows(shared_only_for_partner=True),
    "partnerships.notecomment": _comment_rows,
    "partnerships.stagegate": _internal_rows,
    "partnerships.invitation": _partnership_child_rows(shared_only_for_partner=False),
    "screening.rubric": _screening_rows,
    "screening.rubricversion": _screening_rows,
    "screening.criterion": _screening_rows,
    "screening.screening": _screening_rows,
    "screening.screeningcandidate": _linked_rows(SCREENING_VIEW, *_CANDIDATE_PATHS),
    "screening.reviewassignment": _linked_rows(SCREENING_VIEW, *_ASSIGNMENT_PATHS),
    "screening.assessment": _assessment_rows,
    "screening.duediligencetemplateitem": _screening_rows,
    "screening.duediligenceitem": _partnership_child_rows(shared_only_for_partner=False),
    "scouting.scan": _scouting_rows,
    "scouting.scancandidate": _linked_rows(SCOUTING_VIEW, "partnership"),
    "pilots.pilot": _partnership_child_rows(shared_only_for_partner=True),
    "pilots.successcriterion": _rows_of_visible("pilots.Pilot", "pilot"),
    "pilots.criterionactual": _rows_of_visible("pilots.SuccessCriterion", "criterion"),
    "pilots.readinessscore": _rows_of_visible("pilots.Pilot", "pilot", partner_reads=False),
    "pilots.pilotdecision": _rows_of_visible("pilots.Pilot", "pilot", partner_reads=False),
    "governance.committee": _partnership_child_rows(shared_only_for_partner=True),
    "governance.meeting": _rows_of_visible("governance.Committee", "committee"),
    "governance.decision": _rows_of_visible("governance.Committee", "committee"),
    "governance.actionitem": _rows_of_visible("governance.Committee", "committee"),
    "governance.calendarfeed": _own_rows,
    "notifications.notification": _own_rows,
    "notifications.alertpreference": _own_rows,
    "notifications.webhookendpoint": _webhook_rows,
    "notifications.webhookdelivery": _webhook_rows,
    "governance.escalation": _partnership_child_rows(shared_only_for_partner=True),
    "governance.escalationstep": _rows_of_visible("governance.Escalation", "escalation"),
    "pilots.milestone": _partnership_child_rows(shared_only_for_partner=True),
    "pilots.sprint": _partnership_child_rows(shared_only_for_partner=True),
    "metrics.kpi": _kpi_rows,
    "metrics.exchangerate": _internal_rows,
    "metrics.companyrevenue": _internal_rows,
    "metrics.kpitarget": _joint_measure_rows,
    "metrics.observation": _joint_measure_rows,
    # Costs, and so the ROI, are never a partner's.
    "metrics.costentry": _partnership_child_rows(shared_only_for_partner=False),
    "metrics.surveyround": _survey_round_rows,
    # Who was asked, by address, stays internal even where the results are shared.
    "metrics.surveyrespondent": _rows_of_visible(
        "metrics.SurveyRound", "round", partner_reads=False
    ),
    "metrics.surveyanswer": _survey_answer_rows,
    "relationships.interaction": _interaction_rows,
    "relationships.attendee": _rows_of_visible("relationships.Interaction", "interaction"),
    "relationships.connection": _relationship_rows,
    "relationships.cadencerule": _relationship_rows,
    "portfolio.reviewrule": _internal_rows,
    "portfolio.review": _internal_rows,
    "portfolio.reviewitem": _partnership_child_rows(shared_only_for_partner=False),
    # Venture data: its team, executives and administrators; an investment linked to a
    # confidential partnership, and all that hangs off it, only to those who see the partnership.
    "ventures.fund": _linked_rows(VENTURES_VIEW),
    "ventures.investment": _linked_rows(VENTURES_VIEW, "partnership"),
    "ventures.optionright": _linked_rows(VENTURES_VIEW, "investment__partnership"),
    "ventures.cashflow": _linked_rows(VENTURES_VIEW, "investment__partnership"),
    "ventures.mark": _linked_rows(VENTURES_VIEW, "investment__partnership"),
    "ventures.kpirequest": _linked_rows(VENTURES_VIEW, "investment__partnership"),
    "ventures.kpianswer": _linked_rows(VENTURES_VIEW, "request__investment__partnership"),
    "ventures.kpithreshold": _linked_rows(VENTURES_VIEW, "investment__partnership"),
}

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def access(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce the action a view needs. Anonymous users are sent to log in; a
    partner user refused an object's page is told it does not exist."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if action != PUBLIC and role_of(request.user) is None:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if kwargs and not can(request.user, action) and not may_learn_existence(request.user):
                raise Http404("No such page.")
            require(request.user, action)
            return view(request, *args, **kwargs)

        wrapper.access_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
