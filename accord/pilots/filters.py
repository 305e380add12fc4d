"""The one filter of pilots, shared by the list page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.core.filtersets import FilterSet
from accord.pilots.models import Milestone, Pilot, Side, Sprint


class PilotFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=Pilot.Status.choices)
    decision = django_filters.MultipleChoiceFilter(choices=Pilot.Decision.choices)
    partnership = django_filters.NumberFilter(field_name="partnership_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Past its timebox without a decision"
    )

    class Meta:
        model = Pilot
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Pilot], name: str, value: str) -> QuerySet[Pilot]:
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(title__icontains=words)
            | Q(hypothesis__icontains=words)
            | Q(partnership__title__icontains=words)
        )

    def filter_overdue(self, queryset: QuerySet[Pilot], name: str, value: Any) -> QuerySet[Pilot]:
        if value is None:
            return queryset
        late = Q(status__in=Pilot.OPEN_STATUSES, ends_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class MilestoneFilter(FilterSet):
    partnership = django_filters.NumberFilter(field_name="partnership_id")
    pilot = django_filters.NumberFilter(field_name="pilot_id")
    side = django_filters.ChoiceFilter(choices=Side.choices)
    owner = django_filters.NumberFilter(field_name="owner_id")
    completed = django_filters.BooleanFilter(field_name="completed_on", lookup_expr="isnull",
                                             exclude=True)  # fmt: skip
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Past due, not done")

    class Meta:
        model = Milestone
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Milestone], name: str, value: Any
    ) -> QuerySet[Milestone]:
        if value is None:
            return queryset
        late = Q(completed_on__isnull=True, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class SprintFilter(FilterSet):
    partnership = django_filters.NumberFilter(field_name="partnership_id")
    pilot = django_filters.NumberFilter(field_name="pilot_id")
    kind = django_filters.ChoiceFilter(choices=Sprint.Kind.choices)

    class Meta:
        model = Sprint
        fields: list[str] = []
