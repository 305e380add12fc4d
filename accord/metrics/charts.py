"""The metrics tab's chart: each KPI's quarters, actual against target, one panel per KPI."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from accord.metrics.selectors import KpiLine

ACTUAL, TARGET = "#0d6efd", "#6c757d"


def kpi_chart(lines: list[KpiLine]) -> str:
    """An HTML fragment, or "" when no quarter has a value or a target."""
    drawn = [line for line in lines if any(c.actual is not None or c.target is not None
                                           for c in line.cells)]  # fmt: skip
    if not drawn:
        return ""
    columns = min(len(drawn), 2)
    rows = -(-len(drawn) // columns)
    titles = [f"{line.kpi.name} ({line.unit})" for line in drawn]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=titles, vertical_spacing=0.2)
    for index, line in enumerate(drawn):
        row, col = index // columns + 1, index % columns + 1
        quarters = [cell.label for cell in line.cells]
        actual = [float(c.actual) if c.actual is not None else None for c in line.cells]
        target = [float(c.target) if c.target is not None else None for c in line.cells]
        figure.add_trace(go.Bar(x=quarters, y=actual, name="actual", marker_color=ACTUAL,
                                showlegend=index == 0), row=row, col=col)  # fmt: skip
        figure.add_trace(go.Scatter(x=quarters, y=target, name="target", mode="lines+markers",
                                    line={"color": TARGET, "dash": "dash"},
                                    showlegend=index == 0), row=row, col=col)  # fmt: skip
    figure.update_layout(height=260 * rows, margin={"l": 50, "r": 20, "t": 40, "b": 30},
                         font={"size": 12}, legend={"orientation": "h", "y": -0.15})  # fmt: skip
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id="kpi-chart",
                          config={"displaylogo": False})  # fmt: skip
