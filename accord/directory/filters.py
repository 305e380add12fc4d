"""One FilterSet per model, shared by the pages, the API and exports."""

import django_filters
from django.db.models import Q, QuerySet

from accord.directory.models import Organization, Person, Tag
from accord.directory.normalize import country_choices
from accord.directory.search import search_organizations


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    # Columns of the organization itself: no join, so no DISTINCT (which made counting
    # 100,000 rows cost ~70 ms in SQLite).
    kind = django_filters.MultipleChoiceFilter(choices=Organization.Kind.choices, distinct=False)
    country = django_filters.MultipleChoiceFilter(choices=country_choices(), distinct=False)
    stage = django_filters.MultipleChoiceFilter(choices=Organization.Stage.choices, distinct=False)
    size_band = django_filters.MultipleChoiceFilter(
        choices=Organization.SizeBand.choices, distinct=False
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        field_name="tags__slug",
        to_field_name="slug",
        queryset=Tag.objects.all(),
        label="Tag",
    )
    founded_from = django_filters.NumberFilter(
        field_name="founded_year", lookup_expr="gte", label="Founded from"
    )
    founded_to = django_filters.NumberFilter(
        field_name="founded_year", lookup_expr="lte", label="Founded to"
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "country", "stage", "size_band", "tag"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_organizations(queryset, value)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    # Bounded: an id beyond the database's integer range is a form error, not a crash.
    organization = django_filters.NumberFilter(
        field_name="organization_id", min_value=1, max_value=2**63 - 1
    )
    relation = django_filters.MultipleChoiceFilter(choices=Person.Relation.choices)
    is_internal = django_filters.BooleanFilter()
    tag = django_filters.ModelMultipleChoiceFilter(
        field_name="tags__slug", to_field_name="slug", queryset=Tag.objects.all(), label="Tag"
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


class TagFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")

    class Meta:
        model = Tag
        fields = ["q"]
