"""The strategic view's chart: each investment's strategic value against its financial
return."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from accord.core.charts import chart_html, figure_spec

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
