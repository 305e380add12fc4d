"""A Plotly figure as page content without an inline script: a placeholder, and the figure as
a JSON block (which browsers never execute) that accord.js draws. The content security policy
allows scripts from our own files only."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString


def chart_html(figure: Any, element_id: str, *, config: dict[str, Any] | None = None) -> str:
    drawn = json.loads(figure.to_json())
    drawn["config"] = {"displaylogo": False, "responsive": True, **(config or {})}
    data_id = f"{element_id}-figure"
    return SafeString(format_html(
        '<div id="{}" class="accord-chart" data-figure="{}"></div>{}',
        element_id, data_id, json_script(drawn, data_id),
    ))  # fmt: skip
