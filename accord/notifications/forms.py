from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import BootstrapFormMixin
from accord.notifications.models import Channel, Kind


class PreferencesForm(BootstrapFormMixin, forms.Form):
    """One choice of channel per kind of alert."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label[:1].upper() + label[1:], choices=Channel.choices
            )
