"""Venture returns maths: published XIRR examples and fund multiples, the IRR's hard cases
(no sign change, one day, long horizons, several sign changes, no root), exact money and
bad input.

The worked examples are read from ../shared/eval/finance_examples.json beside the repository
(never copied into it); the tests that need it skip with a message when it is absent.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.ventures import returns as finance
from accord.ventures.returns import Flow

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
EXAMPLES_FILE = SHARED_EVAL / "finance_examples.json"
ABSENT = f"shared eval file finance_examples.json is absent (expected at {EXAMPLES_FILE})"


def load_examples() -> dict[str, Any] | None:
    if not EXAMPLES_FILE.exists():
        return None
    # Amounts as Decimal, as the calculator reads them.
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


def example_params(section: str) -> list[Any]:
    """One pytest param per worked example, by id; a single skipped one when the file is absent."""
    data = load_examples()
    if data is None:
        return [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=ABSENT))]
    examples = (
        data["xirr_unique_root"] if section == "xirr" else data["fund_multiples"]["worked_examples"]
    )
    return [pytest.param(example, id=example["id"]) for example in examples]


def flows_of(cashflows: list[list[Any]]) -> list[Flow]:
    return [Flow(date.fromisoformat(on), Decimal(amount)) for on, amount in cashflows]


def yearly(*amounts: int | str, start: int = 2021) -> list[Flow]:
    """One flow on 1 January of each year from `start` (2021 on: no leap day in between until
    2024, so each step is exactly one act/365 year)."""
    return [Flow(date(start + i, 1, 1), Decimal(amount)) for i, amount in enumerate(amounts)]


def assert_rate(actual: float | None, expected: float, tolerance: float, what: str = "") -> None:
    """Within the example's tolerance, and in any case to 4 significant digits."""
    assert actual is not None, what
    assert abs(actual - expected) <= tolerance, f"{what}: {actual!r} vs {expected!r}"
    assert f"{actual:.4g}" == f"{expected:.4g}", what


def assert_at_decimals(actual: float | None, expected: float, decimals: int, what: str) -> None:
    assert actual is not None, what
    assert round(actual, decimals) == pytest.approx(float(expected), abs=1e-12), (
        f"{what}: {actual!r} does not round to {expected} at {decimals} decimals"
    )


def xnpv_relative(rate: float, flows: list[Flow]) -> float:
    """|XNPV| at the rate over the size of the discounted flows (0 at a true root).

    Each discount factor is divided by the largest, so that extreme rates stay finite."""
    first = min(flow.on for flow in flows)
    growth = math.log1p(rate)
    exponents = [-growth * (f.on - first).days / 365 for f in flows]
    top = max(exponents)
    terms = [float(f.amount) * math.exp(e - top) for f, e in zip(flows, exponents, strict=True)]
    return abs(math.fsum(terms)) / math.fsum(abs(term) for term in terms)


# -- Published examples ---------------------------------------------------------------------


@pytest.mark.parametrize("example", example_params("xirr"))
def test_xirr_reproduces_published_example(example: dict[str, Any]) -> None:
    result = finance.xirr(flows_of(example["cashflows"]))
    expected, tolerance = float(example["expected_xirr"]), float(example["tolerance"])
    assert result.reason is None
    assert_rate(result.rate, expected, tolerance, example["id"])


@pytest.mark.parametrize("example", example_params("xirr"))
def test_returns_reproduces_published_example_irr_and_multiples(example: dict[str, Any]) -> None:
    flows = flows_of(example["cashflows"])
    result = finance.returns(flows)
    assert_rate(result.irr, float(example["expected_xirr"]), float(example["tolerance"]))
    paid_in = -sum(f.amount for f in flows if f.amount < 0)
    distributed = sum(f.amount for f in flows if f.amount > 0)
    assert result.paid_in == paid_in
    assert result.distributed == distributed
    assert result.dpi == float(distributed / paid_in) == result.tvpi == result.moic
    assert result.rvpi == 0


@pytest.mark.parametrize("example", example_params("xirr"))
def test_xirr_is_the_same_in_any_order(example: dict[str, Any]) -> None:
    flows = flows_of(example["cashflows"])
    shuffled = flows[:]
    random.Random(7).shuffle(shuffled)
    assert finance.xirr(shuffled).rate == pytest.approx(finance.xirr(flows).rate, abs=1e-13)


@pytest.mark.parametrize("example", example_params("xirr"))
def test_xirr_answer_truly_zeroes_the_npv(example: dict[str, Any]) -> None:
    flows = flows_of(example["cashflows"])
    result = finance.xirr(flows)
    for root in result.roots:
        assert xnpv_relative(root, flows) < 1e-12, root


def test_a_published_example_with_two_rates_reports_both_and_shows_the_spreadsheets() -> None:
    data = load_examples()
    if data is None:
        pytest.skip(ABSENT)
    example = next(e for e in data["xirr_unique_root"] if e["id"] == "pyxirr-sample-1938")
    result = finance.xirr(flows_of(example["cashflows"]))
    assert len(result.roots) == 2
    assert result.roots[0] == pytest.approx(float(example["expected_xirr"]), abs=1e-9)
    assert result.roots[1] > 200  # a second, far-off rate at which the NPV is also zero
    assert result.note is not None and "2 rates make the NPV zero" in result.note


@pytest.mark.parametrize("example", example_params("multiples"))
def test_multiples_reproduce_published_fund_example(example: dict[str, Any]) -> None:
    inputs, expected = example["inputs"], example["expected"]
    result = finance.multiples(
        paid_in=Decimal(inputs["paid_in_capital"]),
        distributed=Decimal(inputs["cumulative_distributions"]),
        nav=Decimal(inputs.get("nav", 0)),
    )
    decimals = expected.get("decimals", 4)
    for name in ("DPI", "RVPI", "TVPI"):  # PIC needs committed capital: not a returns figure
        if name in expected:
            assert_at_decimals(getattr(result, name.lower()), expected[name], decimals, name)


@pytest.mark.parametrize("example", example_params("multiples"))
def test_returns_of_dated_flows_give_the_published_multiples(example: dict[str, Any]) -> None:
    inputs, expected = example["inputs"], example["expected"]
    flows = [
        Flow(date(2019, 1, 1), -Decimal(inputs["paid_in_capital"])),
        Flow(date(2022, 6, 30), Decimal(inputs["cumulative_distributions"])),
    ]
    nav = Decimal(inputs["nav"]) if "nav" in inputs else None
    result = finance.returns(flows, nav=nav, as_of=date(2024, 12, 31) if nav else None)
    decimals = expected.get("decimals", 4)
    for name in ("DPI", "RVPI", "TVPI"):
        if name in expected:
            assert_at_decimals(getattr(result, name.lower()), expected[name], decimals, name)
    assert result.tvpi == pytest.approx(result.dpi + result.rvpi)
    assert result.moic == result.tvpi


def test_multiples_follow_their_definitions_exactly() -> None:
    result = finance.multiples(Decimal(720), Decimal(540), Decimal(480))
    assert result.dpi == 0.75
    assert result.rvpi == float(Decimal(480) / Decimal(720))
    assert result.tvpi == float(Decimal(1020) / Decimal(720))
    assert result.moic == result.tvpi
    assert finance.multiples(Decimal(720), Decimal(540), Decimal(480), Decimal(600)).moic == 1.7


# -- The IRR's hard cases -------------------------------------------------------------------


def test_irr_is_undefined_when_everything_is_paid_in_and_says_so() -> None:
    result = finance.xirr(yearly(-100, -50, 0))
    assert result.rate is None and result.roots == ()
    assert result.reason == "IRR is undefined: the cash flows are all paid in (nothing received)"


def test_irr_is_undefined_when_everything_is_received_and_says_so() -> None:
    result = finance.xirr(yearly(100, 50))
    assert result.reason == "IRR is undefined: the cash flows are all received (nothing paid in)"


def test_irr_is_undefined_when_every_flow_is_on_one_day() -> None:
    day = date(2024, 3, 1)
    result = finance.xirr([Flow(day, Decimal(-100)), Flow(day, Decimal(150))])
    assert result.rate is None
    assert "all on one day (2024-03-01)" in (result.reason or "")


def test_irr_is_undefined_for_no_flows_and_for_flows_that_net_to_nothing_each_day() -> None:
    assert finance.xirr([]).reason == "IRR is undefined: there are no cash flows"
    day = date(2024, 3, 1)
    netted = [Flow(day, Decimal(-100)), Flow(day, Decimal(60)), Flow(date(2025, 1, 1), -1)]
    assert "net of each day's flows" in (finance.xirr(netted).reason or "")


def test_a_fully_duplicate_day_counts_twice() -> None:
    once = finance.xirr([*yearly(-100, 121), Flow(date(2021, 1, 1), Decimal(0))])
    twice = finance.xirr([*yearly(-50, "60.5"), *yearly(-50, "60.5")])
    assert once.rate == pytest.approx(0.21, abs=1e-12)
    assert twice.rate == pytest.approx(0.21, abs=1e-12)


def test_irr_over_forty_years_matches_the_closed_form() -> None:
    start, end = date(1985, 1, 1), date(2025, 1, 1)  # 40 years, 10 leap days: 14,610 days
    flows = [Flow(start, Decimal(-1_000_000)), Flow(end, Decimal(45_259_255))]
    expected = 45.259255 ** (365 / (end - start).days) - 1
    assert finance.xirr(flows).rate == pytest.approx(expected, rel=1e-12)


def test_irr_over_forty_years_of_yearly_flows_zeroes_the_npv() -> None:
    flows = [Flow(date(1990, 6, 30), Decimal(-5_000_000))]
    flows += [Flow(date(1991 + i, 6, 30), Decimal(250_000)) for i in range(40)]
    result = finance.xirr(flows)
    expected = pyxirr.xirr([f.on for f in flows], [float(f.amount) for f in flows])
    assert result.rate == pytest.approx(expected, abs=1e-9)
    assert xnpv_relative(result.rate or 0.0, flows) < 1e-12


def test_a_total_loss_over_a_long_horizon_is_a_rate_near_minus_one() -> None:
    flows = [Flow(date(1985, 1, 1), Decimal(-1_000_000)), Flow(date(2025, 1, 1), Decimal(1))]
    expected = 1e-6 ** (365 / 14610) - 1
    assert finance.xirr(flows).rate == pytest.approx(expected, rel=1e-12)


def test_two_sign_changes_with_two_true_roots_report_both() -> None:
    # -100 + 230/(1+r) - 132/(1+r)^2 = 0 at r = 10% and r = 20%.
    result = finance.xirr(yearly(-100, 230, -132))
    assert result.roots == pytest.approx((0.1, 0.2), abs=1e-12)
    assert result.rate == pytest.approx(0.1, abs=1e-12)
    assert result.note is not None
    assert "2 rates make the NPV zero (10.00%, 20.00%)" in result.note


def test_a_sign_change_without_a_real_root_says_there_is_none() -> None:
    # -100 + 100x - 100x^2 < 0 for every x = 1/(1+r): no rate balances these flows.
    result = finance.xirr(yearly(-100, 100, -100))
    assert result.rate is None and result.roots == ()
    assert "no rate makes the NPV zero (the flows change sign 2 times" in (result.reason or "")


def test_a_root_the_npv_only_touches_is_found() -> None:
    # -100 + 200x - 100x^2 = -100 (1 - x)^2: zero at r = 0 without changing sign.
    result = finance.xirr(yearly(-100, 200, -100))
    assert result.rate == pytest.approx(0.0, abs=1e-6)


def test_a_dubious_answer_from_pyxirr_is_checked_and_replaced(monkeypatch) -> None:
    monkeypatch.setattr(finance.pyxirr, "xirr", lambda *args, **kwargs: 0.5)
    assert finance.xirr(yearly(-100, 121)).rate == pytest.approx(0.21, abs=1e-12)
    result = finance.xirr(yearly(-100, 230, -132))  # several roots, none of them pyxirr's
    assert result.roots == pytest.approx((0.1, 0.2), abs=1e-12)
    assert result.rate == pytest.approx(0.1, abs=1e-12)
    assert "nearest 10%" in (result.note or "")


def test_no_answer_from_pyxirr_falls_back_to_the_search(monkeypatch) -> None:
    def fails(*args: Any, **kwargs: Any) -> None:
        raise ValueError("no solution")

    monkeypatch.setattr(finance.pyxirr, "xirr", fails)
    assert finance.xirr(yearly(-100, 0, 144)).rate == pytest.approx(0.2, abs=1e-12)
    assert finance.xirr(yearly(-100, 100, -100)).rate is None


def test_a_rate_too_extreme_for_a_float_is_undefined_not_infinite() -> None:
    flows = [Flow(date(2024, 1, 1), Decimal(-1)), Flow(date(2024, 1, 2), Decimal(10**12))]
    result = finance.xirr(flows)
    assert result.rate is None
    assert "too extreme to state" in (result.reason or "")


def test_amounts_of_zero_change_nothing() -> None:
    flows = yearly(-100, 0, 0, 133.1)
    assert finance.xirr(flows).rate == pytest.approx(0.1, abs=1e-12)
    assert finance.xirr([*flows, Flow(date(2030, 1, 1), Decimal(0))]).rate == pytest.approx(
        0.1, abs=1e-12
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 365 * 30), st.integers(-(10**6), 10**6)), min_size=2, max_size=25
    )
)
def test_any_rate_given_zeroes_the_npv_and_multiples_add_up(rows: list[tuple[int, int]]) -> None:
    flows = [Flow(date(2000, 1, 1) + timedelta(days=d), Decimal(a)) for d, a in rows]
    result = finance.returns(flows)
    for root in result.irr_roots:
        if root > -1 + 1e-9:  # nearer -1, a float holds too few digits of 1 + r to check
            assert xnpv_relative(root, flows) < 1e-9, (root, rows)
    assert (result.irr is None) == ("irr" in result.undefined)
    if result.irr is not None:
        assert result.irr in result.irr_roots
    if result.paid_in:
        assert result.tvpi == pytest.approx((result.dpi or 0) + (result.rvpi or 0))
    else:
        assert result.tvpi is result.dpi is result.rvpi is result.moic is None


def test_pyxirr_and_this_module_agree_on_a_conventional_series() -> None:
    flows = flows_of([["2020-01-15", -250], ["2021-03-01", 40], ["2023-07-31", 330]])
    expected = pyxirr.xirr([f.on for f in flows], [float(f.amount) for f in flows])
    assert finance.xirr(flows).rate == pytest.approx(expected, abs=1e-9)


# -- Returns of a series: NAV, as_of, nothing paid in ---------------------------------------


def test_nav_counts_as_a_final_flow_on_as_of() -> None:
    result = finance.returns(
        [Flow(date(2021, 1, 1), Decimal(-100))], nav=Decimal(121), as_of=date(2023, 1, 1)
    )
    assert result.irr == pytest.approx(0.1, abs=1e-12)  # 121 = 100 x 1.1^2, 730 days later
    assert (result.tvpi, result.dpi, result.rvpi, result.moic) == (1.21, 0.0, 1.21, 1.21)
    assert result.undefined == {} and result.notes == ()


def test_flows_after_as_of_are_left_out_and_counted_in_a_note() -> None:
    flows = [*yearly(-100, 50), Flow(date(2030, 1, 1), Decimal(1000))]
    result = finance.returns(flows, nav=Decimal(60), as_of=date(2023, 1, 1))
    assert result.distributed == 50 and result.flows_counted == 2 and result.flows_left_out == 1
    assert "1 cash flow(s) dated after as_of (2023-01-01) left out" in result.notes
    assert result.dpi == 0.5 and result.rvpi == 0.6


def test_without_nav_the_residual_value_is_zero_and_a_note_says_so() -> None:
    result = finance.returns(yearly(-100, 150))
    assert result.rvpi == 0 and result.tvpi == result.dpi == 1.5
    assert result.nav == 0 and result.as_of is None
    assert any("no NAV given" in note for note in result.notes)


def test_nothing_paid_in_leaves_every_multiple_undefined_with_its_reason() -> None:
    result = finance.returns(yearly(50, 60), nav=Decimal(10), as_of=date(2024, 1, 1))
    assert result.figures() == {"irr": None, "moic": None, "tvpi": None, "dpi": None, "rvpi": None}
    assert result.undefined["tvpi"] == "TVPI is undefined: nothing was paid in"
    assert result.undefined["moic"] == "MOIC is undefined: nothing was invested"
    assert result.undefined["irr"].startswith("IRR is undefined: the cash flows are all received")


def test_nav_without_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="nav: given without as_of"):
        finance.returns(yearly(-100, 50), nav=Decimal(10))


def test_money_is_exact() -> None:
    flows = [
        Flow(date(2021, 1, 1), Decimal("-0.1")),
        Flow(date(2021, 2, 1), Decimal("-0.2")),
        Flow(date(2022, 1, 1), Decimal("0.3")),
    ]
    result = finance.returns(flows)
    assert result.paid_in == Decimal("0.3")  # 0.1 + 0.2 in floats is 0.30000000000000004
    assert result.dpi == 1.0
    read = finance.returns_input_from_json(
        json.loads(
            '{"cash_flows": [{"date": "2021-01-01", "amount": -0.1},'
            ' {"date": "2021-02-01", "amount": -0.2}, {"date": "2022-01-01", "amount": 0.3}]}',
            parse_float=Decimal,
        )
    )
    assert finance.returns(read.flows).paid_in == Decimal("0.3")


def test_every_figure_has_a_plain_language_definition() -> None:
    assert set(finance.DEFINITIONS) == set(finance.FIGURES) == set(finance.NAMES)
    assert "actual/365" in finance.DEFINITIONS["irr"]
    assert "as-of date" in finance.DEFINITIONS["irr"]
    assert "DPI + RVPI" in finance.DEFINITIONS["tvpi"]


# -- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), math.inf, math.nan]
)
def test_a_non_finite_amount_is_refused(amount: Any) -> None:
    with pytest.raises(ValueError, match=r"Flow\.amount: .* is not a finite amount"):
        Flow(date(2024, 1, 1), amount)


def test_a_flow_takes_a_date_and_an_exact_amount() -> None:
    with pytest.raises(ValueError, match=r"Flow\.on: .* is not a date"):
        Flow(datetime(2024, 1, 1, 12), Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Flow\.amount: .* is not a number"):
        Flow(date(2024, 1, 1), "12")  # type: ignore[arg-type]
    assert Flow(date(2024, 1, 1), 0.1).amount == Decimal("0.1")  # type: ignore[arg-type]
    assert Flow(date(2024, 1, 1), 5).amount == Decimal(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"flows\[1\]: .* is not a Flow"):
        finance.xirr([Flow(date(2024, 1, 1), Decimal(1)), ("2024-01-02", 1)])  # type: ignore[list-item]


def test_a_negative_total_is_refused_by_the_multiples() -> None:
    with pytest.raises(ValueError, match="paid_in: -5 is negative"):
        finance.multiples(Decimal(-5), Decimal(1), Decimal(0))
    with pytest.raises(ValueError, match="nav: -1 is negative"):
        finance.returns(yearly(-1, 2), nav=Decimal(-1), as_of=date(2030, 1, 1))


BAD_INPUT = [
    ("not an object", [1, 2], "expected a JSON object"),
    ("no cash_flows", {"flows": []}, 'missing key "cash_flows"'),
    ("cash_flows not a list", {"cash_flows": {"a": 1}}, "cash_flows: expected a list"),
    ("flow not an object", {"cash_flows": ["2024-01-01"]}, "cash_flows[0]: expected {"),
    ("missing amount", {"cash_flows": [{"date": "2024-01-01"}]}, 'cash_flows[0]: missing "amount"'),
    (
        "month 13",
        {"cash_flows": [{"date": "2024-01-01", "amount": -1}, {"date": "2024-13-01", "amount": 1}]},
        "cash_flows[1].date: “2024-13-01” is not a date (YYYY-MM-DD)",
    ),
    (
        "day-first date",
        {"cash_flows": [{"date": "01/02/2024", "amount": 1}]},
        "cash_flows[0].date: “01/02/2024” is not a date (YYYY-MM-DD)",
    ),
    ("number as date", {"cash_flows": [{"date": 20240101, "amount": 1}]}, "20240101 is not a date"),
    (
        "text amount",
        {"cash_flows": [{"date": "2024-01-01", "amount": "ten"}]},
        "cash_flows[0].amount: “ten” is not a number",
    ),
    (
        "boolean amount",
        {"cash_flows": [{"date": "2024-01-01", "amount": True}]},
        "cash_flows[0].amount: True is not a number",
    ),
    (
        "infinite amount",
        {"cash_flows": [{"date": "2024-01-01", "amount": "Infinity"}]},
        "cash_flows[0].amount: Infinity is not a finite amount",
    ),
    (
        "huge amount",
        {"cash_flows": [{"date": "2024-01-01", "amount": Decimal("1e400")}]},
        "cash_flows[0].amount: 1E+400 is too large",
    ),
    ("pair with a bad date", {"cash_flows": [["2024-02-30", 1]]}, "cash_flows[0][0]: “2024-02-30”"),
    ("nav without as_of", {"cash_flows": [], "nav": 5}, "nav: given without as_of"),
    ("as_of without nav", {"cash_flows": [], "as_of": "2024-01-01"}, "as_of: given without nav"),
    ("negative nav", {"cash_flows": [], "nav": -5, "as_of": "2024-01-01"}, "nav: -5 is negative"),
    ("bad as_of", {"cash_flows": [], "nav": 5, "as_of": "2024-1-1"}, "as_of: “2024-1-1” is not"),
]


@pytest.mark.parametrize(
    ("data", "message"), [pytest.param(d, m, id=name) for name, d, m in BAD_INPUT]
)
def test_bad_input_names_what_and_where(data: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        finance.returns_input_from_json(data)
    assert message in str(raised.value)


def test_input_accepts_pairs_numeric_text_and_notes_unknown_keys() -> None:
    read = finance.returns_input_from_json(
        {
            "cash_flows": [["2024-01-01", "-100.50"], {"date": "2025-01-01", "amount": 120}],
            "nav": 0,
            "as_of": "2025-06-30",
            "fund": "IV",
        }
    )
    assert read.flows == (
        Flow(date(2024, 1, 1), Decimal("-100.50")),
        Flow(date(2025, 1, 1), Decimal(120)),
    )
    assert read.nav == 0 and read.as_of == date(2025, 6, 30)
    assert read.notices == ("ignored key(s) fund",)
