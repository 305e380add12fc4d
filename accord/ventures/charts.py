"""The venture pages' charts: the strategic view's map of strategic value against financial
return, and an investment's reported figures, period after period."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from accord.core.charts import chart_html, figure_spec
from accord.ventures.selectors import Trend

COLOURS = ("#0d6efd", "#198754", "#6f42c1", "#fd7e14", "#20c997", "#d63384")


def strategic_map(points: Sequence[dict[str, Any]]) -> str:
    """One bubble per investment: x its MOIC (log), y its strategic value, size what was
    invested, colour its fund. Quadrant lines at MOIC 1 and value 50."""
    if not points:
        return ""
    funds = list(dict.fromkeys(p["fund"] for p in points))
    largest = max(float(p["invested"]) for p in points) or 1.0
    traces = []
    for index, fund in enumerate(funds):
        mine = [p for p in points if p["fund"] == fund]
        traces.append({
            "type": "scatter", "mode": "markers", "name": fund,
            "x": [p["moic"] for p in mine], "y": [p["value"] for p in mine],
            "text": [p["company"] for p in mine],
            "hovertemplate": "%{text}<br>MOIC %{x:.2f}x · strategic value %{y}<extra></extra>",
            "marker": {
                "size": [10 + 30 * math.sqrt(float(p["invested"]) / largest) for p in mine],
                "color": COLOURS[index % len(COLOURS)], "opacity": 0.75,
                "line": {"width": 1, "color": "white"},
            },
        })  # fmt: skip
    lines = [
        {"type": "line", "x0": 1, "x1": 1, "yref": "paper", "y0": 0, "y1": 1,
         "line": {"dash": "dot", "color": "#adb5bd"}},
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 50, "y1": 50,
         "line": {"dash": "dot", "color": "#adb5bd"}},
    ]  # fmt: skip
    layout = {
        "height": 420, "margin": {"l": 60, "r": 20, "t": 10, "b": 50}, "font": {"size": 12},
        "xaxis": {"title": {"text": "financial return: MOIC (log scale)"}, "type": "log"},
        "yaxis": {"title": {"text": "strategic value (0 to 100)"}, "range": [-5, 105]},
        "legend": {"orientation": "h", "y": -0.2}, "shapes": lines,
    }  # fmt: skip
    return chart_html(figure_spec(traces, layout), "strategic-map")


LINE, THRESHOLD = "#0d6efd", "#dc3545"
COLUMNS = 2


def kpi_trend_chart(trends: list[Trend]) -> str:
    """An HTML fragment, or "" when nothing was answered yet. A plain spec (no graph_objects):
    the panels are simple and the page is read often."""
    if not trends:
        return ""
    columns = min(len(trends), COLUMNS)
    rows = -(-len(trends) // columns)
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "height": 240 * rows, "showlegend": False, "font": {"size": 12},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 30}, "annotations": [],
        "grid": {"rows": rows, "columns": columns, "pattern": "independent",
                 "ygap": 0.35, "xgap": 0.12},
    }  # fmt: skip
    for index, trend in enumerate(trends, start=1):
        axis = "" if index == 1 else str(index)
        periods = [period for period, _ in trend.points]
        data.append({"type": "scatter", "mode": "lines+markers", "name": trend.label,
                     "x": periods, "y": [float(v) for _, v in trend.points],
                     "xaxis": f"x{axis}", "yaxis": f"y{axis}",
                     "line": {"color": LINE}})  # fmt: skip
        data.extend(
            {"type": "scatter", "mode": "lines", "x": periods,
             "y": [float(threshold.value)] * len(periods),
             "name": f"{threshold.comparator} {threshold.value.normalize():f}",
             "xaxis": f"x{axis}", "yaxis": f"y{axis}",
             "line": {"color": THRESHOLD, "dash": "dash"}}
            for threshold in trend.thresholds
        )  # fmt: skip
        unit = f" ({trend.unit})" if trend.unit else ""
        layout[f"xaxis{axis}"] = {"type": "category"}
        layout[f"yaxis{axis}"] = {"title": {"text": f"{trend.label}{unit}", "font": {"size": 11}},
                                  "rangemode": "tozero"}  # fmt: skip
    return chart_html(figure_spec(data, layout), "kpi-trends")
