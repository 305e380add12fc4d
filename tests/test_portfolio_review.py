"""The quarterly portfolio review: rules over facts recommend scale, continue, fix or exit with
the rule and evidence; the executives' decision moves the partnership through its gates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.metrics import periods
from accord.metrics import services as metrics
from accord.metrics.models import HealthQuestion
from accord.metrics.surveys import answers_submit, round_open
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership, StageTransition
from accord.portfolio import rules, services
from accord.portfolio.models import ReviewItem, ReviewRule
from accord.strategy.models import CapabilityGap, StrategicPriority
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST = periods.shift(periods.quarter_of(TODAY), -1)


def test_the_first_rule_that_holds_decides_and_says_why():
    table = [("Unhappy", "fix", [["health_partner", "<", 3]]),
             ("Winning", "scale", [["kpis_met_share", ">=", 0.8]])]  # fmt: skip
    outcome = rules.evaluate(table, {"health_partner": 2.5, "kpis_met_share": 1.0}, "continue")
    assert (outcome.recommendation, outcome.rule) == ("fix", "Unhappy")
    assert outcome.evidence == ["health_partner = 2.5 < 3"]
    unknown = rules.evaluate(table, {"health_partner": None, "kpis_met_share": 0.5}, "continue")
    assert unknown.recommendation == "continue"
    assert unknown.unevaluated == ["Unhappy: no value for health_partner"]


@pytest.mark.parametrize(
    ("conditions", "says"),
    [
        ([], "at least one condition"),
        ([["happiness", ">", 3]], "no fact named “happiness”"),
        ([["health_partner", "~", 3]], "“~” is not one of"),
        ([["zombie", ">", 1]], "true or false"),
        ([["health_partner", ">", "high"]], "is a number"),
    ],
)
def test_a_rule_that_cannot_be_evaluated_is_refused_by_name(conditions, says, personas):
    with pytest.raises(ValidationError) as refused:
        services.rule_save(actor=personas["admin"], data={
            "name": "Bad", "recommendation": "fix", "conditions": conditions})  # fmt: skip
    assert says in " ".join(refused.value.message_dict["conditions"])
    assert not ReviewRule.objects.filter(name="Bad").exists()


@pytest.fixture
def world(personas, org_a, org_b):
    manager, ceo = personas["manager"], personas["executive"]
    priority = StrategicPriority.objects.create(title="Grow storage", horizon_year=2030,
                                                status="active")  # fmt: skip
    retired = StrategicPriority.objects.create(title="Old bet", horizon_year=2030,
                                               status="archived")  # fmt: skip
    live_gap = CapabilityGap.objects.create(priority=priority, title="Cells", status="open")
    dead_gap = CapabilityGap.objects.create(priority=retired, title="Coal", status="open")
    partnerships.gates_install_defaults()

    def active(title, gap, org):
        partnership = partnerships.partnership_create(
            actor=manager, data={"title": title, "type": "rd_alliance", "owner": manager},
            parties=[(org, "partner")], gaps=[gap],
        )  # fmt: skip
        Partnership.objects.filter(pk=partnership.pk).update(stage="active")
        partnership.refresh_from_db()
        return partnership

    winner = active("Winner", live_gap, org_a)
    fading = active("Fading", dead_gap, org_b)
    unhappy = active("Unhappy", live_gap, org_b)
    patents = metrics.kpi_create(
        actor=manager, data={"name": "Patents", "category": "innovation", "unit": "n"}
    )
    for partnership, value in ((winner, 5), (fading, 1), (unhappy, 5)):
        metrics.target_set(actor=manager, partnership=partnership, kpi=patents, quarter=LAST,
                           value=4)  # fmt: skip
        metrics.observation_record(actor=manager, partnership=partnership, kpi=patents,
                                   observed_on=LAST, value=value)  # fmt: skip
    for partnership, theirs in ((winner, 4), (unhappy, 2)):
        links: dict[str, str] = {}

        def keep(_subject, body, address, links=links):
            links[address] = body.split()[-1]

        round_open(actor=manager, partnership=partnership, title="Check", ours=["a@o.example"],
                   theirs=["b@t.example"], closes_at=timezone.now() + dt.timedelta(days=3),
                   link_for=lambda raw: raw, deliver=keep)  # fmt: skip
        for address, score in (("a@o.example", 4), ("b@t.example", theirs)):
            answers_submit(raw=links[address],
                           answers={q.value: {"score": score} for q in HealthQuestion})  # fmt: skip
    return {"manager": manager, "ceo": ceo, "viewer": personas["viewer"], "winner": winner,
            "fading": fading, "unhappy": unhappy}  # fmt: skip


def test_a_review_recommends_from_the_facts(world):
    review = services.review_run(actor=world["ceo"], quarter=periods.label(LAST))
    items = {i.partnership.title: i for i in review.items.all()}
    assert set(items) == {"Winner", "Fading", "Unhappy"}
    winner, fading, unhappy = items["Winner"], items["Fading"], items["Unhappy"]
    assert (winner.recommendation, winner.rule) == (
        "scale",
        "Winning: targets met, partner content, still strategic",
    )
    assert winner.facts["kpis_met_share"] == 1.0 and winner.facts["health_partner"] == 4.0
    assert (fading.recommendation, fading.rule) == ("exit", "No longer strategic and under target")
    # 1 patent against a target of 4: none of its one target met.
    assert fading.evidence == ["strategic_fit = false == false", "kpis_met_share = 0 < 0.5"]
    assert (unhappy.recommendation, unhappy.rule) == ("fix", "The partner is unhappy")
    assert winner.facts["covered_elsewhere"] is True, "Unhappy covers its gap too"
    assert fading.facts["covered_elsewhere"] is None, "it covers no open gap"
    assert fading.unevaluated == [], "it exited before a rule needed its missing health"
    with pytest.raises(ValidationError, match="was already run"):
        services.review_run(actor=world["ceo"], quarter=LAST)


def test_an_exit_decision_moves_the_partnership_through_its_gate(world):
    review = services.review_run(actor=world["ceo"], quarter=LAST)
    item = review.items.get(partnership=world["fading"])
    with pytest.raises(ValidationError, match="Give the rationale"):
        services.item_decide(actor=world["ceo"], item=item, decision="exit", rationale=" ")
    services.item_decide(actor=world["ceo"], item=item, decision="exit",
                         rationale="Its priority was retired; targets missed.")  # fmt: skip
    world["fading"].refresh_from_db()
    assert world["fading"].stage == "exited"
    move = StageTransition.objects.get(partnership=world["fading"], to_stage="exited")
    assert "portfolio review: exit. Its priority was retired" in move.reason
    item.refresh_from_db()
    assert (item.decision, item.decided_by) == ("exit", world["ceo"])
    with pytest.raises(ValidationError, match="Already decided"):
        services.item_decide(actor=world["ceo"], item=item, decision="scale", rationale="x")


def test_only_executives_run_and_decide(world):
    with pytest.raises(PermissionDenied):
        services.review_run(actor=world["manager"], quarter=LAST)
    review = services.review_run(actor=world["ceo"], quarter=LAST)
    with pytest.raises(PermissionDenied):
        services.item_decide(actor=world["manager"], item=review.items.first(), decision="exit",
                             rationale="x")  # fmt: skip


def test_a_future_quarter_is_refused(world):
    with pytest.raises(ValidationError, match="has not begun"):
        services.review_run(actor=world["ceo"], quarter=periods.shift(periods.quarter_of(TODAY), 2))


def test_the_review_keeps_its_facts_when_they_change(world):
    review = services.review_run(actor=world["ceo"], quarter=LAST)
    kpi = metrics.Kpi.objects.get(name="Patents")
    metrics.observation_record(actor=world["manager"], partnership=world["fading"], kpi=kpi,
                               observed_on=LAST + dt.timedelta(days=3), value=9)  # fmt: skip
    item = ReviewItem.objects.get(review=review, partnership=world["fading"])
    assert item.facts["kpis_met_share"] == 0 and item.recommendation == "exit"
    from accord.portfolio.facts import facts_for

    now = facts_for(world["ceo"], [world["fading"]], LAST)[world["fading"].pk]
    assert now["kpis_met_share"] == 1.0, "10 patents now meet the target of 4"


def test_the_review_pages(world):
    ceo = client_for(world["ceo"])
    assert ceo.post("/portfolio/reviews/run/", {"quarter": "someday"}).status_code == 422
    response = ceo.post("/portfolio/reviews/run/", {"quarter": periods.label(LAST)})
    assert response.status_code == 302
    page = ceo.get(response["Location"]).content.decode()
    assert "No longer strategic and under target" in page and "kpis_met_share = 0 &lt; 0.5" in page
    # Winner and Unhappy have a target and a health check, Fading no check: two dots drawn.
    assert 'id="review-map"' in page and "1 without a KPI target or a health check" in page
    item = ReviewItem.objects.get(partnership=world["fading"])
    field = f"i{item.pk}-"
    refused = ceo.post(f"/portfolio/reviews/items/{item.pk}/decide/", {f"{field}decision": "exit"})
    assert refused.status_code == 422 and b"Give the rationale" in refused.content
    decided = ceo.post(f"/portfolio/reviews/items/{item.pk}/decide/",
                       {f"{field}decision": "exit", f"{field}rationale": "Retired priority",
                        f"{field}version": item.version})  # fmt: skip
    assert decided.status_code == 302
    viewer_page = client_for(world["viewer"]).get(response["Location"]).content.decode()
    assert "Retired priority" in viewer_page and "decide-form" not in viewer_page


def test_the_review_api(world):
    from tests.conftest import bearer

    client = client_for(world["ceo"])
    headers = bearer(world["ceo"])
    created = client.post("/api/v1/reviews", {"quarter": periods.label(LAST)},
                          content_type="application/json", **headers)  # fmt: skip
    assert created.status_code == 201
    items = {i["partnership_title"]: i for i in created.json()["items"]}
    assert items["Fading"]["recommendation"] == "exit"
    assert items["Fading"]["evidence"][1] == "kpis_met_share = 0 < 0.5"
    no_reason = client.post(f"/api/v1/review-items/{items['Winner']['id']}/decision",
                            {"decision": "scale", "rationale": ""},
                            content_type="application/json", **headers)  # fmt: skip
    assert no_reason.status_code == 422
    decided = client.post(f"/api/v1/review-items/{items['Winner']['id']}/decision",
                          {"decision": "scale", "rationale": "Double the pilot lines"},
                          content_type="application/json", **headers)  # fmt: skip
    assert decided.status_code == 200 and decided.json()["decision"] == "scale"
    manager = client_for(world["manager"]).post(
        f"/api/v1/review-items/{items['Fading']['id']}/decision",
        {"decision": "exit", "rationale": "x"}, content_type="application/json",
        **bearer(world["manager"]),
    )  # fmt: skip
    assert manager.status_code == 403


def test_a_gap_covered_through_a_play_counts_as_covered_elsewhere(world, org_a):
    from accord.portfolio.facts import facts_for
    from accord.strategy.models import PartnershipPlay

    lonely_gap = CapabilityGap.objects.create(
        priority=StrategicPriority.objects.get(title="Grow storage"), title="Anodes"
    )
    only = partnerships.partnership_create(
        actor=world["manager"], data={"title": "Anode deal", "type": "rd_alliance"},
        parties=[(org_a, "partner")], gaps=[lonely_gap],
    )  # fmt: skip
    assert facts_for(world["ceo"], [only], LAST)[only.pk]["covered_elsewhere"] is False
    play = PartnershipPlay.objects.create(title="Anode play", type="rd_alliance")
    play.gaps.add(lonely_gap)
    partnerships.partnership_create(
        actor=world["manager"], data={"title": "Via play", "type": "rd_alliance", "play": play},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    assert facts_for(world["ceo"], [only], LAST)[only.pk]["covered_elsewhere"] is True


def test_the_command_line_runs_and_shows_a_review(world):
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    runner = CliRunner()
    label = periods.label(LAST)
    missing = runner.invoke(app, ["review", "show", "--quarter", label])
    assert missing.exit_code == 2 and f"no review of {label}" in missing.output
    manager = runner.invoke(app, ["review", "run", "--quarter", label, "--actor", "manager"])
    assert manager.exit_code == 2 and "may not" in manager.output, "only executives run it"
    ran = runner.invoke(app, ["review", "run", "--quarter", label, "--json", "--actor",
                              "executive"])  # fmt: skip
    assert ran.exit_code == 0, ran.output
    items = {i["partnership"]: i for i in json.loads(ran.stdout.splitlines()[-1])["items"]}
    assert items["Fading"]["recommendation"] == "exit"
    again = runner.invoke(app, ["review", "run", "--quarter", label])
    assert again.exit_code == 2 and "was already run" in again.output
    shown = runner.invoke(app, ["review", "show", "--quarter", label])
    assert shown.exit_code == 0 and "Fading" in shown.output
