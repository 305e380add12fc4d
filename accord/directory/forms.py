from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.core.pickers import Picker
from accord.directory.models import Organization, Person, Tag
from accord.directory.normalize import country_choices, country_code, normalize_website


class CountryField(forms.CharField):
    """Accepts an ISO code or a country name; stores the alpha-2 code."""

    def clean(self, value):
        value = super().clean(value)
        code = country_code(value or "")
        if code is None:
            raise forms.ValidationError(f"“{value}” is not a known country name or ISO code.")
        return code


class TagChoiceField(forms.ModelMultipleChoiceField):
    """Tags by id; an id beyond the database's integer range is refused, not a crash."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # the parent class names it as an invalid value
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs


class OrganizationForm(BootstrapFormMixin, forms.ModelForm):
    country = CountryField(
        required=False, max_length=60, widget=forms.TextInput(attrs={"list": "country-list"})
    )
    tags = TagChoiceField(queryset=Tag.objects.all(), required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "one_liner",
            "description",
            "website",
            "country",
            "city",
            "founded_year",
            "size_band",
            "stage",
            "tags",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = forms.CharField(required=False, max_length=300)
        self.fields["tags"].widget.attrs["size"] = 8
        add_version_field(self, self.instance)

    def clean_website(self) -> str:
        website = normalize_website(self.cleaned_data.get("website") or "")
        if website:
            forms.URLField(assume_scheme="https").clean(website)
        return website

    @staticmethod
    def country_list() -> list[tuple[str, str]]:
        return country_choices()


class PersonForm(BootstrapFormMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.NumberInput,
        help_text="Id of the organization the person works at.",
    )
    country = CountryField(required=False, max_length=60)
    tags = TagChoiceField(queryset=Tag.objects.all(), required=False)

    class Meta:
        model = Person
        fields = [
            "full_name",
            "organization",
            "title",
            "email",
            "phone",
            "relation",
            "is_internal",
            "linkedin_url",
            "country",
            "city",
            "notes",
            "tags",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "organization", forms.ModelChoiceField).queryset = (
            organizations if organizations is not None else Organization.objects.all()
        )
        add_version_field(self, self.instance)


class TagForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)


class MergeForm(BootstrapFormMixin, forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        widget=Picker("directory:organization_picker"),
        label="The duplicate to merge into this organization",
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "duplicate", forms.ModelChoiceField).queryset = organizations
