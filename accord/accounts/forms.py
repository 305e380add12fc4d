from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.accounts.services import (
    check_partner_organization,
    login_failure_record,
    login_is_throttled,
)
from accord.directory.models import Organization


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses sign-in after repeated failures for one username or address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Wait a few minutes and try again.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else None
        if login_is_throttled(username=username, address=address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, address=address)
            raise


class UserForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.NumberInput,
        help_text="Id of the organization (partner users only).",
    )
    password = forms.CharField(
        widget=forms.PasswordInput, required=False, help_text="Leave empty to keep it unchanged."
    )

    class Meta:
        model = User
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "organization",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.all()
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        # Checked here so the message lands on the organization field, not above the form.
        if "role" in cleaned and "organization" not in self.errors:
            try:
                check_partner_organization(cleaned["role"], cleaned.get("organization"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, initial="script", widget=forms.TextInput(attrs={"class": "form-control"})
    )
