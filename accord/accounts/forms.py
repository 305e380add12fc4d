from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError

from accord.accounts import services, signin
from accord.accounts.models import User
from accord.accounts.services import check_partner_organization
from accord.core.client_address import client_address
from accord.core.forms import BootstrapFormMixin, add_version_field
from accord.core.pickers import Picker


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that waits longer after each failure past the free ones (see signin)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts: try again in %(wait)d s.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        address = client_address(self.request) if self.request else None
        try:
            attempt = signin.attempt_begin(username=username, address=address)
        except signin.SignInThrottled as refused:
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"wait": refused.wait_seconds},
            ) from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            signin.attempt_failed(attempt)
            raise
        signin.attempt_succeeded(attempt, user=self.get_user())
        return cleaned


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The current password is checked under the same throttle as signing in, so a borrowed
    session cannot be used to guess it."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        address = client_address(self.request) if self.request else None
        try:
            attempt = signin.attempt_begin(username=self.user.get_username(), address=address)
        except signin.SignInThrottled as refused:
            raise forms.ValidationError(
                "Too many wrong passwords: try again in %(wait)d s.",
                code="throttled",
                params={"wait": refused.wait_seconds},
            ) from None
        try:
            old_password = super().clean_old_password()
        except forms.ValidationError:
            signin.attempt_failed(attempt)
            raise
        signin.attempt_succeeded(attempt, user=self.user)
        return old_password


class UserForm(BootstrapFormMixin, forms.ModelForm):
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
        widgets = {"organization": Picker("directory:organization_picker", query="partners=1")}
        help_texts = {"organization": "Partner users only: the organization they work for."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # Checked here so the message lands on the organization field, not above the form.
        if "role" in cleaned and "organization" not in self.errors:
            try:
                check_partner_organization(cleaned["role"], cleaned.get("organization"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100, initial="script")


class LimitedPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    """Asks for a reset link. The page says the same whether or not the address has an
    account; an account is sent at most one link per interval."""

    def get_users(self, email):
        return services.password_reset_recipients(email)


class AuditedSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            services.password_reset_done(user)
        return user


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.CharField(label="E-mail", max_length=254)
    role = forms.ChoiceField(
        choices=[
            (value, label) for value, label in User.Role.choices if value != User.Role.PARTNER
        ],
        initial=User.Role.CONTRIBUTOR,
    )


class JoinForm(BootstrapFormMixin, forms.Form):
    """Choosing a sign-in from an invitation's link."""

    token = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)
    username = forms.CharField(max_length=150, help_text="What you will sign in with.")
    password = forms.CharField(widget=forms.PasswordInput)
    password_again = forms.CharField(widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data
