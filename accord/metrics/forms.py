"""Forms of the metrics pages; the services validate against what is stored."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.metrics.models import CostEntry, HealthQuestion, Kpi, Observation
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
    figure = forms.ChoiceField(
        choices=[("", "none"), *Kpi.Figure.choices],
        required=False,
        label="Portfolio figure",
        help_text="Its values add up to this figure on the portfolio impact page.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_joint = forms.BooleanField(
        required=False, label="Joint KPI",
        help_text="The partner of each partnership tracking it sees its targets and values.",
    )  # fmt: skip

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


class RoundForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200, initial="Health check")
    closes_on = forms.DateField(widget=DateInput(), label="Closes", help_text="At the day's end.")
    ours = forms.CharField(
        label="Our people",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E-mail addresses, one per line or comma-separated.",
    )
    theirs = forms.CharField(label="The partner's people", widget=forms.Textarea(attrs={"rows": 2}))
    results_shared = forms.BooleanField(
        required=False, label="Share the results with the partner",
        help_text="Its users see the averages, the gap and their side's comments; never who "
        "answered, never our comments.",
    )  # fmt: skip


SCORES = [(n, str(n)) for n in range(1, 6)]


class AnswerForm(BootstrapFormMixin, forms.Form):
    """A score and a comment for each health question."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in HealthQuestion:
            self.fields[f"{question.value}_score"] = forms.TypedChoiceField(
                label=question.label, choices=SCORES, coerce=int, widget=forms.RadioSelect
            )
            self.fields[f"{question.value}_comment"] = forms.CharField(
                required=False, max_length=1000, label="Comment",
                widget=forms.Textarea(attrs={"rows": 1}),
            )  # fmt: skip

    def questions(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{q.value}_score"], self[f"{q.value}_comment"]) for q in HealthQuestion]

    def answers(self) -> dict[str, dict[str, object]]:
        data = self.cleaned_data
        return {q.value: {"score": data[f"{q.value}_score"], "comment": data[f"{q.value}_comment"]}
                for q in HealthQuestion}  # fmt: skip
