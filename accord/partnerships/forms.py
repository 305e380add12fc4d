from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core import policy
from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.core.pickers import MultiPicker, Picker, is_id
from accord.directory.models import Organization, Tag
from accord.partnerships.gates import requirable
from accord.partnerships.models import Partnership, PartnershipParty, StageGate, Visibility
from accord.partnerships.services import ALL_PARTIES, PARTNERSHIP_FIELDS
from accord.strategy.models import CapabilityGap


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATE_FIELDS = ("signed_on", "start_date", "end_date", "nda_signed_on", "nda_expires_on",
               "next_review_date", "expected_close")  # fmt: skip
SECTIONS = [
    ("Basics", ["title", "type", "play", "gaps", "tags", "is_confidential"]),
    ("People", ["owner", "executive_sponsor", "team"]),
    ("Value for each side", ["value_for_us", "value_for_partner"]),
    (
        "Agreement",
        [
            "signed_on",
            "start_date",
            "end_date",
            "renewal_notice_days",
            "nda_signed_on",
            "nda_expires_on",
            "ip_terms",
            "exclusivity",
        ],
    ),
    ("Deal", ["deal_value", "expected_close"]),
    ("Resources and review", ["budget", "committed_fte", "next_review_date"]),
    ("Joint venture and consortium", ["equity_split", "fees", "working_groups", "voting_rules"]),
    ("Notes", ["notes"]),
]


class PartnershipForm(BootstrapFormMixin, forms.ModelForm):
    gaps = forms.ModelMultipleChoiceField(queryset=CapabilityGap.objects.none(), required=False)
    team = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="People assigned to it: they may edit it; if confidential, only they see it.",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, widget=MultiPicker("directory:tag_picker")
    )

    class Meta:
        model = Partnership
        fields = list(PARTNERSHIP_FIELDS)
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            "value_for_us": forms.Textarea(attrs={"rows": 4}),
            "value_for_partner": forms.Textarea(attrs={"rows": 4}),
            "ip_terms": forms.Textarea(attrs={"rows": 2}),
            "working_groups": forms.Textarea(attrs={"rows": 2}),
            "voting_rules": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, gaps: QuerySet, users: QuerySet, plays: QuerySet, tags: QuerySet,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        field_of(self, "gaps", forms.ModelChoiceField).queryset = gaps
        field_of(self, "tags", forms.ModelChoiceField).queryset = tags
        field_of(self, "team", forms.ModelChoiceField).queryset = users
        field_of(self, "owner", forms.ModelChoiceField).queryset = users
        field_of(self, "executive_sponsor", forms.ModelChoiceField).queryset = users
        field_of(self, "play", forms.ModelChoiceField).queryset = plays
        self.fields["gaps"].widget.attrs["size"] = 6
        self.fields["team"].widget.attrs["size"] = 6
        if self.instance.pk:
            self.initial.setdefault("gaps", list(self.instance.gaps.values_list("pk", flat=True)))
            self.initial.setdefault("team", list(self.instance.team.values_list("pk", flat=True)))
            self.initial.setdefault("tags", list(self.instance.tags.values_list("pk", flat=True)))
        add_version_field(self, self.instance)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", f"The end date ({end:%Y-%m-%d}) is before the start date "
                f"({start:%Y-%m-%d})."
            )  # fmt: skip
        return data

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def partnership_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PARTNERSHIP_FIELDS}


class OrganizationField(forms.ModelChoiceField):
    """An organization of the field's queryset by its id (what the picker sends) or by its
    exact name (a script, or a browser without JavaScript)."""

    def to_python(self, value: Any) -> Organization | None:
        value = str(value or "").strip()
        if not value:
            return None
        organizations = self.queryset
        assert organizations is not None  # PartyForm gives it the organizations one may name
        if is_id(value):
            found = list(organizations.filter(pk=int(value))[:1])
        else:
            found = list(organizations.filter(name__iexact=value)[:2])
        if not found:
            raise forms.ValidationError(f"No organization “{value}” in the directory.")
        if len(found) > 1:
            raise forms.ValidationError(
                f"Several organizations are called “{value}”; pick one from the list."
            )
        return found[0]


class PartyForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationField(
        queryset=Organization.objects.none(),
        required=False,
        label="Organization",
        widget=Picker("directory:organization_picker", query="partners=1"),
    )
    role = forms.ChoiceField(
        choices=PartnershipParty.Role.choices, initial=PartnershipParty.Role.PARTNER
    )

    def __init__(self, *args: Any, organizations: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "organization", OrganizationField).queryset = organizations

    def clean_organization(self) -> Organization | None:
        organization: Organization | None = self.cleaned_data.get("organization")
        if organization is not None and organization.is_self:
            raise forms.ValidationError("Our own company cannot be a partner of itself.")
        return organization


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            organization = form.cleaned_data.get("organization")
            if organization is None:
                continue
            if organization.pk in seen:
                form.add_error("organization", f"{organization.name} is listed twice.")
            seen.add(organization.pk)

    def parties(self) -> list[tuple[Organization, str]]:
        return [
            (form.cleaned_data["organization"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("organization") is not None
        ]


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, max_num=30)


def party_formset(
    data: Any, *, organizations: QuerySet, partnership: Partnership | None, partner: str = ""
):
    """The partner rows: the partnership's parties, or for a new one `partner` (an
    organization's id, from its page's "Start a partnership") in the first row."""
    initial = None
    if partnership is None and is_id(partner):
        initial = [{"organization": partner, "role": PartnershipParty.Role.PARTNER}]
    if partnership is not None and partnership.pk:
        initial = [
            {"organization": str(p.organization_id), "role": p.role}
            for p in partnership.parties.select_related("organization").order_by("id")
        ]
    return PartyFormSet(
        data, initial=initial, prefix="parties", form_kwargs={"organizations": organizations}
    )


class MoveForm(BootstrapFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the partnership moves: recorded on its timeline.",
    )
    confirmed = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Gate checklist"
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, targets: list[tuple[str, str]], checklist: list[str], **kw):
        super().__init__(*args, **kw)
        field_of(self, "to_stage", forms.ChoiceField).choices = targets
        field_of(self, "confirmed", forms.ChoiceField).choices = [
            (item, item) for item in checklist
        ]


class SharedItemForm(BootstrapFormMixin, forms.Form):
    """A note or document; if shared, with the parties chosen (by default the only one)."""

    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.INTERNAL)
    shared_with = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Share with",
        help_text="Each party sees only what is shared with it; a consortium may share with all.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = list(partnership.parties.select_related("organization").order_by("pk"))
        choices = [(str(p.organization_id), p.organization.name) for p in parties]
        if len(parties) > 1:
            choices.append((ALL_PARTIES, "all parties"))
        field_of(self, "shared_with", forms.ChoiceField).choices = choices
        if len(parties) == 1:
            self.fields["shared_with"].initial = [choices[0][0]]

    def clean_shared_with(self) -> Any:
        chosen = self.cleaned_data["shared_with"]
        return ALL_PARTIES if ALL_PARTIES in chosen else [int(pk) for pk in chosen]


class NoteForm(SharedItemForm):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note")
    field_order = ["body", "visibility", "shared_with"]


class DocumentForm(SharedItemForm):
    title = forms.CharField(required=False, max_length=200)
    file = forms.FileField()
    field_order = ["title", "file", "visibility", "shared_with"]


class GateForm(BootstrapFormMixin, forms.Form):
    required_fields = forms.MultipleChoiceField(
        choices=requirable,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Required before entering",
    )
    checklist = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line; the person moving confirms each.",
    )
    approver_role = forms.ChoiceField(
        required=False,
        choices=[("", "anyone who may move it")]
        + [(role, role) for role in policy.roles_that(policy.PARTNERSHIP_MOVE)],
        label="Approver role",
    )

    def __init__(self, *args: Any, gate: StageGate | None = None, **kwargs: Any) -> None:
        if gate is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "required_fields": gate.required_fields,
                    "checklist": "\n".join(gate.checklist),
                    "approver_role": gate.approver_role,
                },
            )
        super().__init__(*args, **kwargs)
        add_version_field(self, gate)

    def clean_checklist(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["checklist"].splitlines()]
        items = [line for line in lines if line]
        if len(set(items)) != len(items):
            raise forms.ValidationError("An item is listed twice.")
        return items


class IdListField(forms.Field):
    """The ids of the rows ticked in a list (its checkboxes, named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Choose at least one partnership.",
        "invalid": "“%(value)s” is not the id of a partnership.",
    }

    def to_python(self, value: Any) -> list[int]:
        values = [str(v) for v in value or [] if str(v).strip()]
        for text in values:
            if not is_id(text):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": text[:20]}
                )
        return sorted({int(text) for text in values})


NO_TAG = "No tag “%(value)s”; choose one from the list."


class PartnershipBulkForm(BootstrapFormMixin, forms.Form):
    """One change for the partnerships ticked on the list: what is left empty stays as it is.
    Each row's checkbox carries a `version-<id>` beside it: the version the user saw."""

    bootstrap_size = "sm"
    partnerships = IdListField()
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="keep each owner",
        error_messages={"invalid_choice": "No user “%(value)s” of our company to own them."},
    )
    next_review_date = forms.DateField(
        label="Next review",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Give the review date as a date, such as 2027-03-31."},
    )
    add_tags = forms.ModelMultipleChoiceField(
        label="Add tags",
        queryset=Tag.objects.none(),
        required=False,
        widget=MultiPicker("directory:tag_picker"),
        error_messages={"invalid_choice": NO_TAG, "invalid_pk_value": NO_TAG},
    )
    remove_tags = forms.ModelMultipleChoiceField(
        label="Remove tags",
        queryset=Tag.objects.none(),
        required=False,
        widget=MultiPicker("directory:tag_picker"),
        error_messages={"invalid_choice": NO_TAG, "invalid_pk_value": NO_TAG},
    )

    def __init__(self, *args: Any, users: QuerySet, tags: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = users
        for name in ("add_tags", "remove_tags"):
            field_of(self, name, forms.ModelChoiceField).queryset = tags

    def read_versions(self) -> dict[int, int]:
        """The version of each partnership the user saw, by id."""
        found = {}
        for key, value in self.data.items():
            pk = key.removeprefix("version-")
            if key.startswith("version-") and is_id(pk) and is_id(value):
                found[int(pk)] = int(value)
        return found

    def change(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "ids": data["partnerships"],
            "read": self.read_versions(),
            "owner": data["owner"],
            "next_review_date": data["next_review_date"],
            "add_tags": data["add_tags"],
            "remove_tags": data["remove_tags"],
        }
