"""The ego network of an organization or a person: its people (or the person) in the middle,
who they know around them, and who those know further out; line width is the strength, our
people in green."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from accord.core.charts import chart_html
from accord.directory.models import Person
from accord.relationships import graph
from accord.relationships.paths import our_people

THEIRS, OURS, OTHERS = "#0d6efd", "#198754", "#adb5bd"
RING_LIMITS = (120, 300)  # the strongest links kept on the first and the second ring


def ego_network(centre: list[int], centre_name: str) -> tuple[str, int]:
    """The chart's HTML fragment ("" when the people in the centre know no one) and how many
    people it shows. Reads the graph held in memory and the people drawn."""
    links = graph.current()
    rings: list[list[int]] = [centre]
    edges: dict[tuple[int, int], int] = {}
    seen = set(centre)
    for limit in RING_LIMITS:
        found: dict[int, int] = {}
        for person in rings[-1]:
            for neighbour, score in links.links_of(person):
                edges[(min(person, neighbour), max(person, neighbour))] = score
                if neighbour not in seen:
                    found[neighbour] = max(score, found.get(neighbour, 0))
        ring = sorted(found, key=lambda pk: -found[pk])[:limit]
        seen |= set(ring)
        rings.append(ring)
    if len(seen) == len(centre):
        return "", len(centre)
    position: dict[int, tuple[float, float]] = {}
    for radius, ring in enumerate(rings):
        for index, pk in enumerate(ring):
            angle = 2 * math.pi * index / max(1, len(ring)) + radius * 0.3
            position[pk] = (radius * math.cos(angle), radius * math.sin(angle))
    people = Person.objects.in_bulk(list(position))
    ours = our_people() & set(position)
    figure = go.Figure()
    for (a, b), score in edges.items():
        if a in position and b in position:
            (xa, ya), (xb, yb) = position[a], position[b]
            figure.add_trace(go.Scatter(x=[xa, xb], y=[ya, yb], mode="lines", hoverinfo="skip",
                                        line={"width": 0.5 + score / 25, "color": "#ced4da"},
                                        showlegend=False))  # fmt: skip
    for name, colour, members in (
        (centre_name, THEIRS, [pk for pk in position if pk in set(centre)]),
        ("ours", OURS, [pk for pk in position if pk in ours and pk not in set(centre)]),
        ("others", OTHERS, [pk for pk in position if pk not in ours and pk not in set(centre)]),
    ):
        figure.add_trace(go.Scatter(
            x=[position[pk][0] for pk in members], y=[position[pk][1] for pk in members],
            # Their people and ours are named; the others on hover, or the picture is a blur.
            mode="markers" if colour == OTHERS else "markers+text", textposition="top center",
            textfont={"size": 10}, name=name, marker={"size": 11 if colour != OTHERS else 7,
                                               "color": colour, "line": {"width": 1,
                                                                         "color": "white"}},
            text=[people[pk].full_name if pk in people else str(pk) for pk in members],
            hovertemplate="%{text}<extra></extra>",
        ))  # fmt: skip
    figure.update_layout(height=620, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                         legend={"orientation": "h", "y": -0.02}, plot_bgcolor="white")  # fmt: skip
    chart = chart_html(figure, "ego-network")
    return chart, len(position)
