"""The page an invitation's link opens, for every kind of invitation: say why the link no
longer works, or let the invitee choose a sign-in, then sign them in and send them on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accord.accounts.forms import JoinForm
from accord.accounts.models import EmailInvitation, User
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest

Invitation = TypeVar("Invitation", bound=EmailInvitation)


def join_page(
    request: SignedInRequest,
    *,
    pending: Callable[[str], Invitation],
    accept: Callable[..., User],
    template: str,
    landing: Callable[[Invitation], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """`pending(raw)` finds the invitation of a link (or says why not), `accept(raw=...,
    username=..., ...)` makes its account, `landing(invitation)` is where the new user goes."""
    raw = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    page = dict(context or {})
    try:
        invitation = pending(raw or "")
    except ValidationError as error:
        return render(request, template, {**page, "problem": " ".join(error.messages)}, status=400)
    page["invitation"] = invitation
    if request.user.is_authenticated:
        page["problem"] = (
            f"You are signed in as {request.user.get_username()}. Sign out, then open the "
            "invitation's link again to make the account it offers."
        )
        return render(request, template, page, status=409)
    if request.method != "POST":
        page["form"] = JoinForm(initial={"token": raw, "username": invitation.email})
        return render(request, template, page)
    form = JoinForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = accept(
                raw=data["token"], username=data["username"], password=data["password"],
                first_name=data["first_name"], last_name=data["last_name"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}.")
            return redirect(landing(invitation))
    page["form"] = form
    return render(request, template, page, status=400)
