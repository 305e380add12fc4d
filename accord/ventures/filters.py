"""The filters of the venture portfolio's lists, one per model, as the API offers them."""

from __future__ import annotations

import django_filters

from accord.core.filtersets import FilterSet
from accord.ventures.models import CashFlow, Fund, Investment, Mark, OptionRight


class FundFilter(FilterSet):
    vintage = django_filters.NumberFilter()
    currency = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Fund
        fields: list[str] = []


class InvestmentFilter(FilterSet):
    fund = django_filters.NumberFilter(field_name="fund_id")
    organization = django_filters.NumberFilter(field_name="organization_id")
    partnership = django_filters.NumberFilter(field_name="partnership_id")
    round = django_filters.MultipleChoiceFilter(choices=Investment.Round.choices)
    instrument = django_filters.MultipleChoiceFilter(choices=Investment.Instrument.choices)
    status = django_filters.MultipleChoiceFilter(choices=Investment.Status.choices)

    class Meta:
        model = Investment
        fields: list[str] = []


class OptionRightFilter(FilterSet):
    fund = django_filters.NumberFilter(field_name="investment__fund_id")
    investment = django_filters.NumberFilter(field_name="investment_id")
    kind = django_filters.MultipleChoiceFilter(choices=OptionRight.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=OptionRight.Status.choices)
    due_by = django_filters.DateFilter(field_name="deadline", lookup_expr="lte")

    class Meta:
        model = OptionRight
        fields: list[str] = []


class CashFlowFilter(FilterSet):
    fund = django_filters.NumberFilter(field_name="fund_id")
    investment = django_filters.NumberFilter(field_name="investment_id")
    kind = django_filters.MultipleChoiceFilter(choices=CashFlow.Kind.choices)
    since = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="on", lookup_expr="lte")

    class Meta:
        model = CashFlow
        fields: list[str] = []


class MarkFilter(FilterSet):
    fund = django_filters.NumberFilter(field_name="investment__fund_id")
    investment = django_filters.NumberFilter(field_name="investment_id")
    since = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="on", lookup_expr="lte")

    class Meta:
        model = Mark
        fields: list[str] = []
