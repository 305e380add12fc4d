"""Health survey pages: a partnership's rounds with the perception gap and its trend, a round's
answers, and the form a respondent of either side opens from its link (and sees nothing else).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.metrics import selectors, surveys
from accord.metrics.charts import health_chart, health_trend
from accord.metrics.forms import AnswerForm, RoundForm
from accord.metrics.models import SurveyRespondent, SurveyRound
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

SECTION = {"section": "partnerships"}
ROUNDS_SHOWN = 12


def _url(partnership_id: int) -> str:
    return reverse("metrics:partnership_health", args=[partnership_id])


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def partnership_health(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, partnership_selectors.partnership_detail(request.user, pk))


def _page(
    request: SignedInRequest, partnership: Partnership, form: RoundForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    actor = request.user
    rounds = list(selectors.survey_rows(actor).filter(partnership=partnership)[:ROUNDS_SHOWN])
    results = selectors.round_results(actor, rounds)
    team = policy.can_change_partnership(actor, partnership)
    if team and form is None:
        form = RoundForm(initial={"closes_on": timezone.localdate() + dt.timedelta(days=14)})
    context = {
        **SECTION,
        "partnership": partnership,
        "results": results,
        "latest_chart": health_chart(results[0]) if results else "",
        "trend": health_trend(results),
        "form": form if team else None,
    }
    return render(request, "metrics/partnership_health.html", context, status=status)


def _addresses(text: str) -> list[str]:
    return [a for a in re.split(r"[\s,;]+", text or "") if a]


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_survey_open(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    policy.require_change_partnership(request.user, partnership)
    form = RoundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        closes = dt.datetime.combine(data["closes_on"], dt.time(23, 59),
                                     tzinfo=timezone.get_current_timezone())  # fmt: skip
        try:
            survey = surveys.round_open(
                actor=request.user, partnership=partnership, title=data["title"],
                closes_at=closes, ours=_addresses(data["ours"]),
                theirs=_addresses(data["theirs"]), share_results=data["results_shared"],
                link_for=lambda raw: request.build_absolute_uri(
                    reverse("metrics:survey_answer") + f"?token={raw}"),
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"“{survey}” was sent to {survey.respondents.count()} "
                                      "people.")  # fmt: skip
            return redirect(_url(partnership.pk))
    return _page(request, partnership, form, status=422)


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def surveyround_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = get_visible_or_404(request.user, SurveyRound, pk=pk)
    [result] = selectors.round_results(request.user, [survey])
    context = {
        **SECTION,
        "partnership": survey.partnership,
        "result": result,
        "chart": health_chart(result),
        "respondents": visible_to(request.user, SurveyRespondent).filter(round=survey),
        "may_share": policy.can_change_partnership(request.user, survey.partnership),
    }
    return render(request, "metrics/surveyround_detail.html", context)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def surveyround_share(request: SignedInRequest, pk: int) -> HttpResponse:
    """Share the round's results with the partner's users, or stop (the service checks who)."""
    survey = get_visible_or_404(request.user, SurveyRound, pk=pk)
    back = reverse("metrics:surveyround_detail", args=[survey.pk])
    choice = request.POST.get("results_shared", "")
    if choice not in ("0", "1"):
        messages.error(request, "The page sent no choice (results_shared 1 or 0); reload it.")
        return redirect(back)
    surveys.round_share(actor=request.user, survey=survey, shared=choice == "1")
    if survey.results_shared:
        messages.success(request, f"The results of “{survey}” are shared with the partner.")
    else:
        messages.success(request, f"The results of “{survey}” are no longer shared.")
    return redirect(back)


@access(policy.PUBLIC)
def survey_answer(request: SignedInRequest) -> HttpResponse:
    """The form behind a respondent's link: five scores and comments, nothing else."""
    raw = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    context: dict[str, Any] = {}
    try:
        respondent = surveys.respondent_for(raw or "")
    except ValidationError as error:
        context["problem"] = " ".join(error.messages)
        return render(request, "metrics/survey_answer.html", context, status=400)
    context["partnership_title"] = respondent.round.partnership.title
    if request.method != "POST":
        context["form"] = AnswerForm(initial={"token": raw})
        return render(request, "metrics/survey_answer.html", context)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            surveys.answers_submit(raw=form.cleaned_data["token"], answers=form.answers())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            context["thanks"] = True
            return render(request, "metrics/survey_answer.html", context)
    context["form"] = form
    return render(request, "metrics/survey_answer.html", context, status=400)
