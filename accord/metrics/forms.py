"""Forms of the metrics pages; the services validate against what is stored."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.metrics.models import CostEntry, Kpi, Observation
from accord.partnerships.forms import DateInput


class KpiForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=Kpi.Category.choices)
    unit = forms.CharField(max_length=30, help_text="e.g. EUR, patents, %, days")
    is_money = forms.BooleanField(required=False, label="Money")
    is_benefit = forms.BooleanField(
        required=False, label="Counts in the ROI", help_text="Revenue or savings it brings."
    )
    direction = forms.ChoiceField(choices=Kpi.Direction.choices)
    aggregation = forms.ChoiceField(choices=Kpi.Aggregation.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kpi: Kpi | None = None, **kwargs) -> None:
        if kpi is not None:
            kwargs.setdefault("initial", {name: getattr(kpi, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if kpi is not None:
            self.fields["is_active"] = forms.BooleanField(
                required=False, label="In use", initial=kpi.is_active
            )
            add_version_field(self, kpi)


class _KpiChoice(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    kpi = forms.ModelChoiceField(queryset=Kpi.objects.none(), label="KPI")

    def set_kpis(self, kpis: QuerySet[Kpi]) -> None:
        self.fields["kpi"].queryset = kpis  # type: ignore[attr-defined]


class ObservationForm(_KpiChoice):
    observed_on = forms.DateField(widget=DateInput(), label="On")
    value = forms.DecimalField(max_digits=18, decimal_places=4)
    currency = forms.CharField(required=False, max_length=3, help_text="For money")
    attribution = forms.ChoiceField(required=False, choices=Observation.Attribution.choices)
    note = forms.CharField(required=False, max_length=300)


class TargetForm(_KpiChoice):
    quarter = forms.CharField(max_length=20, help_text="e.g. 2026Q4")
    value = forms.DecimalField(max_digits=18, decimal_places=4, label="Target")
    currency = forms.CharField(required=False, max_length=3, help_text="For money")


class CostForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    spent_on = forms.DateField(widget=DateInput(), label="On")
    kind = forms.ChoiceField(choices=CostEntry.Kind.choices)
    amount = forms.DecimalField(max_digits=18, decimal_places=2)
    currency = forms.CharField(required=False, max_length=3, help_text="For money")
    description = forms.CharField(required=False, max_length=300)


class RateForm(BootstrapFormMixin, forms.Form):
    currency = forms.CharField(max_length=3)
    valid_from = forms.DateField(widget=DateInput(), label="From")
    rate = forms.DecimalField(max_digits=18, decimal_places=8, help_text="In the base currency")


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        help_text="CSV or XLSX with columns partnership, kpi, date, value, and optionally "
        "currency, attribution and note."
    )
