"""The review page's chart: where each partnership stands, coloured by its recommendation."""

from __future__ import annotations

import plotly.graph_objects as go

from accord.core.charts import chart_html
from accord.portfolio.models import Recommendation, ReviewItem

COLOURS = {
    Recommendation.SCALE: "#198754",
    Recommendation.CONTINUE: "#6c757d",
    Recommendation.FIX: "#fd7e14",
    Recommendation.EXIT: "#dc3545",
}


def review_map(items: list[ReviewItem]) -> tuple[str, int]:
    """KPI targets met (share) against the partner's health score, one dot per partnership,
    from the facts the review kept; and how many lacked either and are not drawn."""
    placed = [i for i in items
              if i.facts.get("kpis_met_share") is not None
              and i.facts.get("health_partner") is not None]  # fmt: skip
    if not placed:
        return "", len(items)
    figure = go.Figure()
    for recommendation in Recommendation:
        mine = [i for i in placed if i.recommendation == recommendation.value]
        if not mine:
            continue
        figure.add_trace(go.Scatter(
            x=[100 * i.facts["kpis_met_share"] for i in mine],
            y=[i.facts["health_partner"] for i in mine],
            text=[i.partnership.title for i in mine], mode="markers",
            name=recommendation.label, hovertemplate="%{text}<br>%{x:.0f} % met, health %{y}",
            marker={"color": COLOURS[recommendation], "size": 13, "opacity": 0.8,
                    "line": {"width": 1, "color": "white"}},
        ))  # fmt: skip
    figure.update_layout(
        height=340, margin={"l": 50, "r": 20, "t": 10, "b": 40}, font={"size": 12},
        xaxis={"title": "KPI targets met (%)", "range": [-5, 105]},
        yaxis={"title": "the partner's health score", "range": [0.8, 5.2], "dtick": 1},
        legend={"orientation": "h", "y": -0.25},
    )  # fmt: skip
    chart = chart_html(figure, "review-map")
    return chart, len(items) - len(placed)
