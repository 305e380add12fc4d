"""The partnership list's table.

django-tables2 gives the columns, sorting and pagination; the page draws them in Jinja2
(partnerships/partnership_table.html), the rows in partnerships/partnership_rows.html, as
its own per-cell machinery (accessor resolution, a signature inspection per call, attrs, a
template per date cell) cost about 3 ms a row (benchmarks/pipeline.py).
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accord.partnerships.models import Partnership, Stage

STAGE_LABELS: dict[str, str] = dict(Stage.choices)
STAGE_BADGE = {
    "candidate": "text-bg-light border",
    "screening": "text-bg-secondary",
    "engaging": "text-bg-info",
    "negotiating": "text-bg-primary",
    "piloting": "text-bg-warning",
    "active": "text-bg-success",
    "renewal_review": "text-bg-dark",
    "declined": "text-bg-danger",
    "exited": "text-bg-danger",
}


@cache
def stage_badge_html(stage: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-stage="{}">{}</span>',
        STAGE_BADGE.get(stage, "text-bg-light"),
        stage,
        STAGE_LABELS.get(stage, stage),
    )


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, by a page that has counted them already."""

    def __init__(self, rows: Any, per_page: int, *, count: int, **options: Any) -> None:
        super().__init__(rows, per_page, **options)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


NOWRAP = {"td": {"class": "text-nowrap"}}


class PartnershipTable(tables.Table):
    # Shown to those who may change partnerships (the view excludes it for others): a
    # checkbox on each row they may change, for the bulk edit, and one atop to tick them all
    # (partnerships/partnership_table.html).
    select = tables.Column(verbose_name="", empty_values=(), orderable=False)
    title = tables.Column(attrs={"td": {"class": "fw-semibold"}})
    parties = tables.Column(verbose_name="Partners", empty_values=(), orderable=False)
    type = tables.Column()
    stage = tables.Column()
    owner = tables.Column(order_by=("owner__username",))
    next_review_date = tables.Column(verbose_name="Next review", attrs=NOWRAP)
    end_date = tables.Column(verbose_name="Ends", attrs=NOWRAP)
    is_confidential = tables.Column(verbose_name="Confidential")
    updated_at = tables.Column(verbose_name="Updated", attrs=NOWRAP)

    class Meta:
        model = Partnership
        fields = (
            "select",
            "title",
            "parties",
            "type",
            "stage",
            "owner",
            "next_review_date",
            "end_date",
            "is_confidential",
            "updated_at",
        )
        attrs = {
            "class": "table table-sm table-hover bg-white border",
            "data-testid": "partnerships",
        }
        order_by_field = "sort"
        per_page = 50
        empty_text = "No partnership matches."

    # The fields its rows show (partnerships/partnership_rows.html): the list reads no others.
    reads = ("title", "type", "stage", "next_review_date", "end_date", "is_confidential",
             "updated_at", "version")  # fmt: skip
    party_names: dict[int, list[Any]] = {}  # set by the view for the page shown
    # Set by the view for a user who may bulk edit: the rows of the page they may change,
    # and those ticked when a refused bulk edit is shown again.
    changeable: set[int] | None = None
    chosen: frozenset[int] = frozenset()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
