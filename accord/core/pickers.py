"""Pickers that search: a form field or filter naming an organization, person, user, gap,
play, tag or partnership lists only what is chosen, and the browser asks the server for the
rest as one types (Tom Select, started by accord.js).

Each app answers for its own rows with `picker_answer`, through the access policy; a widget
names that answer's URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PICKER_LIMIT = 20
QUERY_MAX_LENGTH = 100


def picker_answer(
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    search: Sequence[str],
    label: Callable[[Any], str] = str,
    hint: Callable[[Any], str] | None = None,
    value: Callable[[Any], Any] = lambda row: row.pk,
) -> JsonResponse:
    """The first PICKER_LIMIT of `rows` whose `search` fields contain the text `q`, those
    starting with it first: `{"results": [{"value", "text", "hint"}]}`."""
    text = request.GET.get("q", "").strip()
    if len(text) > QUERY_MAX_LENGTH:
        return JsonResponse(
            {"detail": f"q: at most {QUERY_MAX_LENGTH} characters, not {len(text)}."}, status=400
        )
    first = search[0]
    if text:
        matches = Q()
        for field in search:
            matches |= Q(**{f"{field}__icontains": text})
        starts = Case(
            When(**{f"{first}__istartswith": text}, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        rows = rows.filter(matches).annotate(picker_rank=starts)
        rows = rows.order_by("picker_rank", first, "pk")
    else:
        rows = rows.order_by(first, "pk")
    results = [
        {"value": value(row), "text": label(row), "hint": hint(row) if hint else ""}
        for row in rows[:PICKER_LIMIT]
    ]
    return JsonResponse({"results": results})


class Picker(forms.Select):
    """A <select> that holds only the chosen option and asks `source` (a URL name, with
    `query` added) for others as one types. Its field's queryset still decides what may be
    chosen."""

    def __init__(self, source: str, *, query: str = "", attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.source, self.query = source, query

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        url = reverse(self.source) + (f"?{self.query}" if self.query else "")
        attrs = {**(attrs or {}), "data-picker": url}
        return super().get_context(name, value, attrs)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        """What Django's select templates write, without the template engine: a page of
        filters or a form draws several pickers, and the templates cost more than the rest
        of the widget."""
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (option["value"], _attributes(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            options,
        )

    def optgroups(
        self, name: str, value: list[Any], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not any(value), 0))
        for index, (pk, label) in enumerate(self._chosen(value), start=1):
            options.append(self.create_option(name, pk, label, True, index))
        return [(None, options, 0)]

    def _chosen(self, value: Iterable[Any]) -> list[tuple[Any, str]]:
        choices: Any = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is None:  # choices given as pairs
            given = {str(v) for v in value}
            return [(key, label) for key, label in choices if str(key) in given]
        field = choices.field
        key = field.to_field_name or "pk"
        keys = _ids(value) if key == "pk" else [str(v) for v in value if v not in (None, "")]
        if not keys:
            return []
        chosen = queryset.filter(**{f"{key}__in": keys})
        return [(getattr(row, key), field.label_from_instance(row)) for row in chosen]


class MultiPicker(Picker, forms.SelectMultiple):
    """A Picker choosing several."""


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: in order, True bare, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def is_id(text: Any) -> bool:
    """Whether `text` (a posted or chosen value) can be a row id: digits that fit a bigint."""
    return isinstance(text, int | str) and str(text).isdigit() and len(str(text)) < 19


def _ids(value: Iterable[Any]) -> list[str]:
    return [str(v) for v in value if is_id(v)]
