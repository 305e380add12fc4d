"""Returns of venture investments: IRR from dated cash flows, and the fund multiples (TVPI,
DPI, RVPI, MOIC). Pure functions, no database: pages, the API and `accord finance returns`
call the same ones with the cash flows they have read.

Conventions, shared by every function here (DEFINITIONS says them in plain words, for pages):

- Money is `decimal.Decimal`, summed exactly; rates and multiples are floats.
- A cash flow's sign is the investor's: negative = paid in (capital called, money invested),
  positive = received (distributions, sale proceeds). An amount of 0 is allowed and changes
  nothing.
- IRR is XIRR: the yearly rate r at which sum(amount / (1 + r) ** (days / 365)) = 0, days
  counted from the earliest flow (actual/365 fixed, as spreadsheets' XIRR). Flows may come in
  any order and share a day.
- A residual value (NAV) is measured on a date, `as_of`: for the IRR it counts as one more
  positive flow on that day (as if sold at that value then), and it is the residual value of
  RVPI, TVPI and MOIC. Flows dated after `as_of` are left out. Without a NAV the residual value
  is 0, as for an investment fully realized.
- A figure that cannot be computed is None, with the reason beside it (nothing paid in, no
  rate that balances the flows...), never a guess.

How the IRR is found: pyxirr solves the equation first, from a 10% guess as spreadsheets
do. Its answer is kept only if it truly makes the NPV zero
(relative to the size of the discounted flows), and is then refined to the exact root with
Brent's method. Flows that change sign once have exactly one rate (Descartes' rule of signs
holds for the sums of powers an NPV is); flows that change sign several times can have
several rates or none, so the rates from 99.9999% lost to a billion-fold gain a year are
scanned as well, on a grid of log(1 + r), and every sign change of the NPV refined to its
root. All roots found are reported; `rate` is pyxirr's one (what a spreadsheet shows), or,
when pyxirr finds none that holds, the one nearest 10%, the spreadsheets' starting guess. Two
roots within about 1% of each other in 1 + r can both escape the scan (the NPV touches zero
between two grid points without changing sign): the answer lists the roots it has verified.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import numpy as np
import pyxirr
from scipy.optimize import brentq

DAYS_PER_YEAR = 365  # actual/365 fixed
LARGEST_AMOUNT = Decimal("1e18")  # beyond any real deal; keeps every sum finite as a float
# The rates scanned for several roots, as 1 + r: from a 99.9999% loss to a billion-fold gain
# a year, in steps of 1% of 1 + r.
SCAN_LOWEST_GROWTH = 1e-6
SCAN_HIGHEST_GROWTH = 1e9
SCAN_STEP = 0.01
# A rate is a root when the NPV it leaves is this small relative to the sum of the discounted
# flows' sizes: rounding error, not money.
ROOT_TOLERANCE = 1e-7
SPREADSHEET_GUESS = 0.1
# Roots closer than this (relative, in 1 + r) are the same root found twice.
SAME_ROOT = 1e-9

FIGURES = ("irr", "moic", "tvpi", "dpi", "rvpi")
NAMES = {"irr": "IRR", "moic": "MOIC", "tvpi": "TVPI", "dpi": "DPI", "rvpi": "RVPI"}
DEFINITIONS = {
    "irr": (
        "Internal rate of return: the yearly rate at which the dated cash flows, discounted, "
        "add up to zero (XIRR, actual/365: each day is 1/365 of a year). A residual value "
        "(NAV) counts as money received on its as-of date. Undefined when nothing is paid in "
        "or nothing received, or when no rate balances the flows; when several rates do, all "
        "are given."
    ),
    "moic": (
        "Multiple on invested capital: (realized value + unrealized value) / invested "
        "capital, what came back plus what is still held for each unit invested, before fees "
        "and carry. From an investment's own cash flows the capital invested is the capital "
        "paid in, so MOIC equals TVPI."
    ),
    "tvpi": (
        "Total value to paid-in: (distributions + residual value, the NAV) / paid-in "
        "capital. TVPI = DPI + RVPI."
    ),
    "dpi": (
        "Distributions to paid-in: the cash received back / the capital paid in; the "
        "realized part of TVPI."
    ),
    "rvpi": (
        "Residual value to paid-in: the NAV still held / the capital paid in; the unrealized "
        "part of TVPI."
    ),
}


@dataclass(frozen=True)
class Flow:
    """A dated cash flow: negative = paid in, positive = received."""

    on: date
    amount: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise ValueError(f"Flow.on: {self.on!r} is not a date")
        object.__setattr__(self, "amount", _money(self.amount, "Flow.amount"))


@dataclass(frozen=True)
class IRR:
    """The rate, or why there is none.

    `roots` holds every rate found that makes the NPV zero (one for flows that change sign
    once); `note` says which one `rate` is when there are several."""

    rate: float | None
    reason: str | None = None
    roots: tuple[float, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Multiples:
    tvpi: float | None
    dpi: float | None
    rvpi: float | None
    moic: float | None
    undefined: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Returns:
    """Every figure of a series of cash flows, with the reason for each one undefined.

    `undefined` maps a figure ("irr", "moic", ...) to why it is None; `notes` are remarks
    on figures that are defined (flows left out, several IRRs, no NAV given)."""

    irr: float | None
    moic: float | None
    tvpi: float | None
    dpi: float | None
    rvpi: float | None
    paid_in: Decimal
    distributed: Decimal
    nav: Decimal
    as_of: date | None
    irr_roots: tuple[float, ...]
    flows_counted: int
    flows_left_out: int
    undefined: Mapping[str, str]
    notes: tuple[str, ...]

    def figures(self) -> dict[str, float | None]:
        """{"irr", "moic", "tvpi", "dpi", "rvpi"}, None where undefined."""
        return {name: getattr(self, name) for name in FIGURES}


# -- IRR ------------------------------------------------------------------------------------


def xirr(flows: Iterable[Flow]) -> IRR:
    """The IRR of dated cash flows (act/365F), or the reason there is none."""
    checked = _flows(flows, "flows")
    undefined = _why_no_irr(checked)
    if undefined:
        return IRR(None, reason=f"IRR is undefined: {undefined}")
    first = min(flow.on for flow in checked)
    by_day = _net_by_day(checked)
    years = np.array([(day - first).days / DAYS_PER_YEAR for day in by_day])
    amounts = np.array([float(amount) for amount in by_day.values()])
    npv = _ScaledNPV(years, amounts)
    found = _pyxirr_root(checked, npv)
    changes = _sign_changes(amounts)
    if changes == 1:  # exactly one root: pyxirr's, or the one a widening bracket holds
        growth = found if found is not None else _only_root(npv, amounts)
        return _irr_of([growth] if growth is not None else [], found)
    roots = _scan(npv)
    if found is not None and not any(_same(found, root) for root in roots):
        roots.append(found)  # one the scan cannot see: a touching root, or beyond its range
    return _irr_of(sorted(roots), found, changes=changes)


def _why_no_irr(flows: Sequence[Flow]) -> str | None:
    if not flows:
        return "there are no cash flows"
    paid = any(flow.amount < 0 for flow in flows)
    received = any(flow.amount > 0 for flow in flows)
    if not paid and not received:
        return "every cash flow is 0"
    if not received:
        return "the cash flows are all paid in (nothing received)"
    if not paid:
        return "the cash flows are all received (nothing paid in)"
    days = {flow.on for flow in flows if flow.amount}
    if len(days) == 1:
        return f"the cash flows are all on one day ({days.pop()}): no time passes for a rate"
    net = _net_by_day(flows).values()
    if not any(amount > 0 for amount in net):
        return "net of each day's flows, the cash flows are all paid in"
    if not any(amount < 0 for amount in net):
        return "net of each day's flows, the cash flows are all received"
    return None


def _net_by_day(flows: Iterable[Flow]) -> dict[date, Decimal]:
    """Each day's flows summed, in date order, days that net to zero left out."""
    net: dict[date, Decimal] = {}
    for flow in flows:
        net[flow.on] = net.get(flow.on, Decimal(0)) + flow.amount
    return {day: net[day] for day in sorted(net) if net[day]}


def _sign_changes(amounts: np.ndarray) -> int:
    signs = np.sign(amounts[amounts != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


class _ScaledNPV:
    """The NPV as a function of u = log(1 + r), divided by its largest discount factor.

    Dividing by a positive number keeps the sign and the roots, and keeps every term finite
    however long the horizon or extreme the rate (a 40-year flow at -99% would overflow)."""

    def __init__(self, years: np.ndarray, amounts: np.ndarray) -> None:
        self.years = years
        self.amounts = amounts

    def __call__(self, u: float) -> float:
        exponents = -u * self.years
        return float(np.dot(self.amounts, np.exp(exponents - exponents.max())))

    def is_root(self, u: float) -> bool:
        exponents = -u * self.years
        factors = np.exp(exponents - exponents.max())
        size = float(np.dot(np.abs(self.amounts), factors))
        return abs(float(np.dot(self.amounts, factors))) <= ROOT_TOLERANCE * size

    def on_grid(self, grid: np.ndarray) -> np.ndarray:
        values = np.empty(len(grid))
        rows = max(1, 2_000_000 // len(self.years))  # bounded memory for long series
        for start in range(0, len(grid), rows):
            exponents = -np.outer(grid[start : start + rows], self.years)
            exponents -= exponents.max(axis=1, keepdims=True)
            values[start : start + rows] = np.exp(exponents) @ self.amounts
        return values


def _pyxirr_root(flows: Sequence[Flow], npv: _ScaledNPV) -> float | None:
    """pyxirr's rate as u = log(1 + r), refined, or None when it has none that holds."""
    try:
        rate = pyxirr.xirr(
            [flow.on for flow in flows], [float(flow.amount) for flow in flows], silent=True
        )
    except (ValueError, ArithmeticError):  # it raises on input it finds degenerate
        return None
    if rate is None or not math.isfinite(rate) or rate <= -1:
        return None
    u = math.log1p(rate)
    if not npv.is_root(u):
        return None
    return _refine(npv, u)


def _refine(npv: _ScaledNPV, u: float) -> float:
    """The exact root next to an approximate one (Brent's method on the smallest bracket)."""
    for width in (1e-12, 1e-10, 1e-8, 1e-6):
        low, high = u - width, u + width
        f_low, f_high = npv(low), npv(high)
        if f_low == 0:
            return low
        if f_high == 0:
            return high
        if (f_low < 0) != (f_high < 0):
            return float(brentq(npv, low, high, xtol=1e-15, rtol=1e-15))
    return u  # a root the NPV only touches: no bracket, and the approximation stands


def _only_root(npv: _ScaledNPV, amounts: np.ndarray) -> float | None:
    """The one root of flows that change sign once, bracketed by widening from 0.

    As u falls the latest flow dominates the NPV; as it rises the earliest does."""
    low, high = -1.0, 1.0
    while (npv(low) < 0) != (amounts[-1] < 0) and low > -700:
        low *= 2
    while (npv(high) < 0) != (amounts[0] < 0) and high < 700:
        high *= 2
    if (npv(low) < 0) == (npv(high) < 0):
        return None  # beyond any rate a float can state
    return float(brentq(npv, low, high, xtol=1e-15, rtol=1e-15))


def _scan(npv: _ScaledNPV) -> list[float]:
    """Every root where the NPV changes sign on the grid of log(1 + r), refined."""
    grid = np.arange(math.log(SCAN_LOWEST_GROWTH), math.log(SCAN_HIGHEST_GROWTH), SCAN_STEP)
    values = npv.on_grid(grid)
    exact = [float(u) for u, value in zip(grid, values, strict=True) if value == 0]
    crossings = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    refined = [float(brentq(npv, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15)) for i in crossings]
    return sorted(exact + refined)


def _same(u: float, v: float) -> bool:
    return abs(u - v) <= SAME_ROOT


def _irr_of(roots: list[float], found: float | None, changes: int = 1) -> IRR:
    """The IRR from the roots (as log(1 + r)) and pyxirr's own, if it had one."""
    try:
        rates = tuple(math.expm1(u) for u in roots)
    except OverflowError:
        rates = ()
    if not rates:
        return IRR(None, reason=_no_root_reason(changes, roots))
    if found is not None:
        chosen = next(i for i, u in enumerate(roots) if _same(u, found))
    else:
        chosen = min(range(len(rates)), key=lambda i: abs(rates[i] - SPREADSHEET_GUESS))
    note = None
    if len(rates) > 1:
        listed = ", ".join(_percent(rate) for rate in rates)
        which = (
            "the one a spreadsheet's XIRR finds"
            if found is not None
            else "the one nearest 10% (the spreadsheets' starting guess)"
        )
        note = (
            f"{len(rates)} rates make the NPV zero ({listed}): the flows change sign "
            f"{changes} times; shown is {which}"
        )
    return IRR(rates[chosen], roots=rates, note=note)


def _no_root_reason(changes: int, roots: list[float]) -> str:
    if roots or changes == 1:
        return (
            "IRR is undefined: the rate is too extreme to state as a number (large sums "
            "moving within days)"
        )
    return (
        f"IRR is undefined: no rate makes the NPV zero (the flows change sign {changes} times "
        "and no rate from a 99.9999% loss to a billion-fold gain a year balances them)"
    )


def _percent(rate: float) -> str:
    return f"{rate * 100:,.0f}%" if abs(rate) >= 10 else f"{rate * 100:.2f}%"


# -- Multiples ------------------------------------------------------------------------------


def multiples(
    paid_in: Decimal, distributed: Decimal, nav: Decimal, invested: Decimal | None = None
) -> Multiples:
    """TVPI, DPI, RVPI and MOIC from totals (all zero or more); None where undefined.

    DPI = distributed / paid_in, RVPI = nav / paid_in, TVPI = DPI + RVPI, and
    MOIC = (distributed + nav) / invested, where invested is paid_in unless given (capital
    put into the companies, without fees)."""
    paid_in = _total(paid_in, "paid_in")
    distributed = _total(distributed, "distributed")
    nav = _total(nav, "nav")
    invested = paid_in if invested is None else _total(invested, "invested")
    undefined: dict[str, str] = {}
    if paid_in == 0:
        for name in ("tvpi", "dpi", "rvpi"):
            undefined[name] = f"{NAMES[name]} is undefined: nothing was paid in"
    if invested == 0:
        undefined["moic"] = "MOIC is undefined: nothing was invested"
    return Multiples(
        tvpi=None if paid_in == 0 else _ratio(distributed + nav, paid_in),
        dpi=None if paid_in == 0 else _ratio(distributed, paid_in),
        rvpi=None if paid_in == 0 else _ratio(nav, paid_in),
        moic=None if invested == 0 else _ratio(distributed + nav, invested),
        undefined=undefined,
    )


def _ratio(numerator: Decimal, denominator: Decimal) -> float:
    return float(numerator / denominator)


def _total(value: object, where: str) -> Decimal:
    amount = _money(value, where)
    if amount < 0:
        raise ValueError(f"{where}: {amount} is negative; give it as an amount, 0 or more")
    return amount


# -- Returns of a series --------------------------------------------------------------------


def returns(
    flows: Iterable[Flow], nav: Decimal | None = None, as_of: date | None = None
) -> Returns:
    """IRR and multiples of cash flows, with a residual value (NAV) measured on `as_of`.

    Flows after `as_of` are left out. For the IRR the NAV counts as a final positive flow on
    `as_of` (as if the holding were sold at that value that day); for the multiples it is the
    residual value. Without a NAV the residual value is 0 (fully realized). A NAV needs its
    date; `as_of` alone only cuts the flows off at that date."""
    checked = _flows(flows, "flows")
    if as_of is not None and (isinstance(as_of, datetime) or not isinstance(as_of, date)):
        raise ValueError(f"as_of: {as_of!r} is not a date")
    if nav is not None and as_of is None:
        raise ValueError("nav: given without as_of; say on which day the NAV was measured")
    residual = Decimal(0) if nav is None else _total(nav, "nav")
    counted = [flow for flow in checked if as_of is None or flow.on <= as_of]
    paid_in = -sum((f.amount for f in counted if f.amount < 0), Decimal(0))
    distributed = sum((f.amount for f in counted if f.amount > 0), Decimal(0))
    figures = multiples(paid_in, distributed, residual)
    with_nav = [*counted, Flow(as_of, residual)] if as_of is not None and residual else counted
    irr = xirr(with_nav)
    undefined = dict(figures.undefined)
    if irr.rate is None:
        undefined["irr"] = irr.reason or "IRR is undefined"
    notes = _notes(len(checked) - len(counted), as_of, nav, irr)
    return Returns(
        irr=irr.rate,
        moic=figures.moic,
        tvpi=figures.tvpi,
        dpi=figures.dpi,
        rvpi=figures.rvpi,
        paid_in=paid_in,
        distributed=distributed,
        nav=residual,
        as_of=as_of,
        irr_roots=irr.roots,
        flows_counted=len(counted),
        flows_left_out=len(checked) - len(counted),
        undefined=undefined,
        notes=notes,
    )


def _notes(left_out: int, as_of: date | None, nav: Decimal | None, irr: IRR) -> tuple[str, ...]:
    notes = []
    if left_out:
        notes.append(f"{left_out} cash flow(s) dated after as_of ({as_of}) left out")
    if nav is None:
        notes.append("no NAV given: the residual value is taken as 0 (fully realized)")
    if irr.note:
        notes.append(irr.note)
    return tuple(notes)


# -- Reading input --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnsInput:
    flows: tuple[Flow, ...]
    nav: Decimal | None
    as_of: date | None
    notices: tuple[str, ...] = ()


INPUT_SHAPE = (
    '{"cash_flows": [{"date": "YYYY-MM-DD", "amount": number}, ...], '
    '"nav": number (optional), "as_of": "YYYY-MM-DD" (with nav)}'
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def returns_input_from_json(data: object) -> ReturnsInput:
    """Read {"cash_flows": [{"date", "amount"}, ...], "nav"?, "as_of"?} as parsed from JSON
    (numbers best read as Decimal: `json.load(..., parse_float=Decimal)`).

    A flow may also be a [date, amount] pair. nav and as_of come both or neither. Amounts
    may be numbers or numeric strings. ValueError names what is wrong and where."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object {INPUT_SHAPE}, found {_kind(data)}")
    if "cash_flows" not in data:
        raise ValueError(f'missing key "cash_flows": expected {INPUT_SHAPE}')
    rows = data["cash_flows"]
    if not isinstance(rows, list):
        raise ValueError(
            f'cash_flows: expected a list of {{"date", "amount"}}, found {_kind(rows)}'
        )
    flows = tuple(_flow_from_json(row, f"cash_flows[{index}]") for index, row in enumerate(rows))
    has_nav, has_as_of = data.get("nav") is not None, data.get("as_of") is not None
    if has_nav != has_as_of:
        given, missing = ("nav", "as_of") if has_nav else ("as_of", "nav")
        raise ValueError(
            f"{given}: given without {missing}; give both (the NAV and the date it was "
            "measured on) or neither"
        )
    nav = _total(_number(data["nav"], "nav"), "nav") if has_nav else None
    as_of = _date(data["as_of"], "as_of") if has_as_of else None
    unknown = sorted(set(data) - {"cash_flows", "nav", "as_of"})
    notices = (f"ignored key(s) {', '.join(unknown)}",) if unknown else ()
    return ReturnsInput(flows=flows, nav=nav, as_of=as_of, notices=notices)


def _flow_from_json(row: object, where: str) -> Flow:
    if isinstance(row, list) and len(row) == 2:
        return Flow(_date(row[0], f"{where}[0]"), _number(row[1], f"{where}[1]"))
    if not isinstance(row, dict):
        raise ValueError(
            f'{where}: expected {{"date": "YYYY-MM-DD", "amount": number}}, found {_kind(row)}'
        )
    for key in ("date", "amount"):
        if key not in row:
            raise ValueError(f'{where}: missing "{key}"')
    return Flow(_date(row["date"], f"{where}.date"), _number(row["amount"], f"{where}.amount"))


def _date(value: object, where: str) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: {_shown(value)} is not a date (YYYY-MM-DD)")


def _number(value: object, where: str) -> Decimal:
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{where}: {_shown(value)} is not a number") from None
    return _money(value, where)


def _money(value: object, where: str) -> Decimal:
    """An exact, finite amount: a Decimal, an int, or a float taken as written."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValueError(f"{where}: {_shown(value)} is not a number")
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{where}: {value} is not a finite amount")
    if abs(amount) >= LARGEST_AMOUNT:
        raise ValueError(f"{where}: {value} is too large (amounts stay below 10^18)")
    return amount


def _flows(flows: Iterable[Flow], where: str) -> list[Flow]:
    checked = list(flows)
    for index, flow in enumerate(checked):
        if not isinstance(flow, Flow):
            raise ValueError(f"{where}[{index}]: {_shown(flow)} is not a Flow(on, amount)")
    return checked


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return f"“{text}”" if isinstance(value, str) else text


def _kind(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}
    if value is None:
        return "null"
    return kinds.get(type(value), "a number")
