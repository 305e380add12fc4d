"""Demo health surveys: two rounds for the active partnerships, in which our side sees things
rosier than the partner does on some of them (a perception gap) and the gap widens. The
results are shared with the partner, whose users see them in their workspace."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from accord.accounts.models import User
from accord.metrics import surveys
from accord.metrics.models import HealthQuestion, SurveyRespondent, SurveyRound
from accord.partnerships.models import Partnership, Stage


def _keeping_links_in(links: dict[str, str]) -> Any:
    """Instead of e-mailing: keep each address's token, for the demo to answer with."""

    def deliver(_subject: str, body: str, address: str) -> None:
        links[address] = body.split("token=")[1].split()[0]

    return deliver


def load_surveys_demo(*, rng: random.Random) -> dict[str, int]:
    if SurveyRound.objects.exists():
        return {"survey_rounds": SurveyRound.objects.count()}
    active = Partnership.objects.filter(stage=Stage.ACTIVE).select_related("owner")
    for index, partnership in enumerate(active.order_by("pk")[:8]):
        owner: User | None = partnership.owner
        if owner is None:
            continue
        strained = index % 3 == 0
        for number, title in enumerate(("Spring health check", "Autumn health check")):
            links: dict[str, str] = {}
            survey = surveys.round_open(
                actor=owner, partnership=partnership, title=title,
                closes_at=timezone.now() + dt.timedelta(days=10),
                ours=[f"owner{index}@ours.example", f"sponsor{index}@ours.example"],
                theirs=[f"lead{index}@partner.example", f"eng{index}@partner.example"],
                link_for=lambda raw: f"/metrics/survey/?token={raw}",
                deliver=_keeping_links_in(links), share_results=True,
            )  # fmt: skip
            for address, raw in links.items():
                ours = address.endswith("@ours.example")
                drift = number * (0.6 if strained else -0.2)
                base = 4.2 if ours else (3.0 - drift if strained else 3.9)
                answers: dict[str, dict[str, Any]] = {
                    q.value: {"score": max(1, min(5, round(base + rng.uniform(-0.7, 0.7)))),
                              "comment": "" if ours or not strained else
                              "Decisions wait for the next steering committee."}
                    for q in HealthQuestion
                }  # fmt: skip
                surveys.answers_submit(raw=raw, answers=answers)
            sent = timezone.now() - dt.timedelta(days=180 * (1 - number) + 20)
            SurveyRound.objects.filter(pk=survey.pk).update(
                created_at=sent, closes_at=sent + dt.timedelta(days=14)
            )
            SurveyRespondent.objects.filter(round=survey).update(
                answered_at=sent + dt.timedelta(days=3)
            )
    return {"survey_rounds": SurveyRound.objects.count()}
