"""One FilterSet per model, shared by the list, the board and exports."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core import policy
from accord.partnerships.models import Partnership, PartnershipParty, Stage
from accord.strategy.models import CapabilityGap, PartnershipType


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    # Columns of the partnership itself: no join, so no DISTINCT.
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False)
    type = django_filters.MultipleChoiceFilter(choices=PartnershipType.choices, distinct=False)
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role__in=policy.INTERNAL_ROLES).order_by("username"),
        distinct=False,
    )
    gap = django_filters.ModelChoiceFilter(
        queryset=CapabilityGap.objects.all(), method="filter_gap", label="Capability gap"
    )
    confidential = django_filters.BooleanFilter(
        field_name="is_confidential",
        distinct=False,
        widget=forms.Select(choices=[("", "any"), ("true", "yes"), ("false", "no")]),
    )
    review_before = django_filters.DateFilter(
        field_name="next_review_date", lookup_expr="lte", label="Next review by", distinct=False
    )

    class Meta:
        model = Partnership
        fields = ["q", "stage", "type", "owner", "gap", "confidential", "review_before"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "gap", "confidential"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.form.fields["owner"].empty_label = "anyone"
        self.form.fields["gap"].empty_label = "any"

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Title or the name of a partner organization; a subquery keeps rows unique."""
        value = value.strip()
        if not value:
            return queryset
        by_party = PartnershipParty.objects.filter(organization__name__icontains=value).values(
            "partnership_id"
        )
        return queryset.filter(title__icontains=value) | queryset.filter(pk__in=by_party)

    def filter_gap(self, queryset: QuerySet, name: str, value: CapabilityGap) -> QuerySet:
        through = Partnership.gaps.through.objects.filter(capabilitygap=value)
        return queryset.filter(pk__in=through.values("partnership_id"))
