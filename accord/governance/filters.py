"""The filters of governance lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.core.filtersets import FilterSet
from accord.governance.models import ActionItem, Meeting


class MeetingFilter(FilterSet):
    committee = django_filters.NumberFilter(field_name="committee_id")
    partnership = django_filters.NumberFilter(field_name="committee__partnership_id")
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label="Not yet over")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_upcoming(self, queryset: QuerySet[Meeting], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        ahead = Q(ends_at__gte=timezone.now())
        return queryset.filter(ahead) if value else queryset.exclude(ahead)


class ActionItemFilter(FilterSet):
    committee = django_filters.NumberFilter(field_name="committee_id")
    partnership = django_filters.NumberFilter(field_name="committee__partnership_id")
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    owner = django_filters.NumberFilter(field_name="owner_id")
    status = django_filters.MultipleChoiceFilter(choices=ActionItem.Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open past its due date")

    class Meta:
        model = ActionItem
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[ActionItem], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        late = Q(status=ActionItem.Status.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
