"""The partnership list's table.

django-tables2 gives the headers, sorting and pagination; the rows are written by `body_rows`,
one plain `render_<column>(record)` call per cell. Its own per-cell machinery (accessor
resolution, a signature inspection per call, attrs, a template per date cell) cost about 3 ms
a row (benchmarks/pipeline.py).
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
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


def stage_badge_html(stage: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-stage="{}">{}</span>',
        STAGE_BADGE.get(stage, "text-bg-light"),
        stage,
        STAGE_LABELS.get(stage, stage),
    )


NOWRAP = {"td": {"class": "text-nowrap"}}


def _date(value) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d}"


class PartnershipTable(tables.Table):
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
        template_name = "partnerships/_partnership_table.html"
        empty_text = "No partnership matches."

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def body_rows(self) -> list[SafeString]:
        """The current page's rows as `<tr>` markup, the cells in the order of the columns."""
        cells = []
        for column in self.columns:
            attrs = column.attrs["td"].as_html()
            td = format_html("<td {}>", attrs) if attrs else SafeString("<td>")
            cells.append((td, getattr(self, f"render_{column.name}")))
        return [
            format_html(
                "<tr>{}</tr>",
                format_html_join(
                    "", "{}{}</td>", ((td, render(row.record)) for td, render in cells)
                ),
            )
            for row in self.paginated_rows
        ]

    def render_title(self, record: Partnership) -> SafeString:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)

    def render_parties(self, record: Partnership) -> SafeString:
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> <span class="text-muted small">({})</span>',
            (
                (p.organization.get_absolute_url(), p.organization.name, p.get_role_display())
                for p in record.parties.all()
            ),
        )

    def render_type(self, record: Partnership) -> SafeString:
        return format_html("{}", record.get_type_display())

    def render_stage(self, record: Partnership) -> SafeString:
        return stage_badge_html(record.stage)

    def render_owner(self, record: Partnership) -> SafeString:
        return format_html("{}", record.owner.get_username() if record.owner else "—")

    def render_next_review_date(self, record: Partnership) -> SafeString:
        value = record.next_review_date
        if value is not None and value < self.today:
            return format_html(
                '<span class="text-danger fw-semibold" title="Review overdue">{}</span>',
                _date(value),
            )
        return format_html("{}", _date(value))

    def render_end_date(self, record: Partnership) -> SafeString:
        return format_html("{}", _date(record.end_date))

    def render_is_confidential(self, record: Partnership) -> SafeString:
        return format_html("{}", "yes" if record.is_confidential else "")

    def render_updated_at(self, record: Partnership) -> SafeString:
        return format_html("{}", _date(timezone.localdate(record.updated_at)))
