"""One FilterSet per model, shared by the pages, the API and exports."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from accord.core.filtersets import FilterSet
from accord.core.forms import BootstrapFormMixin, add_validation_errors
from accord.core.pickers import MultiPicker
from accord.directory.models import Organization, Person, Tag
from accord.directory.normalize import country_choices
from accord.directory.organization_filter import FIELDS, OrganizationCriteria
from accord.directory.search import search_organizations


class OrganizationFilterForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        tags = data.get("tag")
        criteria = {**data, "tag": [t.slug for t in tags] if tags else []}
        try:
            self.criteria = OrganizationCriteria.from_data(criteria)
        except ValidationError as error:
            add_validation_errors(self, error)
        return data


class OrganizationFilter(FilterSet):
    """The directory's form for the organization filter, whose fields keep the names of
    `OrganizationCriteria`; it checks and applies them."""

    q = django_filters.CharFilter(label="Search")
    kind = django_filters.MultipleChoiceFilter(choices=Organization.Kind.choices)
    country = django_filters.MultipleChoiceFilter(choices=country_choices)
    stage = django_filters.MultipleChoiceFilter(choices=Organization.Stage.choices)
    size_band = django_filters.MultipleChoiceFilter(choices=Organization.SizeBand.choices)
    # A directory search for a tag nobody has is a typo: say so rather than list nothing.
    tag = django_filters.ModelMultipleChoiceFilter(
        to_field_name="slug",
        queryset=Tag.objects.all(),
        label="Tag",
        widget=MultiPicker("directory:tag_picker", query="by=slug"),
    )
    founded_from = django_filters.NumberFilter(label="Founded from")
    founded_to = django_filters.NumberFilter(label="Founded to")

    class Meta:
        model = Organization
        fields = ["q", *FIELDS]
        form = OrganizationFilterForm

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        criteria = getattr(self.form, "criteria", None)
        if criteria is None or self.form.errors:  # callers show the errors
            return queryset.none()
        queryset = search_organizations(queryset, self.form.cleaned_data.get("q") or "")
        return criteria.apply(queryset)


class PersonFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    # Bounded: an id beyond the database's integer range is a form error, not a crash.
    organization = django_filters.NumberFilter(
        field_name="organization_id", min_value=1, max_value=2**63 - 1
    )
    relation = django_filters.MultipleChoiceFilter(choices=Person.Relation.choices)
    is_internal = django_filters.BooleanFilter()
    tag = django_filters.ModelMultipleChoiceFilter(
        field_name="tags__slug",
        to_field_name="slug",
        queryset=Tag.objects.all(),
        label="Tag",
        widget=MultiPicker("directory:tag_picker", query="by=slug"),
    )

    class Meta:
        model = Person
        fields = ["q", "organization", "relation", "is_internal", "tag"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value) | Q(email__icontains=value) | Q(title__icontains=value)
        )


class TagFilter(FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")

    class Meta:
        model = Tag
        fields = ["q"]
