from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.core.pickers import Picker
from accord.partnerships.forms import DateInput
from accord.ventures.models import CashFlow, Fund, Investment, Mark, OptionRight


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
