"""One FilterSet per model, shared by the list, the board and exports."""

from functools import cached_property

import django_filters
from django import forms
from django.db.models import QuerySet
from django.db.models.query import EmptyQuerySet

from accord.accounts.models import User
from accord.core import policy
from accord.core.filtersets import FilterSet
from accord.core.forms import BootstrapFormMixin
from accord.core.pickers import MultiPicker
from accord.core.remembered import remembered
from accord.directory.models import Tag
from accord.partnerships.models import Partnership, PartnershipParty, Stage
from accord.strategy.models import CapabilityGap, PartnershipType

MENUS_FRESH_SECONDS = 300


class PartnershipFilterForm(BootstrapFormMixin, forms.Form):
    """The small Bootstrap classes on the fields the filters draw from their widgets (tags)."""

    bootstrap_size = "sm"


class PartnershipFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    # Columns of the partnership itself: no join, so no DISTINCT.
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, distinct=False)
    type = django_filters.MultipleChoiceFilter(choices=PartnershipType.choices, distinct=False)
    owner = django_filters.ModelChoiceFilter(
        queryset=policy.internal_accounts(User.objects.all()).order_by("username"),
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
    # Named by slug, as the directory's tag filters are; a partnership must carry every one.
    tag = django_filters.ModelMultipleChoiceFilter(
        to_field_name="slug",
        queryset=Tag.objects.all(),
        method="filter_tags",
        label="Tags",
        widget=MultiPicker("directory:tag_picker", query="by=slug"),
    )

    class Meta:
        model = Partnership
        fields = ["q", "stage", "type", "owner", "gap", "confidential", "review_before", "tag"]
        form = PartnershipFilterForm

    @cached_property
    def options(self) -> dict[str, list[tuple[str, str, bool]]]:
        """(value, label, selected) of the owner and gap menus, for filters.html's plain loop of
        <option>s: Django's select widget renders each through a template (400 for 200 gaps).
        The menus are everyone's alike, so they are remembered (core/remembered.py)."""
        owners, gaps = remembered(
            "partnership-filter-menus", self._menus, seconds=MENUS_FRESH_SECONDS
        )
        return {
            "owner": _options(owners, self.form["owner"]),
            "gap": _options(gaps, self.form["gap"]),
        }

    def _menus(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        fields = self.form.fields
        return (
            list(fields["owner"].queryset.values_list("pk", "username")),
            list(fields["gap"].queryset.values_list("pk", "title")),
        )

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

    def filter_tags(self, queryset: QuerySet, name: str, value: list[Tag]) -> QuerySet:
        """A subquery per tag keeps rows unique, with no DISTINCT to count."""
        if isinstance(value, EmptyQuerySet):  # none chosen; looping would still build its SQL
            return queryset
        for tag in value:
            through = Partnership.tags.through.objects.filter(tag=tag)
            queryset = queryset.filter(pk__in=through.values("partnership_id"))
        return queryset


def _options(
    choices: list[tuple[int, str]], field: forms.BoundField
) -> list[tuple[str, str, bool]]:
    selected = str(field.value() or "")
    return [(str(pk), text, str(pk) == selected) for pk, text in choices]
