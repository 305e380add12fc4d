from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.core.pickers import Picker
from accord.partnerships.forms import DateInput
from accord.ventures.kpi import MAX_DAYS, MAX_INPUT, RULES, rule_of, unit_text
from accord.ventures.models import CashFlow, Fund, Investment, KpiThreshold, Mark, OptionRight


class FundForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["name", "currency", "committed_capital", "vintage", "strategy"]
        widgets = {"strategy": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)


class InvestmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Investment
        fields = [
            "organization", "partnership", "round", "instrument", "invested_on", "amount",
            "currency", "pre_money", "post_money", "ownership", "board", "status", "notes",
        ]  # fmt: skip
        widgets = {
            "organization": Picker("directory:organization_picker", query="partners=1"),
            "partnership": Picker("partnerships:partnership_picker"),
            "invested_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"ownership": "Ownership (%)", "organization": "Company"}

    def __init__(self, *args, organizations=None, partnerships=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)
        field_of(self, "organization", forms.ModelChoiceField).queryset = organizations
        field_of(self, "partnership", forms.ModelChoiceField).queryset = partnerships


class OptionForm(BootstrapFormMixin, forms.ModelForm):
    bootstrap_size = "sm"

    class Meta:
        model = OptionRight
        fields = ["kind", "deadline", "status", "terms"]
        widgets = {"deadline": DateInput(), "terms": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)


class CashFlowForm(BootstrapFormMixin, forms.ModelForm):
    bootstrap_size = "sm"

    class Meta:
        model = CashFlow
        fields = ["kind", "on", "amount", "currency", "investment", "note"]
        widgets = {"on": DateInput()}

    def __init__(self, *args, investments=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "investment", forms.ModelChoiceField).queryset = investments
        self.fields["investment"].help_text = "Empty for the fund's own (capital calls, fees)."


class MarkForm(BootstrapFormMixin, forms.ModelForm):
    bootstrap_size = "sm"

    class Meta:
        model = Mark
        fields = ["on", "fair_value", "currency", "method", "note"]
        widgets = {"on": DateInput()}


class ImportForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    file = forms.FileField(
        label="Cash flows and marks",
        help_text="CSV or XLSX with columns Company, Kind (capital call, investment, "
        "distribution, fee or mark), Date, Amount, and optionally Round, Currency, Method "
        "(for marks) and Note.",
    )


class KpiRequestForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    period = forms.CharField(max_length=20, help_text="A quarter (2026Q3) or a month (2026-07).")
    email = forms.CharField(max_length=254, label="E-mail of whom to ask")
    metrics = forms.MultipleChoiceField(
        label="Figures", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(key, rule.label) for key, rule in RULES.items()],
    )  # fmt: skip
    custom = forms.CharField(
        required=False, max_length=700, label="Other figures",
        help_text="By name, separated by commas: ARR, customers, churn %.",
    )  # fmt: skip
    days = forms.IntegerField(min_value=1, max_value=MAX_DAYS, label="Days to answer")

    def custom_names(self) -> list[str]:
        return [name for name in self.cleaned_data["custom"].split(",") if name.strip()]


class KpiThresholdForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    metric = forms.ChoiceField(label="Figure")
    comparator = forms.ChoiceField(choices=KpiThreshold.Comparator.choices, label="Flag when")
    value = forms.CharField(max_length=MAX_INPUT, label="Threshold")

    def __init__(self, *args, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "metric", forms.ChoiceField).choices = [
            (metric, rule_of(metric).label) for metric in metrics
        ]


class KpiAnswerForm(BootstrapFormMixin, forms.Form):
    """One box per figure asked, typed as text: the service reads it as an exact number and
    says in words what is wrong with it."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, metrics=(), currency="", **kwargs):
        super().__init__(*args, **kwargs)
        self.metrics = list(metrics)
        for index, metric in enumerate(self.metrics):
            rule = rule_of(metric)
            unit = unit_text(metric, currency)
            self.fields[f"figure_{index}"] = forms.CharField(
                label=f"{rule.label}{f' ({unit})' if unit else ''}", max_length=MAX_INPUT,
                required=False,
                help_text=rule.help, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )  # fmt: skip

    def field_of_metric(self, metric: str) -> str:
        return f"figure_{self.metrics.index(metric)}"

    def values(self) -> dict[str, str]:
        return {m: self.cleaned_data[self.field_of_metric(m)] for m in self.metrics}
