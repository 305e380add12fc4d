"""A Plotly figure as page content without an inline script: a placeholder, and the figure as
a JSON block (which browsers never execute) that accord.js draws. The content security policy
allows scripts from our own files only.

A figure is either a plotly.graph_objects Figure or, on the busiest pages, its JSON form built
directly by `figure_spec`: graph_objects validates every property on the way in and again on
the way out, which cost more than the rest of a page."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString


@cache
def _default_template() -> dict[str, Any]:
    """The look plotly.py gives every figure (colours, grid, fonts), as plotly.js reads it."""
    import plotly.graph_objects as go

    return dict(json.loads(go.Figure().to_json())["layout"]["template"])


# Plotly's bundle, which accord.js loads once a page's first chart comes into view.
PLOTLY = "plotly/plotly.min.js"


def figure_spec(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as plotly.js reads it: traces with their `type`, and the layout, in the same
    template as a graph_objects Figure."""
    return {"data": data, "layout": {"template": _default_template(), **layout}}


def chart_html(figure: Any, element_id: str, *, config: dict[str, Any] | None = None) -> str:
    drawn = dict(figure) if isinstance(figure, dict) else json.loads(figure.to_json())
    drawn["config"] = {"displaylogo": False, "responsive": True, **(config or {})}
    data_id = f"{element_id}-figure"
    return SafeString(format_html(
        '<div id="{}" class="accord-chart" data-figure="{}" data-plotly="{}"></div>{}',
        element_id, data_id, static(PLOTLY), json_script(drawn, data_id),
    ))  # fmt: skip
