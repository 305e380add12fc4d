"""Plotly figures for the screening pages, as chart placeholders (the Plotly bundle is served
from static files, never from a CDN)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from accord.core.charts import chart_html, figure_spec
from accord.screening.results import Results

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d"]
LAYOUT = {"margin": {"l": 40, "r": 20, "t": 30, "b": 40}, "font": {"size": 12}}


def radar(results: Results, *, limit: int = 6) -> str:
    """Each ranked candidate's aggregated scores on every criterion, one trace per candidate."""
    names = [c.name for c in results.criteria]
    traces = []
    for index, row in enumerate(results.ranked[:limit]):
        values = [row.scores.get(c.pk) for c in results.criteria]
        traces.append({
            "type": "scatterpolar",
            "r": [*values, values[0]],
            "theta": [*names, names[0]],
            "name": f"{row.rank}. {row.candidate.organization.name}",
            "line": {"color": PALETTE[index % len(PALETTE)]},
            "fill": "toself",
            "opacity": 0.55,
        })  # fmt: skip
    layout = {"polar": {"radialaxis": {"range": [0, 5], "dtick": 1}}, "height": 420, **LAYOUT}
    return chart_html(figure_spec(traces, layout), "radar-chart")


def sensitivity_bars(results: Results) -> str:
    rows = results.ranked
    names = [row.candidate.organization.name for row in rows]
    traces: list[dict[str, Any]] = [
        {"type": "bar", "name": "P(rank 1)", "x": names, "y": [row.p_first for row in rows],
         "marker": {"color": PALETTE[0]}},
        {"type": "bar", "name": f"P(top {results.top_k})", "x": names,
         "y": [row.p_top_k for row in rows], "marker": {"color": PALETTE[1]}, "opacity": 0.6},
    ]  # fmt: skip
    layout = {"barmode": "group", "yaxis": {"range": [0, 1], "tickformat": ".0%"},
              "height": 340, **LAYOUT}  # fmt: skip
    return chart_html(figure_spec(traces, layout), "sensitivity-chart")


def sweep_lines(sweep: dict[str, Any]) -> str:
    figure = go.Figure()
    for index, (name, scores) in enumerate(sweep["series"].items()):
        figure.add_trace(
            go.Scatter(x=sweep["weights"], y=scores, name=name, mode="lines",
                       line={"color": PALETTE[index % len(PALETTE)]})
        )  # fmt: skip
    if sweep.get("current_weight") is not None:
        figure.add_vline(x=sweep["current_weight"], line_dash="dot", annotation_text="now")
    for change in sweep["changes"]:
        figure.add_vline(x=change["weight"], line_color="#dc3545", opacity=0.4)
    figure.update_layout(
        xaxis={"title": f"weight of {sweep['criterion']}", "range": [0, 1]},
        yaxis={"title": "score"},
        height=340,
        **LAYOUT,
    )
    return chart_html(figure, "sweep-chart")
