"""The demo venture portfolio: "Accord Ventures I", a corporate fund of 2023 run from the
balance sheet, with a dozen investments in demo start-ups across rounds and instruments.

The fund has no capital calls: the company pays each investment (and the fund's yearly
administration fee) as it goes, so its returns count the money invested and the fees as paid
in (see accord/ventures/selectors.py). Three investments serve demo partnerships of type
corporate venture investment, among them the confidential one in Zenipath when the demo has
it; one company was sold (a distribution), one is written down, the others marked at their
last round or by comparables; one pro-rata right runs out within two weeks of today. Four of
them reported their figures for the last two quarters, one with a runway below its threshold.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.test import override_settings
from django.utils import timezone

from accord.accounts.models import User
from accord.directory.models import Organization
from accord.metrics import periods
from accord.partnerships.models import Partnership
from accord.ventures import kpi, services
from accord.ventures.models import Fund, Investment

FUND = {
    "name": "Accord Ventures I", "currency": "EUR", "committed_capital": Decimal("60000000"),
    "vintage": 2023,
    "strategy": "Minority stakes, seed to Series C, in start-ups whose technology our "
                "business units need within five years: energy, industrial AI and materials.",
}  # fmt: skip
YEARLY_FEE = Decimal("240000")
D = dt.date.fromisoformat
# round, instrument, invested on, amount (EUR), post-money (M EUR), ownership %, board,
# marks as (day, fair value, method), exit (day, proceeds) or None
PORTFOLIO = [
    ("series_a", "equity", "2023-03-15", "4000000", "28", "14.3", "seat",
     [("2023-12-31", "4000000", "cost"), ("2024-09-30", "6500000", "last_round"),
      ("2025-09-30", "9200000", "last_round")], None),
    ("seed", "safe", "2023-05-10", "1500000", None, None, "observer",
     [("2024-06-30", "2100000", "multiple"), ("2025-06-30", "2600000", "multiple")], None),
    ("pre_seed", "convertible_note", "2024-02-01", "750000", None, None, "none",
     [("2025-06-30", "750000", "cost")], None),
    ("series_b", "equity", "2023-07-01", "6000000", "60", "10.0", "seat",
     [("2024-06-30", "8400000", "last_round")], ("2025-11-14", "13800000")),
    ("seed", "equity", "2023-11-20", "2500000", "12", "20.8", "observer",
     [("2024-12-31", "1000000", "write_down"), ("2025-09-30", "400000", "write_down")], None),
    ("series_a", "equity", "2024-03-18", "5000000", "40", "12.5", "seat",
     [("2025-03-31", "7500000", "last_round")], None),
    ("seed", "safe", "2024-06-05", "1000000", None, None, "none",
     [("2025-06-30", "1000000", "cost")], None),
    ("series_c", "equity", "2024-09-12", "7500000", "150", "5.0", "observer",
     [("2025-12-31", "8250000", "multiple")], None),
    ("seed", "equity", "2023-09-01", "2000000", "21", "9.5", "none",
     [("2024-12-31", "2800000", "last_round"), ("2025-12-31", "3100000", "dcf")], None),
    ("bridge", "convertible_note", "2025-01-20", "1200000", None, None, "none", [], None),
    ("series_a", "equity", "2025-04-02", "4500000", "36", "12.5", "seat",
     [("2025-12-31", "4500000", "cost")], None),
    ("seed", "equity", "2025-07-15", "2000000", "16", "12.5", "observer", [], None),
]  # fmt: skip
# (investment index, kind, days from today to the deadline, status)
OPTIONS = [
    (0, "pro_rata", 10, "open"), (1, "call", 75, "open"), (5, "rofn", 40, "open"),
    (7, "pro_rata", -20, "waived"), (10, "pro_rata", 200, "open"), (3, "rofr", -400, "lapsed"),
]  # fmt: skip


def load_ventures_demo(*, admin: User, rng: random.Random) -> dict[str, int]:
    """The fund, once; the demo's ventures user (cvc) records what it may see, the
    administrator what hangs off a confidential partnership."""
    if Fund.objects.exists():
        return {"investments": Investment.objects.count()}
    team = User.objects.filter(username="cvc").first() or admin
    today = timezone.localdate()
    fund = services.fund_create(actor=team, data=FUND)
    investments = [
        _invest(admin if linked and linked.is_confidential else team, fund, company, linked,
                row, today)
        for (company, linked), row in zip(_companies(rng), PORTFOLIO, strict=False)
    ]  # fmt: skip
    for index, kind, days, status in OPTIONS:
        investment = investments[index] if index < len(investments) else None
        if investment is not None:
            services.option_create(actor=admin, data={
                "investment": investment, "kind": kind, "status": status,
                "deadline": today + dt.timedelta(days=days),
                "terms": "Pro rata to our stake in the next priced round."
                if kind == "pro_rata" else ""})  # fmt: skip
    for year in range(2023, today.year + 1):
        on = dt.date(year, 1, 31)
        if on <= today:
            services.cash_flow_record(actor=team, data={
                "fund": fund, "kind": "fee", "on": on, "amount": YEARLY_FEE,
                "currency": "EUR", "note": f"Fund administration {year}"})  # fmt: skip
    active = [i for i in investments if i.status == Investment.Status.ACTIVE]
    answered = _company_figures(team, admin, active[:4], today)
    return {"investments": len(investments), "figures_answered": answered}


# Per company: revenue (EUR a quarter), net burn (EUR a month), runway (months), headcount, for
# the quarter before last and the last one.
FIGURES = [
    (("410000", "520000"), ("180000", "170000"), ("22", "20"), ("38", "41")),
    (("95000", "130000"), ("260000", "310000"), ("7", "4"), ("24", "27")),
    (("1200000", "1350000"), ("90000", "40000"), ("36", "60"), ("85", "88")),
    (("60000", "75000"), ("140000", "150000"), ("14", "12"), ("16", "17")),
]
METRICS = ("revenue", "burn", "runway", "headcount")


# The demo's requests were answered long ago: no message goes out for them.
@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def _company_figures(team: User, admin: User, investments: list[Investment], today: dt.date) -> int:
    """Two quarters of figures from each of `investments`, asked and answered through the same
    links a company uses; a runway threshold of 6 months on each. The team asks, or the
    administrator for an investment of a confidential partnership."""
    last = periods.shift(periods.quarter_of(today), -1)
    quarters = [periods.shift(last, -1), last]
    answered = 0
    for investment, figures in zip(investments, FIGURES, strict=False):
        confidential = investment.partnership and investment.partnership.is_confidential
        actor = admin if confidential else team
        for index, quarter in enumerate(quarters):
            period = f"{quarter.year}Q{(quarter.month - 1) // 3 + 1}"
            request = kpi.kpi_request_send(
                actor=actor, investment=investment, period=period, metrics=METRICS,
                email=f"finance@{investment.organization.pk}.example.com",
            )  # fmt: skip
            values = {metric: figures[n][index] for n, metric in enumerate(METRICS)}
            kpi.answers_submit(raw=kpi.token_of(request), values=values)
            answered += 1
        kpi.kpi_threshold_set(actor=actor, investment=investment, metric="runway",
                              comparator="below", value="6")  # fmt: skip
    return answered


def _companies(rng: random.Random) -> list[tuple[Organization, Partnership | None]]:
    """Start-ups of the demo: first those of three venture partnerships (Zenipath's first),
    then others at random."""
    deals = Partnership.objects.filter(type="cvc").prefetch_related("parties__organization")
    ordered = sorted(
        deals,
        key=lambda p: (
            not p.title.startswith("Investment in Zenipath"),
            p.is_confidential,
            p.stage == "candidate",
            p.pk,
        ),
    )
    chosen: list[tuple[Organization, Partnership | None]] = []
    for deal in ordered[:3]:
        parties = sorted(deal.parties.all(), key=lambda party: party.pk)
        named = [p.organization for p in parties if p.organization.name in deal.title]
        chosen.append(((named or [parties[0].organization])[0], deal))
    used = {company.pk for company, _ in chosen}
    others = list(Organization.objects.filter(kind__in=["startup", "scaleup"], is_self=False)
                  .exclude(pk__in=used).order_by("pk"))  # fmt: skip
    chosen += [(company, None) for company in rng.sample(others, min(len(others), 12))]
    # Zenipath's pre-seed note is the third row of PORTFOLIO: put the deals where they fit.
    if chosen and chosen[0][1] is not None:
        chosen.insert(2, chosen.pop(0))
    return chosen


def _invest(
    actor: User, fund: Fund, company: Organization, linked: Partnership | None, row: tuple,
    today: dt.date,
) -> Investment:  # fmt: skip
    round_, instrument, on, amount, post, ownership, board, marks, sold = row
    investment = services.investment_create(actor=actor, data={
        "fund": fund, "organization": company, "partnership": linked, "round": round_,
        "instrument": instrument, "invested_on": D(on), "amount": Decimal(amount),
        "currency": "EUR", "post_money": Decimal(post) * 1_000_000 if post else None,
        "pre_money": Decimal(post) * 1_000_000 - Decimal(amount) if post else None,
        "ownership": Decimal(ownership) if ownership else None, "board": board,
        "status": "exited" if sold and D(sold[0]) <= today else "active",
    })  # fmt: skip
    services.cash_flow_record(actor=actor, data={
        "investment": investment, "kind": "investment", "on": D(on), "amount": Decimal(amount),
        "currency": "EUR", "note": f"{investment.get_round_display()} closing"})  # fmt: skip
    for day, value, method in marks:
        if D(day) <= today:
            services.mark_record(actor=actor, data={
                "investment": investment, "on": D(day), "fair_value": Decimal(value),
                "currency": "EUR", "method": method})  # fmt: skip
    if sold and D(sold[0]) <= today:
        services.cash_flow_record(actor=actor, data={
            "investment": investment, "kind": "distribution", "on": D(sold[0]),
            "amount": Decimal(sold[1]), "currency": "EUR",
            "note": "Sale to a strategic buyer"})  # fmt: skip
    return investment
