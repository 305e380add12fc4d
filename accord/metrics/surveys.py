"""Two-sided health surveys: the team asks people of both sides the same five questions through
links that work once, until the round closes; no account is needed to answer.

An answer is kept with the respondent it came through (address, side, time), which is its
record: the respondent has no account to audit it under. Opening a round is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User, hash_token
from accord.core import audit, policy
from accord.core.models import AuditEvent
from accord.metrics.models import (
    HealthQuestion,
    SurveyAnswer,
    SurveyRespondent,
    SurveyRound,
)
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partner_users

Side = SurveyRespondent.Side
MAX_DAYS = 60


def _addresses(field: str, raw: Iterable[str]) -> tuple[list[str], list[str]]:
    found, errors = [], []
    for address in (a.strip() for a in raw):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors.append(f"“{address}” is not an e-mail address.")
        else:
            found.append(address.lower())
    return found, errors


def round_open(
    *, actor: User, partnership: Partnership, title: str, closes_at: dt.datetime,
    ours: Iterable[str], theirs: Iterable[str], link_for: Callable[[str], str],
    deliver: Callable[[str, str, str], Any] | None = None, share_results: bool = False,
) -> SurveyRound:  # fmt: skip
    """Ask `ours` and `theirs` (addresses) the health questions; each gets its own link by
    e-mail (or by `deliver(subject, body, address)`). Nothing is saved when a message cannot
    be sent. With `share_results`, the partner's users see the results (see `round_share`)."""
    policy.require_change_partnership(actor, partnership)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    our_list, bad = _addresses("ours", ours)
    if bad or not our_list:
        errors["ours"] = bad or ["Ask at least one person of ours."]
    their_list, bad = _addresses("theirs", theirs)
    if bad or not their_list:
        errors["theirs"] = bad or ["Ask at least one person of the partner."]
    twice = sorted(set(our_list) & set(their_list)) or sorted(
        {a for a in our_list + their_list if (our_list + their_list).count(a) > 1}
    )
    if twice:
        errors.setdefault("theirs", []).append(f"Asked twice: {', '.join(twice)}.")
    if not (title or "").strip():
        errors["title"] = ["Give the round a title, such as “2026Q4 health check”."]
    if closes_at <= now:
        errors["closes_at"] = [f"The round would close in the past ({closes_at:%Y-%m-%d %H:%M})."]
    elif closes_at > now + dt.timedelta(days=MAX_DAYS):
        errors["closes_at"] = [f"A round stays open {MAX_DAYS} days at most."]
    if errors:
        raise ValidationError(errors)
    survey = SurveyRound(partnership=partnership, title=title.strip(), created_by=actor,
                         created_at=now, closes_at=closes_at,
                         results_shared=bool(share_results))  # fmt: skip
    people = [(Side.OURS, a) for a in our_list] + [(Side.PARTNER, a) for a in their_list]
    tokens = {address: secrets.token_urlsafe(32) for _, address in people}
    subject = f"How is {partnership.title} going? Five questions, two minutes"
    send = deliver or (lambda subject, body, address: send_mail(subject, body, None, [address]))
    try:
        for _, address in people:
            send(subject, _body(survey, partnership, link_for(tokens[address])), address)
    except (smtplib.SMTPException, OSError) as error:
        raise ValidationError(
            {"theirs": f"The survey could not be sent ({error}); nothing was saved."}
        ) from None
    with transaction.atomic():
        survey.save()
        SurveyRespondent.objects.bulk_create(
            [SurveyRespondent(round=survey, side=side, email=address,
                              token_hash=hash_token(tokens[address])) for side, address in people]
        )  # fmt: skip
        changes = {"partnership": partnership.pk, "title": survey.title,
                   "closes_at": closes_at.isoformat(), "ours": len(our_list),
                   "theirs": len(their_list), "results_shared": survey.results_shared}  # fmt: skip
        audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=survey,
                     changes=audit.diff({}, changes))  # fmt: skip
    return survey


@transaction.atomic
def round_share(*, actor: User, survey: SurveyRound, shared: bool) -> SurveyRound:
    """Share a round's results with the partner's users of its partnership, or stop sharing
    them: the averages per question and side, the gap, and their own side's comments; never
    who answered, never our comments. Whoever may change the partnership decides."""
    policy.require_change_partnership(actor, survey.partnership)
    if not isinstance(shared, bool):
        raise ValidationError({"results_shared": "Say true or false."})
    locked = SurveyRound.objects.select_for_update().get(pk=survey.pk)
    if locked.results_shared == shared:
        survey.results_shared = shared
        return survey
    before = {"results_shared": locked.results_shared}
    locked.results_shared = shared
    locked.save(update_fields=["results_shared"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=locked,
                 changes=audit.diff(before, {"results_shared": shared}))  # fmt: skip
    survey.results_shared = shared
    return survey


def default_respondents(partnership: Partnership) -> tuple[list[str], list[str]]:
    """Whom to ask when no one is named: on our side the partnership's owner, sponsor and
    team; on the partner's its parties' active partner users; each with an e-mail address."""
    team = [partnership.owner, partnership.executive_sponsor, *partnership.team.all()]
    ours = [person.email for person in team if person is not None and person.is_active]
    theirs = partner_users(partnership).filter(is_active=True).values_list("email", flat=True)
    return list(dict.fromkeys(a for a in ours if a)), list(dict.fromkeys(a for a in theirs if a))


def _body(survey: SurveyRound, partnership: Partnership, link: str) -> str:
    return (
        f"We ask both sides of {partnership.title} the same five questions about how the "
        f"partnership is going; each is a score from 1 to 5 with room for a comment.\n\n"
        f"Answer here (the link works once, until {survey.closes_at:%Y-%m-%d %H:%M} UTC):\n"
        f"{link}\n"
    )


def respondent_for(raw: str) -> SurveyRespondent:
    """The respondent of a link that still works, or why it does not."""
    respondent = (
        SurveyRespondent.objects.select_related("round", "round__partnership")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if respondent is None:
        raise ValidationError("This survey link is not valid: check that it was copied whole.")
    if respondent.answered_at is not None:
        raise ValidationError(
            f"This survey was already answered through this link on "
            f"{respondent.answered_at:%Y-%m-%d}. Thank you."
        )
    if respondent.round.closes_at <= timezone.now():
        raise ValidationError(
            f"This survey closed on {respondent.round.closes_at:%Y-%m-%d %H:%M} UTC."
        )
    return respondent


@transaction.atomic
def answers_submit(*, raw: str, answers: Mapping[str, Mapping[str, Any]]) -> SurveyRespondent:
    """Every question scored 1-5, comments optional; a link answers once, even twice at once."""
    respondent = respondent_for(raw)
    errors: dict[str, list[str]] = {}
    rows = []
    for question in HealthQuestion:
        given = answers.get(question.value) or {}
        score = given.get("score")
        if not isinstance(score, int) or not 1 <= score <= 5:
            errors[question.value] = ["Score it from 1 to 5."]
            continue
        comment = str(given.get("comment") or "").strip()
        if len(comment) > 1000:
            errors[question.value] = ["Keep the comment under 1,000 characters."]
            continue
        rows.append(SurveyAnswer(respondent=respondent, question=question.value, score=score,
                                 comment=comment))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    taken = SurveyRespondent.objects.filter(pk=respondent.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if not taken:
        raise ValidationError("This survey was just answered through this link. Thank you.")
    SurveyAnswer.objects.bulk_create(rows)
    return respondent
