from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from accord.accounts import invitations, services, single_sign_on
from accord.accounts.forms import (
    AuditedSetPasswordForm,
    InviteForm,
    LimitedPasswordResetForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordChangeForm,
    TokenForm,
    UserForm,
)
from accord.accounts.join_page import join_page
from accord.accounts.models import ApiToken, SignInEvent, User, UserInvitation
from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to


@method_decorator(access(policy.PUBLIC), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "single_sign_on": single_sign_on.configured(),
            "single_sign_on_label": settings.OIDC_BUTTON_LABEL,
        }


login_view = LoginView.as_view()
sso_start = access(policy.PUBLIC)(single_sign_on.start)
sso_callback = access(policy.PUBLIC)(single_sign_on.callback)
logout_view = access(policy.PUBLIC)(auth_views.LogoutView.as_view())


@method_decorator(access(policy.SIGNED_IN), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ThrottledPasswordChangeForm
    success_url = "/accounts/profile/"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            messages.info(
                request,
                "You sign in through your company's single sign-on: your password is kept "
                "there, not in Accord.",
            )
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response


password_change_view = PasswordChangeView.as_view()


def _mail_context() -> dict[str, bool]:
    """Whether e-mail leaves this server (read per request: settings may change in tests)."""
    return {"mail_configured": bool(settings.EMAIL_HOST)}


@method_decorator(access(policy.PUBLIC), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and e-mails a link to set a new password; it says the same
    whether or not an account has that address."""

    template_name = "accounts/password_reset.html"
    form_class = LimitedPasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")
    extra_email_context = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_mail_context()}


@method_decorator(access(policy.PUBLIC), name="dispatch")
class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_mail_context()}


@method_decorator(access(policy.PUBLIC), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AuditedSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(access(policy.PUBLIC), name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


password_reset_view = PasswordResetView.as_view()
password_reset_sent_view = PasswordResetSentView.as_view()
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = PasswordResetCompleteView.as_view()


@access(policy.SIGNED_IN)
def profile(request: SignedInRequest) -> HttpResponse:
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = visible_to(request.user, ApiToken)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "zones": services.time_zones(),
            "site_time_zone": settings.TIME_ZONE,
        },
    )


@require_POST
@access(policy.SIGNED_IN)
def time_zone(request: SignedInRequest) -> HttpResponse:
    try:
        services.user_set_time_zone(
            actor=request.user, user=request.user, time_zone=request.POST.get("time_zone", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        zone = request.user.time_zone or "the site's own"
        messages.success(request, f"Dates and times are now shown in {zone}.")
    return redirect("accounts:profile")


@require_POST
@access(policy.SIGNED_IN)
def token_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = get_visible_or_404(request.user, ApiToken, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token {token} was revoked.")
    return redirect("accounts:profile")


@access(policy.USERS_MANAGE)
def user_list(request: SignedInRequest) -> HttpResponse:
    return _user_list(request, InviteForm())


def _user_list(request: SignedInRequest, form: InviteForm, status: int = 200) -> HttpResponse:
    users = visible_to(request.user, User).select_related("organization").order_by("username")
    now = timezone.now()
    sent = list(visible_to(request.user, UserInvitation).select_related("invited_by")[:50])
    context = {
        "users": users,
        "section": "admin",
        "form": form,
        "invitations": [(invitation, invitation.status_at(now)) for invitation in sent],
        "days": settings.INVITATION_DAYS,
        **_mail_context(),
    }
    return render(request, "accounts/user_list.html", context, status=status)


@require_POST
@access(policy.USERS_MANAGE)
def user_invite(request: SignedInRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.user_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                link_for=lambda raw: request.build_absolute_uri(
                    reverse("accounts:invitation_accept") + f"?token={raw}"
                ),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"An invitation was sent to {invitation.email}.")
            return redirect("accounts:user_list")
    return _user_list(request, form, status=400)


@require_POST
@access(policy.USERS_MANAGE)
def user_invitation_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_visible_or_404(request.user, UserInvitation, pk=pk)
    try:
        invitations.user_invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("accounts:user_list")


@access(policy.PUBLIC)
def invitation_accept(request: SignedInRequest) -> HttpResponse:
    """The page an invitation's link opens: choose a sign-in, then start."""
    return join_page(
        request,
        pending=invitations.user_invitation_for,
        accept=invitations.user_invitation_accept,
        template="accounts/invitation_accept.html",
        landing=lambda _: reverse("dashboard:home"),
    )


@access(policy.USERS_MANAGE)
def user_create(request: SignedInRequest) -> HttpResponse:
    return _user_form(request, None)


@access(policy.USERS_MANAGE)
def user_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _user_form(request, get_visible_or_404(request.user, User, pk=pk))


def _user_form(request: SignedInRequest, user: User | None) -> HttpResponse:
    form = UserForm(request.POST or None, instance=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password", "version")}
        password = form.cleaned_data.get("password")
        try:
            if user is None:
                data.pop("is_active", None)
                user = services.user_create(actor=request.user, password=password or None, **data)
            else:
                # The form was bound to the instance; reload so the audit sees the stored values.
                user = get_visible_or_404(request.user, User, pk=user.pk)
                with transaction.atomic():  # a refused edit sets no password either
                    services.user_update(
                        actor=request.user,
                        user=user,
                        data=data,
                        expected_version=form.cleaned_data["version"],
                    )
                    if password:
                        services.user_set_password(actor=request.user, user=user, password=password)
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"User {user.username} was saved.")
            return redirect("accounts:user_list")
    context = {"form": form, "object": user, "section": "admin"}
    return render(request, "accounts/user_form.html", context, status=status)


@access(policy.AUDIT_VIEW)
def signinevent_list(request: SignedInRequest) -> HttpResponse:
    """Failed, refused and late-successful sign-ins, newest first."""
    events = visible_to(request.user, SignInEvent)
    filters = {key: request.GET.get(key, "").strip() for key in ("username", "address", "outcome")}
    if filters["username"]:
        events = events.filter(username=filters["username"].lower())
    if filters["address"]:
        events = events.filter(address=filters["address"])
    if filters["outcome"]:
        events = events.filter(outcome=filters["outcome"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/signinevent_list.html",
        {
            "section": "admin",
            "page": page,
            "filters": filters,
            "outcomes": SignInEvent.Outcome.choices,
        },
    )
