"""`{% fragment "app/name.html" key=value ... %}`: a Jinja2 fragment (core/fragments.py);
`{% options choices selected %}`: a filter menu's options.
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.core.fragments import render_fragment

register = template.Library()


@register.simple_tag
def fragment(name: str, **values: Any) -> SafeString:
    return render_fragment(name, **values)


@lru_cache(maxsize=256)
def _options_html(choices: tuple[tuple[str, str], ...], chosen: frozenset[str]) -> str:
    return "".join(
        format_html(
            '<option value="{}"{}>{}</option>', value, " selected" * (value in chosen), label
        )
        for value, label in choices
    )


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The <option>s of a filter's menu, `selected` a value or a list of them. A menu's
    options and choice are the same for most requests (the country menu has 250), so each
    combination is written once per process."""
    values = selected if isinstance(selected, list | tuple) else [selected]
    chosen = frozenset(str(value) for value in values if value not in (None, ""))
    pairs = tuple((str(value), str(label)) for value, label in choices)
    return mark_safe(_options_html(pairs, chosen))  # noqa: S308 (format_html escaped each part)
