"""Two-sided health surveys: links by e-mail that work once until the round closes, the same
questions to both sides, the perception gap, and a respondent who sees only the form."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accord.metrics import selectors, surveys
from accord.metrics.models import HealthQuestion, SurveyAnswer, SurveyRespondent, SurveyRound
from accord.partnerships import services as partnerships
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(personas, org_a):
    manager = personas["manager"]
    partnership = partnerships.partnership_create(
        actor=manager, data={"title": "Grid storage alliance", "type": "rd_alliance",
                             "notes": "Our walk-away price is 2 M"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    return {"manager": manager, "partnership": partnership, "viewer": personas["viewer"]}


def _open(world, inbox, **changes):
    client = client_for(world["manager"])
    data = {"title": "2026Q1 health check",
            "closes_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "ours": "ana@ours.example\nben@ours.example", "theirs": "kim@volta.example",
            **changes}  # fmt: skip
    return client.post(f"/metrics/partnership/{world['partnership'].pk}/health/rounds/", data)


def _links(inbox) -> dict[str, str]:
    found = {}
    for message in inbox.messages:
        body = message.get_payload(decode=True).decode()
        found[message["X-Rcpt"]] = re.search(r"https?://[^/\s]+(/metrics/survey/\S+)", body)[1]
    return found


def _answer(link: str, scores: list[int], comment: str = ""):
    data = {"token": link.split("token=")[1]}
    for question, score in zip(HealthQuestion, scores, strict=True):
        data[f"{question.value}_score"] = str(score)
        data[f"{question.value}_comment"] = comment
    return Client().post(link.split("?")[0], data)


def test_both_sides_answer_and_the_gap_shows(world, inbox):
    assert _open(world, inbox).status_code == 302
    links = _links(inbox)
    assert set(links) == {"ana@ours.example", "ben@ours.example", "kim@volta.example"}
    assert _answer(links["ana@ours.example"], [5, 4, 5, 4, 5]).status_code == 200
    assert _answer(links["ben@ours.example"], [4, 4, 4, 4, 4]).status_code == 200
    assert _answer(links["kim@volta.example"], [2, 3, 3, 2, 4], "Slow answers").status_code == 200
    [result] = selectors.round_results(world["manager"], list(SurveyRound.objects.all()))
    trust = result.questions[0]
    # Ours: trust (5 + 4) / 2 = 4.5; the partner's 2; the gap 2.5.
    assert (trust.ours, trust.theirs, trust.gap) == (Decimal("4.50"), Decimal("2.00"),
                                                     Decimal("2.50"))  # fmt: skip
    # Overall: ours (4.5 + 4 + 4.5 + 4 + 4.5) / 5 = 4.3; theirs 14 / 5 = 2.8.
    assert (result.ours, result.theirs, result.gap) == (Decimal("4.30"), Decimal("2.80"),
                                                        Decimal("1.50"))  # fmt: skip
    assert result.answered == {"ours": 2, "partner": 1}
    page = client_for(world["viewer"]).get(
        f"/metrics/partnership/{world['partnership'].pk}/health/"
    )
    assert b"+1.50" in page.content and b"Send a health check" not in page.content


def test_the_home_chart_sets_both_sides_in_the_look_plotly_figures_have(world, inbox):
    _open(world, inbox)
    links = _links(inbox)
    _answer(links["ana@ours.example"], [5, 4, 5, 4, 5])
    _answer(links["ben@ours.example"], [4, 4, 4, 4, 4])
    _answer(links["kim@volta.example"], [2, 3, 3, 2, 4])
    page = client_for(world["manager"]).get("/").content.decode()
    block = re.search(r"<script id=\"gaps-chart-figure\"[^>]*>(.*?)</script>", page)
    spec = json.loads(block[1])
    ours, theirs = spec["data"]
    assert (ours["name"], ours["y"], ours["x"]) == ("our side", ["Grid storage alliance"], [4.3])
    assert (theirs["name"], theirs["type"], theirs["x"]) == ("the partner", "bar", [2.8])
    assert spec["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]


def test_a_link_answers_once(world, inbox):
    _open(world, inbox)
    link = _links(inbox)["kim@volta.example"]
    assert _answer(link, [3, 3, 3, 3, 3]).status_code == 200
    again = _answer(link, [1, 1, 1, 1, 1])
    assert again.status_code == 400 and b"already answered" in again.content
    assert SurveyAnswer.objects.filter(score=1).count() == 0


def test_a_link_stops_when_the_round_closes(world, inbox, monkeypatch):
    _open(world, inbox)
    link = _links(inbox)["kim@volta.example"]
    closes = SurveyRound.objects.get().closes_at
    monkeypatch.setattr(timezone, "now", lambda: closes + dt.timedelta(minutes=1))
    response = _answer(link, [3, 3, 3, 3, 3])
    assert response.status_code == 400 and b"This survey closed on" in response.content
    assert not SurveyAnswer.objects.exists()


def test_the_respondent_sees_only_the_form(world, inbox):
    _open(world, inbox)
    link = _links(inbox)["kim@volta.example"]
    page = Client().get(link).content.decode()
    assert "Grid storage alliance" in page and "survey-form" in page
    for private in ("ana@ours.example", "walk-away", "Workspace", "Partnerships"):
        assert private not in page, private
    assert Client().get("/metrics/survey/?token=made-up").status_code == 400


def test_an_incomplete_answer_saves_nothing(world, inbox):
    _open(world, inbox)
    link = _links(inbox)["kim@volta.example"]
    response = Client().post(link.split("?")[0], {"token": link.split("token=")[1],
                                                  "trust_score": "9"})  # fmt: skip
    assert response.status_code == 400
    assert not SurveyAnswer.objects.exists()
    assert SurveyRespondent.objects.get(email="kim@volta.example").answered_at is None


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"theirs": ""}, "This field is required"),
        ({"theirs": "kim-at-volta"}, "is not an e-mail address"),
        ({"theirs": "ana@ours.example"}, "Asked twice: ana@ours.example"),
        ({"closes_on": "2020-01-01"}, "would close in the past"),
    ],
)
def test_a_bad_round_is_refused_and_sends_nothing(world, inbox, changes, says):
    response = _open(world, inbox, **changes)
    assert response.status_code == 422 and says in response.content.decode()
    assert not SurveyRound.objects.exists() and not inbox.messages


def test_only_the_team_opens_a_round(world, inbox, personas):
    with pytest.raises(PermissionDenied, match="owner, its team"):
        surveys.round_open(actor=personas["executive"], partnership=world["partnership"],
                           title="x", closes_at=START, ours=["a@b.example"], theirs=["c@d.example"],
                           link_for=str)  # fmt: skip


def test_the_api_opens_a_round_and_answers_its_results(world, inbox):
    from tests.conftest import bearer

    headers = bearer(world["manager"])
    client = client_for(world["manager"])
    closes = (timezone.now() + dt.timedelta(days=7)).isoformat()
    created = client.post("/api/v1/survey-rounds", {
        "partnership": world["partnership"].pk, "title": "API check", "closes_at": closes,
        "ours": ["ana@ours.example"], "theirs": ["kim@volta.example"]},
        content_type="application/json", **headers)  # fmt: skip
    assert created.status_code == 201
    links = _links(inbox)
    _answer(links["ana@ours.example"], [4, 4, 4, 4, 4])
    _answer(links["kim@volta.example"], [3, 3, 3, 3, 3])
    results = client.get(f"/api/v1/survey-rounds/{created.json()['id']}/results", **headers)
    body = results.json()
    assert (Decimal(body["ours"]), Decimal(body["theirs"]), Decimal(body["gap"])) == (4, 3, 1)
    past = client.post("/api/v1/survey-rounds", {
        "partnership": world["partnership"].pk, "title": "Late",
        "closes_at": "2020-01-01T00:00:00Z", "ours": ["ana@ours.example"],
        "theirs": ["kim@volta.example"]},
        content_type="application/json", **headers)  # fmt: skip
    assert past.status_code == 422 and past.json()["error"]["details"][0]["field"] == "closes_at"


def test_the_home_page_weighs_only_each_partnerships_latest_check(world, inbox):
    assert _open(world, inbox).status_code == 302
    first = _links(inbox)
    _answer(first["ana@ours.example"], [5, 5, 5, 5, 5])
    _answer(first["kim@volta.example"], [1, 1, 1, 1, 1])  # a gap of 4
    assert _open(world, inbox, title="2026Q2 health check").status_code == 302
    second = _links(inbox)
    assert second["ana@ours.example"] != first["ana@ours.example"]
    _answer(second["ana@ours.example"], [4, 4, 4, 4, 4])
    _answer(second["kim@volta.example"], [3, 3, 3, 3, 3])  # a gap of 1
    [shown] = selectors.widest_gaps(world["manager"])
    assert (shown.survey.title, shown.gap) == ("2026Q2 health check", Decimal("1.00"))
