from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import BootstrapFormMixin, field_of
from accord.directory.models import Organization
from accord.directory.normalize import country_choices
from accord.directory.organization_filter import FIELDS, FOUNDED_YEARS, with_current_names
from accord.scouting.models import Scan
from accord.strategy.models import PartnershipPlay, PartnershipType


class ScanForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label="What are we looking for?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In plain words, as you would brief a colleague. A gap's text to begin with.",
    )
    title = forms.CharField(max_length=200, required=False, help_text="The gap's title if empty.")
    mode = forms.ChoiceField(choices=Scan.Mode.choices, initial=Scan.Mode.HYBRID)
    # The organization filter's fields keep its names (`OrganizationCriteria`), which checks them.
    kind = forms.MultipleChoiceField(
        choices=Organization.Kind.choices, required=False, label="Kinds"
    )
    country = forms.MultipleChoiceField(choices=country_choices, required=False, label="Countries")
    stage = forms.MultipleChoiceField(
        choices=Organization.Stage.choices, required=False, label="Stages"
    )
    tag = forms.CharField(
        required=False, label="Tags", help_text="Tag slugs, comma-separated; all must match."
    )
    founded_from = forms.IntegerField(
        required=False, min_value=FOUNDED_YEARS[0], max_value=FOUNDED_YEARS[1]
    )
    founded_to = forms.IntegerField(
        required=False, min_value=FOUNDED_YEARS[0], max_value=FOUNDED_YEARS[1]
    )
    top = forms.IntegerField(min_value=1, max_value=200, initial=30, label="How many results")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.SelectMultiple):
                field.widget.attrs["size"] = 4
                field.help_text = "None: any. Ctrl- or ⌘-click to choose several."

    def scan_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        filters = {name: data[name] for name in FIELDS if data.get(name) not in (None, "", [])}
        return {
            "text": data["text"],
            "title": data["title"],
            "mode": data["mode"],
            "top": data["top"],
            "filters": filters,
        }

    @classmethod
    def initial_for(cls, scan: Scan) -> dict[str, Any]:
        filters = dict(with_current_names(scan.filters))
        if "tag" in filters:
            filters["tag"] = ", ".join(filters["tag"])
        return {
            "text": scan.text,
            "title": scan.title,
            "mode": scan.mode,
            "top": scan.top,
            **filters,
        }


class RejectForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    reason = forms.CharField(
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Why not?"}),
    )


class PromoteForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    play = forms.ModelChoiceField(
        queryset=PartnershipPlay.objects.none(), required=False, empty_label="No play"
    )
    type = forms.ChoiceField(
        choices=[("", "The play's type"), *PartnershipType.choices], required=False
    )
    title = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, plays: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "play", forms.ModelChoiceField).queryset = plays
