from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accord.scouting.relevance import BANDS, LABELS, MEANINGS, POSSIBLE, STRONG, WEAK
from accord.scouting.text import stem

register = template.Library()
# Colour is never the only sign: the label says the band, the filled dots repeat it as a shape.
_LOOK = {
    STRONG: ("●●●", "bg-success-subtle text-success-emphasis border-success"),
    POSSIBLE: ("●●○", "bg-warning-subtle text-warning-emphasis border-warning"),
    WEAK: ("●○○", "bg-body-secondary text-body-emphasis border-secondary"),
}
_TOKEN = re.compile(r"([^\W_]+)", re.UNICODE)


@register.filter
def highlight(sentence: str, terms: list[str]) -> SafeString:
    """The sentence with the words that matched the query marked."""
    wanted = {stem(term.lower()) for term in terms or ()}
    parts = _TOKEN.split(sentence or "")
    html = [
        f"<mark>{escape(part)}</mark>" if i % 2 and stem(part.lower()) in wanted else escape(part)
        for i, part in enumerate(parts)
    ]
    return mark_safe("".join(html))  # noqa: S308 - every part is escaped above


@register.filter
def relevance_band(band: str | None) -> dict[str, str] | None:
    """What a page shows of a band, or None for a run made before bands existed."""
    if band not in BANDS:
        return None
    dots, classes = _LOOK[band]
    return {
        "key": band,
        "label": LABELS[band],
        "meaning": MEANINGS[band],
        "dots": dots,
        "classes": classes,
    }


@register.simple_tag
def relevance_bands() -> list[dict[str, str] | None]:
    """Every band, best first, for a legend."""
    return [relevance_band(band) for band in BANDS]
