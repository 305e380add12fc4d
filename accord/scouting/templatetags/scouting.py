from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accord.scouting.text import stem

register = template.Library()
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
