"""The pilot page's chart: each criterion's actuals over time against its target, one panel
per criterion (their units differ). The Plotly bundle is served from static files."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from accord.core.charts import chart_html
from accord.pilots.models import plain
from accord.pilots.selectors import CriterionStanding

MET, MISSED, TARGET = "#198754", "#dc3545", "#6c757d"


def criteria_chart(standings: list[CriterionStanding]) -> str:
    """An HTML fragment, or "" when nothing was measured yet."""
    measured = [s for s in standings if s.actuals]
    if not measured:
        return ""
    titles = [f"{s.criterion.metric} ({s.criterion.unit})" for s in measured]
    columns = min(len(measured), 2)
    rows = -(-len(measured) // columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.18)
    for index, standing in enumerate(measured):
        row, col = index // columns + 1, index % columns + 1
        criterion = standing.criterion
        days = [a.observed_on for a in standing.actuals]
        values = [float(a.value) for a in standing.actuals]
        colours = [MET if criterion.is_met_by(a.value) else MISSED for a in standing.actuals]
        figure.add_trace(
            go.Scatter(
                x=days,
                y=values,
                mode="lines+markers",
                name=criterion.metric,
                line={"color": "#0d6efd"},
                marker={"color": colours, "size": 9},
                showlegend=False,
            ),
            row=row,
            col=col,
        )
        target = f"target {criterion.get_comparator_display()} {plain(criterion.target)}"
        figure.add_hline(
            y=float(criterion.target),
            line={"color": TARGET, "dash": "dash"},
            annotation_text=target,
            annotation_position="top left",
            row=row,
            col=col,
        )
    # Whole days, at least a week wide: around a single reading plotly would tick milliseconds.
    observed = [a.observed_on for s in measured for a in s.actuals]
    first, last = min(observed), max(observed)
    margin = dt.timedelta(days=3 if (last - first).days < 7 else 1)
    figure.update_xaxes(type="date", tickformat="%Y-%m-%d", range=[first - margin, last + margin])
    figure.update_layout(
        height=260 * rows,
        margin={"l": 40, "r": 20, "t": 40, "b": 30},
        font={"size": 12},
    )
    return chart_html(figure, "criteria-chart")
