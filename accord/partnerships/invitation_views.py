"""Partner users of a partnership: who works with us from each party, the invitations sent,
and the page where an invitation is accepted."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accord.accounts.join_page import join_page
from accord.core import policy
from accord.core.forms import BootstrapFormMixin, add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.partnerships import invitations, selectors
from accord.partnerships.models import Invitation, Partnership

SECTION = {"section": "partnerships"}


class InviteForm(BootstrapFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label="Party", coerce=int)
    email = forms.CharField(label="E-mail", max_length=254)

    def __init__(self, *args, parties=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [  # type: ignore[attr-defined]
            (p.organization_id, p.organization.name) for p in parties
        ]


def _url(partnership_id: int) -> str:
    return reverse("partnerships:partnership_partner_users", args=[partnership_id])


@access(policy.PARTNERSHIP_VIEW)
def partnership_partner_users(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_detail(request.user, pk)
    return _page(request, partnership)


def _page(
    request: SignedInRequest,
    partnership: Partnership,
    form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    parties = list(selectors.partnership_parties(actor, partnership))
    now = timezone.now()
    sent = list(selectors.partnership_invitations(actor, partnership))
    for invitation in sent:
        invitation.status = invitation.status_at(now)  # type: ignore[attr-defined]
    context = {
        **SECTION,
        "partnership": partnership,
        "parties": parties,
        "partner_users": selectors.partner_users(partnership),
        "invitations": sent,
        "can_invite": policy.can_change_partnership(actor, partnership) and parties,
        "form": form or InviteForm(parties=parties),
        "days": settings.INVITATION_DAYS,
        "mail_configured": bool(settings.EMAIL_HOST),
    }
    return render(request, "partnerships/partner_users.html", context, status=status)


@access(policy.PARTNERSHIP_CHANGE)
def partnership_invite(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_detail(request.user, pk)
    if request.method != "POST":
        return redirect(_url(partnership.pk))
    if not policy.can_change_partnership(request.user, partnership):
        raise PermissionDenied("Only the partnership's team or an administrator invites.")
    parties = list(selectors.partnership_parties(request.user, partnership))
    form = InviteForm(request.POST, parties=parties)
    if form.is_valid():
        chosen = form.cleaned_data["organization"]
        organization = next(p.organization for p in parties if p.organization_id == chosen)
        try:
            invitation = invitations.invitation_send(
                actor=request.user,
                partnership=partnership,
                organization=organization,
                email=form.cleaned_data["email"],
                link_for=lambda raw: request.build_absolute_uri(
                    reverse("workspace:invitation_accept") + f"?token={raw}"
                ),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"An invitation was sent to {invitation.email}.")
            return redirect(_url(partnership.pk))
    return _page(request, partnership, form, status=400)


@access(policy.PARTNERSHIP_CHANGE)
def invitation_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = get_visible_or_404(request.user, Invitation, pk=pk)
    if request.method == "POST":
        try:
            invitations.invitation_revoke(actor=request.user, invitation=invitation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect(_url(invitation.partnership_id))


@access(policy.PUBLIC)
def invitation_accept(request: SignedInRequest) -> HttpResponse:
    """The page an invitation's link opens: choose a sign-in, then land in the workspace."""
    return join_page(
        request,
        pending=invitations.invitation_for,
        accept=invitations.invitation_accept,
        template="partnerships/invitation_accept.html",
        landing=lambda invitation: reverse(
            "workspace:partnership_detail", args=[invitation.partnership_id]
        ),
        context={"section": "workspace"},
    )
