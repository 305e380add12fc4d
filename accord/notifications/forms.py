from __future__ import annotations

from typing import Any

from django import forms

from accord.core.events import KINDS
from accord.core.forms import BootstrapFormMixin
from accord.notifications.models import Channel, Kind


class PreferencesForm(BootstrapFormMixin, forms.Form):
    """One choice of channel per kind of alert."""

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            if kind not in kinds:
                continue
            self.fields[kind] = forms.ChoiceField(
                label=label[:1].upper() + label[1:], choices=Channel.choices
            )


class WebhookEndpointForm(BootstrapFormMixin, forms.Form):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="Where each event is POSTed as JSON.",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events it hears of.",
    )
    include_confidential = forms.BooleanField(
        required=False, label="Also events of confidential partnerships"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="On")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
