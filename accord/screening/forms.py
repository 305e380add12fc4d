from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.core import policy
from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.screening.defaults import RUBRIC_TEMPLATES
from accord.screening.models import (
    SCALE,
    Assessment,
    Criterion,
    DueDiligenceItem,
    DueDiligenceTemplateItem,
    Rubric,
    Screening,
)


class DueDiligenceItemForm(BootstrapFormMixin, forms.ModelForm):
    bootstrap_size = "sm"

    class Meta:
        model = DueDiligenceItem
        fields = ["title", "kind", "owner", "status", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = policy.internal_accounts(
            User.objects.filter(is_active=True)
        ).order_by("username")
        self.fields["owner"].required = False
        self.fields["evidence"].required = False
        add_version_field(self, self.instance)


SAATY = [
    ("9", "9 · extremely more"), ("7", "7 · very strongly more"), ("5", "5 · strongly more"),
    ("3", "3 · moderately more"), ("1", "1 · equally"), ("1/3", "1/3 · moderately less"),
    ("1/5", "1/5 · strongly less"), ("1/7", "1/7 · very strongly less"),
    ("1/9", "1/9 · extremely less"),
]  # fmt: skip


class RubricFromTemplateForm(forms.Form):
    template = forms.ChoiceField(choices=[])
    name = forms.CharField(max_length=200, required=False, help_text="Default: the template's")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "template", forms.ChoiceField).choices = [
            (name, name) for name in RUBRIC_TEMPLATES
        ]


class WeightsForm(forms.Form):
    """One weight per criterion, any non-negative numbers (normalized to sum 1)."""

    def __init__(self, *args, criteria=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"w{criterion.pk}"] = forms.FloatField(
                label=criterion.name, initial=round(criterion.weight, 4), min_value=0
            )


class PairwiseForm(forms.Form):
    """AHP: each pair of criteria once, on Saaty's 1-9 scale."""

    random_index = forms.ChoiceField(
        choices=[("saaty", "Saaty (classic)"), ("saaty-2005", "Saaty 2005"),
                 ("donegan-dodd", "Donegan & Dodd")],
    )  # fmt: skip

    def __init__(self, *args, criteria=(), pairwise=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.pairs = []
        for i, a in enumerate(self.criteria):
            for j in range(i + 1, len(self.criteria)):
                b = self.criteria[j]
                name = f"p{i}_{j}"
                initial = _saaty_label(pairwise[i][j]) if pairwise else "1"
                self.fields[name] = forms.ChoiceField(
                    choices=SAATY, initial=initial, label=f"{a.name} against {b.name}"
                )
                self.pairs.append((name, a, b))

    def matrix(self) -> list[list[float]]:
        n = len(self.criteria)
        values = [[1.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                value = _saaty_value(self.cleaned_data[f"p{i}_{j}"])
                values[i][j], values[j][i] = value, 1 / value
        return values


def _saaty_value(text: str) -> float:
    if "/" in text:
        numerator, denominator = text.split("/")
        return float(numerator) / float(denominator)
    return float(text)


def _saaty_label(value: float) -> str:
    best = min(SAATY, key=lambda choice: abs(_saaty_value(choice[0]) - value))
    return best[0]


class ScreeningForm(BootstrapFormMixin, forms.ModelForm):
    rubric = forms.ModelChoiceField(queryset=Rubric.objects.none())

    class Meta:
        model = Screening
        fields = ["title", "gap", "aggregation", "disagreement_threshold"]

    def __init__(self, *args, rubrics=None, gaps=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "rubric", forms.ModelChoiceField).queryset = rubrics
        field_of(self, "gap", forms.ModelChoiceField).queryset = gaps
        self.fields["gap"].required = False
        self.order_fields(["title", "rubric", "gap", "aggregation", "disagreement_threshold"])


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.FloatField(min_value=0)
    direction = forms.ChoiceField(choices=[("benefit", "benefit"), ("cost", "cost")])
    knockout_threshold = forms.TypedChoiceField(
        choices=[("", "—"), *[(str(n), str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="Must-have",
    )
    levels = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One line per score, 1 to 5.",
    )

    def clean_levels(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["levels"].splitlines() if line.strip()]
        if len(lines) != 5:
            raise forms.ValidationError(
                f"Describe each of the 5 levels, one per line ({len(lines)} given)."
            )
        return lines


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, min_num=1)


class DueDiligenceTemplateForm(BootstrapFormMixin, forms.ModelForm):
    bootstrap_size = "sm"

    class Meta:
        model = DueDiligenceTemplateItem
        fields = ["kind", "title"]


class ScoreForm(forms.Form):
    """A reviewer's score of one criterion. Its fields are posted as `score-<criterion id>`,
    `evidence-<criterion id>` and `confidence-<criterion id>`."""

    score = forms.IntegerField(
        required=False,
        error_messages={
            "invalid": f"the score must be a whole number from {SCALE[0]} to {SCALE[1]}."
        },
    )
    evidence = forms.CharField(required=False, strip=False)
    confidence = forms.ChoiceField(
        choices=Assessment.Confidence.choices,
        required=False,
        error_messages={"invalid_choice": "unknown confidence %(value)r."},
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, criterion: Criterion, **kwargs: Any
    ) -> None:
        super().__init__(data, prefix=str(criterion.pk), **kwargs)
        self.criterion = criterion

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}"

    def clean_score(self) -> int | None:
        score = self.cleaned_data["score"]
        low, high = SCALE
        if score is not None and not low <= score <= high:
            raise ValidationError(f"{score} is outside the scale {low} to {high}.")
        return score

    def values(self) -> dict[str, str]:
        """What the page shows: what was posted, or else what is saved."""
        shown = {name: self[name].value() for name in self.fields}
        return {
            "score": "" if shown["score"] in (None, "") else str(shown["score"]),
            "evidence": shown["evidence"] or "",
            "confidence": shown["confidence"] or Assessment.Confidence.MEDIUM,
        }


class ScoreFormSet:
    """One ScoreForm per criterion of the round's rubric version. The criteria are fixed, so
    unlike Django's formsets it needs no management form: the page posts the fields alone."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        criteria: Sequence[Criterion],
        saved: Mapping[int, Assessment],
    ) -> None:
        self.forms = [
            ScoreForm(data, criterion=c, initial=_saved_values(saved.get(c.pk))) for c in criteria
        ]
        self.non_form_errors: list[str] = []

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.forms) and not self.non_form_errors

    @property
    def errors(self) -> list[str]:
        """Each message, naming its criterion."""
        named = [
            f"{form.criterion.name}: {message}"
            for form in self.forms
            if form.is_bound
            for messages in form.errors.values()
            for message in messages
        ]
        return named + self.non_form_errors

    def scores(self) -> dict[int, dict[str, Any]]:
        """The scores given, by criterion id; a criterion left unscored is left out."""
        return {
            form.criterion.pk: {
                **form.cleaned_data,
                "confidence": form.cleaned_data["confidence"] or Assessment.Confidence.MEDIUM,
            }
            for form in self.forms
            if form.cleaned_data.get("score") is not None
        }

    def add_error(self, error: ValidationError) -> None:
        self.non_form_errors.extend(error.messages)


def _saved_values(assessment: Assessment | None) -> dict[str, Any]:
    if assessment is None:
        return {"confidence": Assessment.Confidence.MEDIUM}
    return {
        "score": assessment.score,
        "evidence": assessment.evidence,
        "confidence": assessment.confidence,
    }
