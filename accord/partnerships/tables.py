import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accord.partnerships.models import Partnership


class PartnershipTable(tables.Table):
    title = tables.Column(
        linkify=lambda record: reverse("partnerships:partnership_detail", args=[record.pk]),
        attrs={"td": {"class": "fw-semibold"}},
    )
    parties = tables.Column(verbose_name="Partners", empty_values=(), orderable=False)
    type = tables.Column()
    stage = tables.Column()
    owner = tables.Column(order_by=("owner__username",))
    next_review_date = tables.DateColumn(verbose_name="Next review", format="Y-m-d")
    end_date = tables.DateColumn(verbose_name="Ends", format="Y-m-d")
    is_confidential = tables.BooleanColumn(verbose_name="Confidential", yesno="yes,")
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d")

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

    def render_parties(self, record: Partnership) -> str:
        parties = list(record.parties.all())
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> <span class="text-muted small">({})</span>',
            (
                (p.organization.get_absolute_url(), p.organization.name, p.get_role_display())
                for p in parties
            ),
        )

    def render_stage(self, record: Partnership) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STAGE_BADGE.get(record.stage, "text-bg-light"),
            record.get_stage_display(),
        )

    def render_owner(self, value) -> str:
        return value.get_username()

    def render_next_review_date(self, value) -> str:
        if value is None:
            return "—"
        if value < timezone.localdate():
            return format_html(
                '<span class="text-danger fw-semibold" title="Review overdue">{}</span>',
                f"{value:%Y-%m-%d}",
            )
        return f"{value:%Y-%m-%d}"


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
