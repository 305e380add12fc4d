"""The forms of relationships: interactions (their people picked from the directory as one
types), cadence rules and the imports."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.accounts.models import User
from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.core.pickers import MultiPicker
from accord.core.policy import visible_to
from accord.directory.models import Person
from accord.partnerships.forms import DateInput, DateTimeInput
from accord.partnerships.models import EXITS, Stage
from accord.relationships.models import Interaction
from accord.strategy.models import PartnershipType


class InteractionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=Interaction.Kind.choices)
    title = forms.CharField(max_length=200)
    occurred_at = forms.DateTimeField(widget=DateTimeInput(), label="When")
    attendees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), widget=MultiPicker("directory:person_picker"),
        label="People", help_text="Type a name or an e-mail: ours and theirs.",
        error_messages={"invalid_choice": "No one you can see in the directory is %(value)s."},
    )  # fmt: skip
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sentiment = forms.ChoiceField(choices=[("", "—"), *Interaction.Sentiment.choices],
                                  required=False)  # fmt: skip
    initiated_by = forms.ChoiceField(choices=[("", "—"), *Interaction.Initiator.choices],
                                     required=False, label="Who reached out")  # fmt: skip
    follow_ups = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_executive = forms.BooleanField(required=False, label="An executive of ours took part")
    is_private = forms.BooleanField(required=False, label="Private: its people and admins only")

    def __init__(
        self, *args: Any, actor: User, interaction: Interaction | None = None, **kwargs: Any
    ) -> None:
        if interaction is not None:
            initial = {name: getattr(interaction, name) for name in self.base_fields
                       if name != "attendees"}  # fmt: skip
            initial["attendees"] = [a.person_id for a in interaction.attendees.all()]
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        field_of(self, "attendees", forms.ModelMultipleChoiceField).queryset = visible_to(
            actor, Person
        )
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
