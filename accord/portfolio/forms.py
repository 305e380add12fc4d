"""Forms of the portfolio pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.portfolio.models import Recommendation
from accord.portfolio.rules import FACTS, OPERATORS

CONDITION = re.compile(r"^\s*(\w+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")


class RunForm(BootstrapFormMixin, forms.Form):
    quarter = forms.CharField(max_length=20, help_text="e.g. 2026Q3")


class DecideForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    decision = forms.ChoiceField(choices=Recommendation.choices)
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, item: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["decision"].initial = item.recommendation
            add_version_field(self, item)


def _value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


class RuleForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    recommendation = forms.ChoiceField(choices=Recommendation.choices)
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, all must hold, e.g. “health_partner < 3”. Operators: "
        + " ".join(OPERATORS)
        + ". Facts: "
        + ", ".join(FACTS)
        + ".",
    )

    def clean_conditions(self) -> list[list[Any]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["conditions"].splitlines(), start=1):
            if not line.strip():
                continue
            found = CONDITION.match(line)
            if not found:
                raise forms.ValidationError(
                    f"Line {number} (“{line.strip()}”) is not “fact operator value”."
                )
            parsed.append([found[1], found[2], _value(found[3])])
        return parsed


class OptimizerForm(BootstrapFormMixin, forms.Form):
    budget = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2,
                                help_text="Money to spend on the options chosen.")  # fmt: skip
    capacity = forms.DecimalField(
        min_value=0, max_digits=8, decimal_places=1, label="Team capacity",
        help_text="FTE the candidates chosen may commit.",
    )  # fmt: skip
    required = forms.MultipleChoiceField(
        required=False, label="Must include", widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, options: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required"].choices = [(o.key, o.title) for o in options]  # type: ignore[attr-defined]


class CompanyRevenueForm(BootstrapFormMixin, forms.Form):
    quarter = forms.CharField(max_length=6, help_text="e.g. 2026Q3")
    amount = forms.DecimalField(max_digits=18, decimal_places=2, label="Company revenue")
    currency = forms.CharField(max_length=3)
