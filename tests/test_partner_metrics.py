"""The partner side of metrics: a partner user sees the joint KPIs and the shared health checks
of its own partnerships, in its workspace page and API, and nothing else of the metrics: no
other KPI, no cost or ROI, no unshared round, no respondent, none of our side's comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.metrics import selectors, services, surveys
from accord.metrics.models import (
    CostEntry,
    HealthQuestion,
    Kpi,
    KpiTarget,
    Observation,
    SurveyAnswer,
    SurveyRespondent,
    SurveyRound,
)
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for

pytestmark = pytest.mark.django_db
OUR_COMMENT = "Between us: their lab is slow"
THEIR_COMMENT = "Decisions wait for the steering committee"
OTHER_COMMENT = "Beta-only remark"


def _round(manager, partnership, title, *, shared, scores, comments=("", "")):
    """A round answered by one person of each side: ours scores[0], theirs scores[1]."""
    links: dict[str, str] = {}
    survey = surveys.round_open(
        actor=manager, partnership=partnership, title=title,
        closes_at=timezone.now() + dt.timedelta(days=7),
        ours=[f"ana.{partnership.pk}@ours.example"],
        theirs=[f"kim.{partnership.pk}@partner.example"],
        link_for=lambda raw: f"/metrics/survey/?token={raw}",
        deliver=lambda _s, body, to: links.update({to: body.split("token=")[1].split()[0]}),
        share_results=shared,
    )  # fmt: skip
    for (_, raw), score, comment in zip(sorted(links.items()), scores, comments, strict=True):
        answers = {q.value: {"score": score, "comment": comment} for q in HealthQuestion}
        surveys.answers_submit(raw=raw, answers=answers)
    return survey


@pytest.fixture
def world(personas, org_a, org_b):
    manager = personas["manager"]
    alpha = partnerships.partnership_create(
        actor=manager, data={"title": "Alpha vision alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    beta = partnerships.partnership_create(
        actor=manager, data={"title": "Beta coatings pilot", "type": "rd_alliance"},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    admin = personas["admin"]
    joint = services.kpi_create(actor=admin, data={
        "name": "Prototypes built", "category": "innovation", "unit": "prototypes",
        "is_joint": True})  # fmt: skip
    revenue = services.kpi_create(actor=admin, data={
        "name": "Partner-sourced revenue", "category": "business", "unit": "EUR",
        "is_money": True, "is_benefit": True})  # fmt: skip
    today = timezone.localdate()
    for partnership, built in ((alpha, 7), (beta, 31_337)):
        services.target_set(actor=manager, partnership=partnership, kpi=joint, quarter=today,
                            value=5)  # fmt: skip
        services.observation_record(actor=manager, partnership=partnership, kpi=joint,
                                    observed_on=today, value=built,
                                    note="internal remark")  # fmt: skip
    services.target_set(actor=manager, partnership=alpha, kpi=revenue, quarter=today,
                        value=Decimal(88_000), currency="EUR")  # fmt: skip
    services.observation_record(actor=manager, partnership=alpha, kpi=revenue,
                                observed_on=today, value=Decimal(64_813),
                                currency="EUR")  # fmt: skip
    services.cost_record(actor=manager, partnership=alpha, data={
        "spent_on": today, "amount": Decimal(52_917), "currency": "EUR",
        "description": "Lab rental"})  # fmt: skip
    shared = _round(manager, alpha, "Spring shared check", shared=True, scores=(5, 3),
                    comments=(OUR_COMMENT, THEIR_COMMENT))  # fmt: skip
    unshared = _round(manager, alpha, "Unshared internal check", shared=False, scores=(4, 4))
    other = _round(manager, beta, "Beta shared check", shared=True, scores=(2, 2),
                   comments=("", OTHER_COMMENT))  # fmt: skip
    return {"alpha": alpha, "beta": beta, "joint": joint, "revenue": revenue, "shared": shared,
            "unshared": unshared, "other": other, "manager": manager, **personas}  # fmt: skip


def test_the_policy_gives_a_partner_only_joint_measures_and_shared_rounds(world):
    partner = world["partner_a"]
    assert {t.kpi for t in visible_to(partner, KpiTarget)} == {world["joint"]}
    assert {(o.partnership, o.value) for o in visible_to(partner, Observation)} == {
        (world["alpha"], Decimal(7))
    }
    assert list(visible_to(partner, Kpi)) == [world["joint"]]
    assert not visible_to(partner, CostEntry).exists()
    assert list(visible_to(partner, SurveyRound)) == [world["shared"]]
    assert not visible_to(partner, SurveyRespondent).exists()
    answers = visible_to(partner, SurveyAnswer)
    assert {a.respondent.round_id for a in answers} == {world["shared"].pk}
    assert answers.count() == 2 * len(HealthQuestion)  # both sides' scores, for the averages


def test_a_kpi_not_joint_and_a_round_not_shared_stay_hidden_from_every_partner(world):
    partner_b = world["partner_b"]
    assert list(visible_to(partner_b, SurveyRound)) == [world["other"]]
    assert {o.value for o in visible_to(partner_b, Observation)} == {Decimal(31_337)}
    assert not visible_to(partner_b, Kpi).filter(pk=world["revenue"].pk).exists()


def test_internal_roles_see_what_they_saw_before(world):
    viewer = world["viewer"]
    kpis = {line.kpi for line in selectors.scorecard(viewer, world["alpha"])}
    assert kpis == {world["joint"], world["revenue"]}
    assert visible_to(viewer, CostEntry).count() == 1
    assert visible_to(viewer, SurveyRound).count() == 3
    assert visible_to(viewer, SurveyRespondent).count() == 6
    [result] = selectors.round_results(viewer, [world["shared"]])
    sides = {side for q in result.questions for side, _ in q.comments}
    assert sides == {"ours", "partner"}
    assert result.answered == {"ours": 1, "partner": 1}


def test_the_workspace_page_shows_joint_kpis_and_shared_results(world):
    page = client_for(world["partner_a"]).get(f"/workspace/{world['alpha'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Prototypes built" in text and 'data-testid="workspace-kpi"' in text
    assert "Spring shared check" in text and THEIR_COMMENT in text
    # Ours 5, theirs 3 on every question: the gap is +2.00.
    assert 'data-testid="workspace-gap">+2.00<' in text
    for hidden in ("Partner-sourced revenue", "64,813", "64813", "Lab rental", "52,917",
                   "52917", "ROI", "Unshared internal check", OUR_COMMENT, "@ours.example",
                   "@partner.example", "Beta shared check", OTHER_COMMENT, "31,337", "31337",
                   "internal remark"):  # fmt: skip
        assert hidden not in text, hidden


def test_another_partnership_is_not_found_by_page_or_api(world):
    client = client_for(world["partner_a"])
    assert client.get(f"/workspace/{world['beta'].pk}/").status_code == 404
    headers = bearer(world["partner_a"])
    for part in ("kpis", "health"):
        url = f"/api/v1/workspace/partnerships/{world['beta'].pk}/{part}"
        response = client.get(url, **headers)
        assert response.status_code == 404, part
        assert response.json()["error"]["code"] == "not_found"
        assert b"Beta" not in response.content


def test_the_workspace_api_gives_joint_kpis_by_quarter(world):
    url = f"/api/v1/workspace/partnerships/{world['alpha'].pk}/kpis"
    response = client_for(None).get(url, **bearer(world["partner_a"]))
    assert response.status_code == 200, response.content
    [line] = response.json()
    assert (line["name"], line["unit"], line["direction"]) == ("Prototypes built", "prototypes",
                                                                "higher")  # fmt: skip
    current = line["quarters"][-1]
    assert (Decimal(current["actual"]), Decimal(current["target"]), current["met"]) == (
        Decimal(7),
        Decimal(5),
        True,
    )
    assert set(current) == {"quarter", "actual", "target", "met"}


def test_the_workspace_api_gives_shared_results_without_our_comments(world):
    url = f"/api/v1/workspace/partnerships/{world['alpha'].pk}/health"
    response = client_for(None).get(url, **bearer(world["partner_a"]))
    assert response.status_code == 200, response.content
    [survey] = response.json()
    assert survey["title"] == "Spring shared check"
    assert (Decimal(survey["our_side"]), Decimal(survey["your_side"]), Decimal(survey["gap"])) == (
        Decimal(5),
        Decimal(3),
        Decimal(2),
    )
    assert all(q["your_comments"] == [THEIR_COMMENT] for q in survey["questions"])
    body = response.content.decode()
    assert OUR_COMMENT not in body and "@ours.example" not in body and "kim." not in body


def test_internal_users_are_refused_the_workspace_api(world):
    url = f"/api/v1/workspace/partnerships/{world['alpha'].pk}/kpis"
    response = client_for(None).get(url, **bearer(world["manager"]))
    assert response.status_code == 403


def test_the_team_shares_a_round_later_and_it_is_audited(world):
    survey, manager = world["unshared"], world["manager"]
    url = f"/api/v1/survey-rounds/{survey.pk}/sharing"
    response = client_for(None).put(url, {"results_shared": True},
                                    content_type="application/json", **bearer(manager))  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["results_shared"] is True
    survey.refresh_from_db()
    assert survey.results_shared
    event = AuditEvent.objects.filter(model="metrics.surveyround", object_id=str(survey.pk))
    assert event.latest("pk").changes == {"results_shared": [False, True]}
    assert set(visible_to(world["partner_a"], SurveyRound)) == {world["shared"], survey}


@pytest.mark.parametrize("role", ["viewer", "contributor", "executive", "partner_a"])
def test_sharing_a_round_of_a_partnership_one_may_not_change_is_refused(world, role):
    survey, headers = world["unshared"], bearer(world[role])
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        surveys.round_share(actor=world[role], survey=survey, shared=True)
    page = client_for(world[role]).post(f"/metrics/health/{survey.pk}/sharing/",
                                        {"results_shared": "1"})  # fmt: skip
    assert page.status_code in (403, 404)
    api = client_for(None).put(f"/api/v1/survey-rounds/{survey.pk}/sharing",
                               {"results_shared": True}, content_type="application/json",
                               **headers)  # fmt: skip
    assert api.status_code == (404 if role == "partner_a" else 403)
    survey.refresh_from_db()
    assert not survey.results_shared and AuditEvent.objects.count() == before


def test_a_manager_off_the_team_may_not_share(world, admin_user):
    from accord.accounts.services import user_create

    other = user_create(actor=admin_user, username="other-manager", role="manager")
    response = client_for(other).post(f"/metrics/health/{world['unshared'].pk}/sharing/",
                                      {"results_shared": "1"})  # fmt: skip
    assert response.status_code == 403
    world["unshared"].refresh_from_db()
    assert not world["unshared"].results_shared


def test_bad_sharing_input_names_the_field_and_writes_nothing(world):
    survey, headers = world["unshared"], bearer(world["manager"])
    before = AuditEvent.objects.count()
    response = client_for(None).put(f"/api/v1/survey-rounds/{survey.pk}/sharing",
                                    {"results_shared": "perhaps"},
                                    content_type="application/json", **headers)  # fmt: skip
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["results_shared"]
    page = client_for(world["manager"]).post(f"/metrics/health/{survey.pk}/sharing/", {},
                                             follow=True)  # fmt: skip
    assert page.status_code == 200 and b"The page sent no choice" in page.content
    survey.refresh_from_db()
    assert not survey.results_shared and AuditEvent.objects.count() == before


def test_the_round_page_shares_and_stops_sharing(world):
    survey, client = world["shared"], client_for(world["manager"])
    page = client.get(f"/metrics/health/{survey.pk}/")
    assert b"Stop sharing the results" in page.content
    response = client.post(f"/metrics/health/{survey.pk}/sharing/", {"results_shared": "0"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert not survey.results_shared
    assert not visible_to(world["partner_a"], SurveyRound).exists()
    assert not visible_to(world["partner_a"], SurveyAnswer).exists()
    assert (
        b"Spring shared check"
        not in client_for(world["partner_a"]).get(f"/workspace/{world['alpha'].pk}/").content
    )


def test_a_round_opened_from_the_page_may_share_its_results(world, inbox):
    data = {"title": "Shared from the start", "closes_on": (timezone.localdate()
            + dt.timedelta(days=7)).isoformat(), "ours": "ana@ours.example",
            "theirs": "kim@volta.example", "results_shared": "on"}  # fmt: skip
    response = client_for(world["manager"]).post(
        f"/metrics/partnership/{world['alpha'].pk}/health/rounds/", data
    )
    assert response.status_code == 302
    assert SurveyRound.objects.get(title="Shared from the start").results_shared


def test_marking_a_kpi_joint_shows_it_to_the_partner(world):
    revenue, manager = world["revenue"], world["manager"]
    partner = world["partner_a"]
    assert not visible_to(partner, Observation).filter(kpi=revenue).exists()
    refused = client_for(None).patch(f"/api/v1/kpis/{revenue.pk}", {"is_joint": True},
                                     content_type="application/json",
                                     **bearer(world["contributor"]))  # fmt: skip
    assert refused.status_code == 403
    response = client_for(None).patch(f"/api/v1/kpis/{revenue.pk}", {"is_joint": True},
                                      content_type="application/json",
                                      **bearer(manager))  # fmt: skip
    assert response.status_code == 200 and response.json()["is_joint"] is True
    assert visible_to(partner, Observation).filter(kpi=revenue).count() == 1
    assert not visible_to(partner, CostEntry).exists()  # costs stay ours, joint or not
    roi = client_for(None).get(f"/api/v1/partnerships/{world['alpha'].pk}/roi", **bearer(partner))
    assert roi.status_code == 404


def test_the_kpi_form_marks_a_kpi_joint(world):
    kpi = world["revenue"]
    client = client_for(world["manager"])
    data = {"name": kpi.name, "category": kpi.category, "unit": kpi.unit, "is_money": "on",
            "is_benefit": "on", "direction": kpi.direction, "aggregation": kpi.aggregation,
            "description": "", "is_active": "on", "is_joint": "on",
            "version": kpi.version}  # fmt: skip
    response = client.post(f"/metrics/kpis/{kpi.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    kpi.refresh_from_db()
    assert kpi.is_joint


def test_in_a_consortium_no_partner_reads_the_partner_side_s_comments(world, org_a, org_b):
    """Another party's people answer on the partner side too: their words could name them."""
    consortium = partnerships.partnership_create(
        actor=world["manager"], data={"title": "Coatings consortium", "type": "consortium"},
        parties=[(org_a, "lead"), (org_b, "consortium_member")],
    )  # fmt: skip
    survey = _round(world["manager"], consortium, "Consortium check", shared=True, scores=(4, 2),
                    comments=("", "Beta people speaking"))  # fmt: skip
    for name in ("partner_a", "partner_b"):
        [result] = selectors.round_results(world[name], [survey])
        assert (result.ours, result.theirs) == (Decimal(4), Decimal(2))
        assert all(q.comments == [] for q in result.questions), name
    [internal] = selectors.round_results(world["manager"], [survey])
    assert internal.questions[0].comments == [("partner", "Beta people speaking")]
