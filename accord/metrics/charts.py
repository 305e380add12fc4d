"""The metrics tab's chart: each KPI's quarters, actual against target, one panel per KPI."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from accord.core.charts import chart_html, figure_spec
from accord.metrics.selectors import Impact, KpiLine, Roi, RoundResult

ACTUAL, TARGET, PARTNER = "#0d6efd", "#6c757d", "#fd7e14"


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
    return chart_html(figure, "kpi-chart")


def health_chart(result: RoundResult) -> str:
    """Ours against the partner's average score per question: the perception gap at a glance."""
    if result.ours is None and result.theirs is None:
        return ""
    labels = [q.question.label.split(":")[0] for q in result.questions]
    figure = go.Figure()
    for side, name, colour in (("ours", "our side", ACTUAL), ("theirs", "the partner", PARTNER)):
        values = [float(v) if (v := getattr(q, side)) is not None else None
                  for q in result.questions]  # fmt: skip
        figure.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour))
    figure.update_layout(barmode="group", height=300, yaxis={"range": [0, 5], "dtick": 1},
                         margin={"l": 40, "r": 20, "t": 20, "b": 30}, font={"size": 12},
                         legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return chart_html(figure, "health-chart")


def health_trend(results: list[RoundResult]) -> str:
    """Each side's overall score, round after round, oldest first."""
    rounds = [r for r in reversed(results) if r.ours is not None or r.theirs is not None]
    if len(rounds) < 2:
        return ""
    titles = [r.survey.title for r in rounds]
    figure = go.Figure()
    for side, name, colour in (("ours", "our side", ACTUAL), ("theirs", "the partner", PARTNER)):
        values = [float(v) if (v := getattr(r, side)) is not None else None for r in rounds]
        figure.add_trace(go.Scatter(x=titles, y=values, name=name, mode="lines+markers",
                                    line={"color": colour}))  # fmt: skip
    figure.update_layout(height=260, yaxis={"range": [1, 5], "dtick": 1},
                         margin={"l": 40, "r": 20, "t": 20, "b": 30}, font={"size": 12},
                         legend={"orientation": "h", "y": -0.25})  # fmt: skip
    return chart_html(figure, "health-trend")


def gaps_chart(results: list[RoundResult]) -> str:
    """Our overall score against the partner's, per partnership, widest gap on top. A plain
    spec: the home page shows it on every visit."""
    if not results:
        return ""
    names = [r.survey.partnership.title[:40] for r in reversed(results)]
    data = [
        {"type": "bar", "orientation": "h", "name": name, "marker": {"color": colour},
         "y": names, "x": [float(getattr(r, side) or 0) for r in reversed(results)]}
        for side, name, colour in (("ours", "our side", ACTUAL), ("theirs", "the partner", PARTNER))
    ]  # fmt: skip
    layout = {"barmode": "group", "height": 80 + 60 * len(results),
              "xaxis": {"range": [0, 5], "dtick": 1}, "yaxis": {"automargin": True},
              "margin": {"l": 10, "r": 10, "t": 10, "b": 30}, "font": {"size": 11},
              "legend": {"orientation": "h", "y": -0.25}}  # fmt: skip
    return chart_html(figure_spec(data, layout), "gaps-chart")


def impact_chart(impact: Impact, currency: str) -> str:
    """Per quarter: what the targets projected against the revenue and savings delivered, with
    the revenue's share of the company's; below, patents, prototypes and time to market."""
    quarters = impact.quarters
    if not any(q.actual or q.projected or q.patents or q.prototypes for q in quarters):
        return ""
    labels = [q.label for q in quarters]
    figure = make_subplots(
        rows=2, cols=1, vertical_spacing=0.16,
        specs=[[{"secondary_y": True}], [{"secondary_y": True}]],
        subplot_titles=[f"Projected against actual ({currency})", "Innovation"],
    )  # fmt: skip
    money = [
        ("projected", [float(q.projected) for q in quarters], TARGET),
        ("revenue", [float(q.revenue) for q in quarters], ACTUAL),
        ("savings", [float(q.savings) for q in quarters], "#20c997"),
    ]
    for name, values, colour in money:
        figure.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour), row=1, col=1)
    share = [float(q.share) if q.share is not None else None for q in quarters]
    figure.add_trace(go.Scatter(x=labels, y=share, name="share of company revenue (%)",
                                mode="lines+markers", line={"color": PARTNER}),
                     row=1, col=1, secondary_y=True)  # fmt: skip
    for name, attribute, colour in (("patents", "patents", "#6f42c1"),
                                    ("prototypes", "prototypes", "#0dcaf0")):  # fmt: skip
        values = [float(getattr(q, attribute)) for q in quarters]
        figure.add_trace(go.Bar(x=labels, y=values, name=name, marker_color=colour), row=2, col=1)
    days = [float(q.time_to_market) if q.time_to_market else None for q in quarters]
    figure.add_trace(go.Scatter(x=labels, y=days, name="time to market (days)",
                                mode="lines+markers", line={"color": "#dc3545", "dash": "dot"}),
                     row=2, col=1, secondary_y=True)  # fmt: skip
    figure.update_layout(barmode="group", height=560, font={"size": 12},
                         margin={"l": 50, "r": 50, "t": 40, "b": 30},
                         legend={"orientation": "h", "y": -0.1})  # fmt: skip
    return chart_html(figure, "impact-chart")


def roi_chart(roi: Roi, shown: int = 8) -> str:
    """The last `shown` quarters' benefits and costs, with the ROI of everything up to each
    quarter's end: whether the partnership is paying back, and since when."""
    rows = roi.running()[-shown:]
    if len(rows) < 2:
        return ""
    labels = [label for label, *_ in rows]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Bar(x=labels, y=[float(b) for _, b, _, _ in rows], name="benefits",
                            marker_color=ACTUAL))  # fmt: skip
    figure.add_trace(go.Bar(x=labels, y=[float(c) for _, _, c, _ in rows], name="costs",
                            marker_color=TARGET))  # fmt: skip
    figure.add_trace(go.Scatter(x=labels, y=[float(r) if r is not None else None
                                             for *_, r in rows],
                                name="ROI to date (%)", mode="lines+markers",
                                line={"color": PARTNER}), secondary_y=True)  # fmt: skip
    figure.update_layout(barmode="group", height=280, font={"size": 12},
                         margin={"l": 50, "r": 50, "t": 10, "b": 30},
                         legend={"orientation": "h", "y": -0.2})  # fmt: skip
    figure.update_yaxes(title_text=roi.currency, secondary_y=False)
    figure.update_yaxes(title_text="ROI %", secondary_y=True)
    return chart_html(figure, "roi-chart")
