"""The interaction form: its people one per line, by e-mail or exact name, resolved by the
view against the directory and refused line by line when unknown or ambiguous."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.partnerships.forms import DateInput, DateTimeInput
from accord.partnerships.models import EXITS, Stage
from accord.relationships.models import Interaction
from accord.strategy.models import PartnershipType


class InteractionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=Interaction.Kind.choices)
    title = forms.CharField(max_length=200)
    occurred_at = forms.DateTimeField(widget=DateTimeInput(), label="When")
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="People",
        help_text="One per line: an e-mail or the exact name in the directory, ours and theirs.",
    )  # fmt: skip
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sentiment = forms.ChoiceField(choices=[("", "—"), *Interaction.Sentiment.choices],
                                  required=False)  # fmt: skip
    initiated_by = forms.ChoiceField(choices=[("", "—"), *Interaction.Initiator.choices],
                                     required=False, label="Who reached out")  # fmt: skip
    follow_ups = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_executive = forms.BooleanField(required=False, label="An executive of ours took part")
    is_private = forms.BooleanField(required=False, label="Private: its people and admins only")

    def __init__(self, *args: Any, interaction: Interaction | None = None, **kwargs: Any) -> None:
        if interaction is not None:
            initial = {name: getattr(interaction, name) for name in self.base_fields
                       if name != "attendees"}  # fmt: skip
            initial["attendees"] = "\n".join(
                a.person.email or a.person.full_name
                for a in interaction.attendees.select_related("person")
            )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if interaction is not None:
            add_version_field(self, interaction)


class CadenceRuleForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120)
    partnership_type = forms.ChoiceField(
        choices=[("", "any type"), *PartnershipType.choices], required=False, label="Type"
    )
    stage = forms.ChoiceField(
        choices=[("", "any open stage"), *[(s, label) for s, label in Stage.choices
                                           if s not in EXITS]],
        required=False,
    )  # fmt: skip
    every_days = forms.IntegerField(min_value=1, max_value=3650, label="Every (days)")


class CalendarImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(help_text="An .ics file, as calendar tools export it.")
    start = forms.DateField(widget=DateInput(), required=False, label="From",
                            help_text="Recurring events are expanded from this day (a year ago "
                            "by default) up to today.")  # fmt: skip


class ConnectionsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(help_text="A connections export (.csv): First Name, Last Name, Email "
                           "Address, Company, Position, Connected On.")  # fmt: skip
    owner = forms.EmailField(label="Whose connections", help_text="Their e-mail in the directory.")


class VCardImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Address book", help_text="A .vcf file of contacts (vCard 2.1, 3.0 or 4.0)."
    )
    owner = forms.EmailField(label="Whose contacts", help_text="Their e-mail in the directory.")


class InteractionsImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(help_text="A .csv file with a header row: Date, Title, Attendees "
                           "(e-mails separated by ;) and, if known, Kind, Organizations, "
                           "Partnership, Summary, Sentiment, Follow-ups, Executive, Private, "
                           "External ID.")  # fmt: skip
