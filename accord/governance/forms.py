"""Forms of the governance pages. Plain forms: the services validate against the stored rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.governance.models import ActionItem, Committee, Decision, Escalation, Meeting
from accord.partnerships.forms import DateInput, DateTimeInput, SharedItemForm


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        organization = getattr(obj, "organization", None)
        return f"{obj.get_username()} ({organization})" if organization else obj.get_username()


class CommitteeForm(SharedItemForm):
    name = forms.CharField(max_length=200)
    cadence = forms.ChoiceField(
        choices=Committee.Cadence.choices, initial=Committee.Cadence.MONTHLY
    )
    chair = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    members = PeopleField(queryset=User.objects.none(), required=False)
    charter = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "cadence", "chair", "members", "charter", "visibility", "shared_with"]

    def set_people(self, people: QuerySet[User]) -> None:
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]


class MeetingForm(BootstrapFormMixin, forms.Form):
    """Times are entered and shown in the reader's zone; stored in UTC."""

    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(widget=DateTimeInput(), label="Starts")
    ends_at = forms.DateTimeField(widget=DateTimeInput(), label="Ends")
    location = forms.CharField(max_length=300, required=False)
    attendees = PeopleField(queryset=User.objects.none(), required=False)
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def set_people(self, people: QuerySet[User]) -> None:
        self.fields["attendees"].queryset = people  # type: ignore[attr-defined]


class MinutesForm(BootstrapFormMixin, forms.Form):
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))
    cancelled = forms.BooleanField(required=False, label="Called off")

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"minutes": meeting.minutes, "cancelled": meeting.cancelled})
        super().__init__(*args, **kwargs)
        add_version_field(self, meeting)


class DecisionForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    title = forms.CharField(max_length=300, label="What was decided")
    decided_by = forms.CharField(max_length=300, label="Decided by")
    decided_on = forms.DateField(widget=DateInput(), label="On")
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def set_meetings(self, meetings: QuerySet[Meeting]) -> None:
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class ActionItemForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"
    title = forms.CharField(max_length=300, label="Action")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_on = forms.DateField(widget=DateInput(), label="Due")
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False)
    decision = forms.ModelChoiceField(queryset=Decision.objects.none(), required=False)

    def set_choices(
        self, people: QuerySet[User], meetings: QuerySet[Meeting], decisions: QuerySet[Decision]
    ) -> None:
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]


STATUS_CHOICES = ActionItem.Status.choices


class EscalationForm(SharedItemForm):
    """The path is up to three people, in the order the issue climbs; left empty, the
    partnership's owner and then its sponsor."""

    title = forms.CharField(max_length=300, label="Issue")
    severity = forms.ChoiceField(choices=Escalation.Severity.choices, initial="medium")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    first = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   label="First to answer")  # fmt: skip
    second = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                    label="Then")  # fmt: skip
    third = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   label="Then")  # fmt: skip
    field_order = ["title", "severity", "description", "first", "second", "third",
                   "visibility", "shared_with"]  # fmt: skip

    def set_people(self, people: QuerySet[User]) -> None:
        for name in ("first", "second", "third"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]

    def path(self) -> list[User] | None:
        chosen = [self.cleaned_data[n] for n in ("first", "second", "third")]
        people = [p for p in chosen if p is not None]
        return people or None


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how it was resolved."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
