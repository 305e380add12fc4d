"""The Jinja2 environment of the page fragments (see core/templatetags/fragments.py).

It sits above the apps, as urls.py does, because its filters come from several of them.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

import heroicons.jinja
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.db.models import Model
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django_tables2.templatetags.django_tables2 import table_page_range
from jinja2 import Environment, StrictUndefined

from accord.core.templatetags.audit_tags import change_summary
from accord.core.templatetags.fragments import options
from accord.directory.normalize import country_name
from accord.partnerships.tables import stage_badge_html
from accord.partnerships.templatetags.partnership_tags import move_options, move_targets

_MARKER = 987654321


@cache
def _url_pattern(name: str, prefix: str) -> tuple[str, str] | None:
    """The URL of `name` around its one integer argument, or None when it has another shape."""
    found = reverse(name, args=[_MARKER])
    if found.count(str(_MARKER)) != 1:
        return None
    before, _, after = found.partition(str(_MARKER))
    return before, after


@cache
def _fixed_url(name: str, prefix: str) -> str:
    return reverse(name)  # `prefix`, the script prefix, is part of the cache key only


def url(name: str, *args: Any) -> str:
    """`reverse(name, args=args)`; a URL with one id is put together without resolving it
    again, as a list asks for one per row, and one without arguments is resolved once."""
    if not args:
        return _fixed_url(name, get_script_prefix())
    if len(args) == 1 and isinstance(args[0], int):
        pattern = _url_pattern(name, get_script_prefix())
        if pattern:
            return f"{pattern[0]}{args[0]}{pattern[1]}"
    return reverse(name, args=args)


def day(value: Any) -> str:
    """A date, or a moment as the date it is in the site's time zone: YYYY-MM-DD."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value).date()
    return str(value.isoformat())


def fixed(value: Any, places: int) -> str:
    """`value` with `places` decimals, halves rounded away from zero: what Django's
    `floatformat` gives for a positive number of places, without resolving the locale's
    separators again for every number of a table."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(float(value)))
    except (TypeError, ValueError, InvalidOperation):
        return ""
    if not number.is_finite():
        return str(value)
    return f"{number.quantize(_quantum(places), ROUND_HALF_UP):f}"


@cache
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def querystring(query: QueryDict, key: str, value: Any) -> str:
    """`?` and the request's query with `key` set to `value`: a table's sort and page links."""
    changed = query.copy()
    changed[key] = str(value)
    return "?" + changed.urlencode()


def minute(value: Any) -> str:
    """A moment in the site's time zone to the minute: YYYY-MM-DD HH:MM."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@cache
def _labels(model: type[Model], field: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(field).flatchoices)  # type: ignore[union-attr]


def display(instance: Model, field: str) -> Any:
    """`instance.get_<field>_display()` from a table of the field's labels made once per
    process: Django's own normalizes the field's choices again on every call."""
    value = getattr(instance, field)
    return _labels(instance._meta.model, field).get(value, value)  # the user may be lazy


@cache
def icon(style: str, name: str, size: int | None = None, css: str = "") -> str:
    """A heroicon ("outline", "mini", ...) as inline SVG (markup Jinja2 keeps as it is),
    drawn once per process."""
    draw = getattr(heroicons.jinja, f"heroicon_{style}")
    attrs = {"class": css} if css else {}
    drawn: str = draw(name, **attrs) if size is None else draw(name, size=size, **attrs)
    return drawn


def environment(**settings: Any) -> Environment:
    settings.update(autoescape=True, undefined=StrictUndefined)
    env = Environment(**settings)  # noqa: S701 (autoescape is set on the line above)
    env.globals.update(
        url=url,
        static=static,
        icon=icon,
        stage_badge=stage_badge_html,
        move_options=move_options,
        move_targets=move_targets,
        querystring=querystring,
        options=options,
        page_range=table_page_range,
    )
    env.filters.update(
        day=day,
        minute=minute,
        capfirst=capfirst,
        display=display,
        country_name=country_name,
        intcomma=intcomma,
        fixed=fixed,
        pluralize=pluralize,
        naturaltime=naturaltime,
        change_summary=change_summary,
    )
    return env
