"""The optimizer against brute force on small cases, its explanations, and its page."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from accord.partnerships import services as partnerships
from accord.portfolio.optimizer import Option, optimise
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import client_for


def _best_by_brute_force(options, weights, budget, capacity, required=()):
    best = None
    for size in range(len(options) + 1):
        for subset in itertools.combinations(options, size):
            keys = {o.key for o in subset}
            if not set(required) <= keys:
                continue
            if sum(o.cost for o in subset) > budget or sum(o.fte for o in subset) > capacity:
                continue
            value = sum(weights[g] for g in {g for o in subset for g in o.gaps})
            if best is None or value > best + 1e-9:
                best = value
    return best


@pytest.mark.parametrize("seed", range(25))
def test_it_finds_what_brute_force_finds(seed):
    rng = random.Random(seed)
    gaps = list(range(8))
    weights = {g: rng.choice([1, 2, 3, 4, 5]) * rng.random() for g in gaps}
    options = [
        Option(f"o{i}", f"Option {i}", float(rng.randint(10, 100)), float(rng.randint(0, 3)),
               frozenset(rng.sample(gaps, rng.randint(1, 3))))
        for i in range(rng.randint(4, 10))
    ]  # fmt: skip
    budget = float(rng.randint(50, 250))
    capacity = float(rng.randint(1, 6))
    plan = optimise(options, weights, budget=budget, capacity=capacity)
    assert plan.problem == ""
    assert plan.cost <= budget and plan.fte <= capacity
    assert plan.value == pytest.approx(_best_by_brute_force(options, weights, budget, capacity))


def test_it_explains_each_choice_and_the_binding_limit():
    weights = {1: 5.0, 2: 3.0, 3: 1.0}
    options = [
        Option("a", "Battery alliance", 60, 0, frozenset({1})),
        Option("b", "Vision pilot", 50, 0, frozenset({2})),
        Option("c", "Talent chair", 30, 0, frozenset({3})),
    ]
    plan = optimise(options, weights, budget=100, capacity=0)
    # 100 buys a + c (6.0) or b + c (4.0) or a alone (5.0): a + c.
    assert [o.key for o in plan.chosen] == ["a", "c"] and plan.value == 6.0
    # Left out, each gives way to the best plan without it: b + c (4.0) for a, a alone for c.
    assert plan.adds == {"a": 2.0, "c": 1.0}
    assert plan.binding == ["budget"]
    gained, added = plan.relaxed["budget"]
    assert (gained, added) == (2.0, ["Vision pilot"]), "120 buys a + b (8.0)"
    wider = optimise(options, weights, budget=140, capacity=0)
    assert wider.value == 9.0 and wider.binding == []


def test_an_impossible_setting_is_explained():
    options = [Option("a", "Big bet", 500, 2, frozenset({1}))]
    plan = optimise(options, {1: 1.0}, budget=100, capacity=5, required=["a"])
    assert "cost 500, more than the budget of 100" in plan.problem
    plan = optimise(options, {1: 1.0}, budget=1000, capacity=1, required=["a"])
    assert "need 2 FTE, more than the capacity of 1" in plan.problem
    assert "No option zz" in optimise(options, {1: 1.0}, budget=1, capacity=1,
                                      required=["zz"]).problem  # fmt: skip


@pytest.mark.django_db
def test_the_page_chooses_among_plays_and_candidates(personas, org_a):
    manager = personas["manager"]
    priority = StrategicPriority.objects.create(title="Grow", horizon_year=2030, status="active")
    cells = CapabilityGap.objects.create(priority=priority, title="Cells", importance=5)
    vision = CapabilityGap.objects.create(priority=priority, title="Vision", importance=2)
    play = PartnershipPlay.objects.create(title="Cell alliance", type="rd_alliance",
                                          budget=Decimal(80), status="proposed")  # fmt: skip
    play.gaps.add(cells)
    partnerships.partnership_create(
        actor=manager, data={"title": "Vision startup", "type": "rd_alliance",
                             "budget": Decimal(50), "committed_fte": Decimal(2)},
        parties=[(org_a, "partner")], gaps=[vision],
    )  # fmt: skip
    client = client_for(personas["viewer"])
    page = client.get("/portfolio/optimizer/", {"budget": "100", "capacity": "3"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Play: Cell alliance" in text and "The <strong>budget</strong> binds" in text
    both = client.get("/portfolio/optimizer/", {"budget": "130", "capacity": "3"}).content
    assert b"Candidate: Vision startup" in both
    bad = client.get("/portfolio/optimizer/", {"budget": "-5", "capacity": "3"})
    assert bad.status_code == 422


@pytest.mark.django_db
def test_the_api_answers_a_plan_or_its_problem(personas):
    from tests.conftest import bearer

    client = client_for(personas["viewer"])
    headers = bearer(personas["viewer"])
    plan = client.post("/api/v1/optimizer", {"budget": 100, "capacity": 2},
                       content_type="application/json", **headers)  # fmt: skip
    assert plan.status_code == 200 and plan.json()["problem"] == ""
    unknown = client.post("/api/v1/optimizer", {"budget": 100, "capacity": 2, "required": ["x"]},
                          content_type="application/json", **headers)  # fmt: skip
    assert "No option x" in unknown.json()["problem"]
    negative = client.post("/api/v1/optimizer", {"budget": -1, "capacity": 2},
                           content_type="application/json", **headers)  # fmt: skip
    assert negative.status_code == 422


@pytest.mark.django_db
def test_the_command_line_optimizes(personas):
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    priority = StrategicPriority.objects.create(title="Grow", horizon_year=2030, status="active")
    cells = CapabilityGap.objects.create(priority=priority, title="Cells", importance=5)
    play = PartnershipPlay.objects.create(title="Cell alliance", type="rd_alliance",
                                          budget=Decimal(80), status="proposed")  # fmt: skip
    play.gaps.add(cells)
    runner = CliRunner()
    done = runner.invoke(app, ["optimize", "--budget", "100", "--capacity", "1", "--json"])
    assert done.exit_code == 0, done.output
    plan = json.loads(done.stdout.splitlines()[-1])
    assert [c["title"] for c in plan["chosen"]] == ["Play: Cell alliance"] and plan["value"] == 5
    tight = runner.invoke(app, ["optimize", "--budget", "10", "--capacity", "1", "--require",
                                f"play:{play.pk}"])  # fmt: skip
    assert tight.exit_code == 2 and "more than the budget of 10" in tight.output
