"""Forms of the pilot pages. Plain forms: the services take their cleaned data and validate
against the stored pilot, which a model form would have changed in place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.partnerships.forms import DateInput, SharedItemForm
from accord.pilots.models import Milestone, Pilot, ReadinessScore, Side, Sprint, SuccessCriterion
from accord.pilots.services import EDITABLE_STATUSES


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        organization = getattr(obj, "organization", None)
        return f"{obj.get_username()} ({organization})" if organization else obj.get_username()


class _PilotFields(forms.Form):
    title = forms.CharField(max_length=200)
    hypothesis = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(widget=DateInput(), label="Starts")
    ends_on = forms.DateField(widget=DateInput(), label="Ends", help_text="The decision is due.")
    budget = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
    owner = UserChoiceField(queryset=User.objects.none(), required=False, label="Our owner")
    partner_owner = UserChoiceField(
        queryset=User.objects.none(), required=False, label="Partner's owner"
    )

    def set_people(self, ours: QuerySet[User], theirs: QuerySet[User]) -> None:
        self.fields["owner"].queryset = ours  # type: ignore[attr-defined]
        self.fields["partner_owner"].queryset = theirs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", f"The timebox ends ({ends}) before it starts ({starts}).")
        return data


class PilotCreateForm(SharedItemForm, _PilotFields):
    field_order = [*_PilotFields.base_fields, "visibility", "shared_with"]


class PilotEditForm(BootstrapFormMixin, _PilotFields):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in EDITABLE_STATUSES],
        help_text="Succeeded and failed follow from a decision.",
    )

    def __init__(self, *args: Any, pilot: Pilot, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                **{name: getattr(pilot, name) for name in _PilotFields.base_fields},
                "status": pilot.status,
            },
        )
        super().__init__(*args, **kwargs)
        add_version_field(self, pilot)
        if pilot.status not in EDITABLE_STATUSES:
            self.fields["status"].disabled = True
            self.fields["status"].choices = [(pilot.status, pilot.get_status_display())]  # type: ignore[attr-defined]


class CriterionForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    metric = forms.CharField(max_length=200)
    comparator = forms.ChoiceField(choices=SuccessCriterion.Comparator.choices)
    target = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        error_messages={"required": "Give the target the metric must reach."},
    )
    unit = forms.CharField(max_length=30)
    assignee = UserChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]


class ActualForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    value = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"placeholder": "Value", "aria-label": "Value"}),
    )
    observed_on = forms.DateField(
        widget=DateInput(attrs={"aria-label": "Observed on"}), label="Observed on"
    )
    note = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Note (optional)", "aria-label": "Note"}),
    )


class ReadinessForm(BootstrapFormMixin, forms.Form):
    """A score and its evidence for each dimension; a dimension left blank keeps its score."""

    bootstrap_size = "sm"

    def __init__(self, *args: Any, scores: dict[str, ReadinessScore], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in ReadinessScore.Dimension:
            stored = scores.get(dimension.value)
            self.fields[f"{dimension.value}_score"] = forms.TypedChoiceField(
                choices=[("", "—"), *[(n, f"{n} of 5") for n in range(1, 6)]],
                coerce=int,
                empty_value=None,
                required=False,
                initial=stored.score if stored else None,
                label=dimension.label.capitalize(),
            )
            self.fields[f"{dimension.value}_evidence"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=stored.evidence if stored else "",
                label="Evidence",
            )

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (d.label, self[f"{d.value}_score"], self[f"{d.value}_evidence"])
            for d in ReadinessScore.Dimension
        ]

    def scores(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            d.value: {"score": data[f"{d.value}_score"], "evidence": data[f"{d.value}_evidence"]}
            for d in ReadinessScore.Dimension
            if data.get(f"{d.value}_score") is not None or data.get(f"{d.value}_evidence")
        }


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=Pilot.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision: scale, iterate or kill."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the rationale for the decision."},
        help_text="Why: recorded with the criteria and readiness as they stand.",
    )
    ends_on = forms.DateField(required=False, widget=DateInput(), label="New end (to iterate)")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class _MilestoneFields(forms.Form):
    title = forms.CharField(max_length=200)
    pilot = forms.ModelChoiceField(queryset=Pilot.objects.none(), required=False)
    side = forms.ChoiceField(choices=Side.choices, label="Owned by")
    owner = UserChoiceField(queryset=User.objects.none(), required=False)
    due_on = forms.DateField(widget=DateInput(), label="Due")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def set_choices(self, pilots: QuerySet[Pilot], people: QuerySet[User]) -> None:
        self.fields["pilot"].queryset = pilots  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class MilestoneCreateForm(SharedItemForm, _MilestoneFields):
    field_order = [*_MilestoneFields.base_fields, "visibility", "shared_with"]


class MilestoneEditForm(BootstrapFormMixin, _MilestoneFields):
    completed_on = forms.DateField(widget=DateInput(), required=False, label="Completed on")

    def __init__(self, *args: Any, milestone: Milestone, **kwargs: Any) -> None:
        fields = [*_MilestoneFields.base_fields, "completed_on"]
        kwargs.setdefault("initial", {name: getattr(milestone, name) for name in fields})
        super().__init__(*args, **kwargs)
        add_version_field(self, milestone)


class _SprintFields(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Sprint.Kind.choices)
    pilot = forms.ModelChoiceField(queryset=Pilot.objects.none(), required=False)
    starts_on = forms.DateField(widget=DateInput(), label="Starts")
    ends_on = forms.DateField(widget=DateInput(), label="Ends")
    participants = forms.ModelMultipleChoiceField(queryset=User.objects.none(), required=False)
    guests = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Participants without an account, one a line.",
    )
    outcomes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def set_choices(self, pilots: QuerySet[Pilot], people: QuerySet[User]) -> None:
        self.fields["pilot"].queryset = pilots  # type: ignore[attr-defined]
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]


class SprintCreateForm(SharedItemForm, _SprintFields):
    field_order = [*_SprintFields.base_fields, "visibility", "shared_with"]


class SprintEditForm(BootstrapFormMixin, _SprintFields):
    def __init__(self, *args: Any, sprint: Sprint, **kwargs: Any) -> None:
        initial = {name: getattr(sprint, name) for name in _SprintFields.base_fields}
        initial["participants"] = list(sprint.participants.all())
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        add_version_field(self, sprint)
