"""The notification centre: a user's alerts (unread first in number, latest first in order),
marking them read, the unread count the navigation bar asks for, and how to hear of each kind.
Thin: reads through selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.notifications import selectors, services
from accord.notifications.forms import PreferencesForm
from accord.notifications.models import Notification

SHOWN = 30


@access(policy.SIGNED_IN)
@require_safe
def notification_list(request: SignedInRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.notification_rows(request.user, unread_only=unread_only)
    context = {
        "page": Paginator(rows, SHOWN).get_page(request.GET.get("page")),
        "unread": selectors.unread_count(request.user),
        "unread_only": unread_only,
    }
    return render(request, "notifications/notification_list.html", context)


@access(policy.SIGNED_IN)
@require_safe
def unread(request: SignedInRequest) -> JsonResponse:
    """For the bell in the navigation bar, fetched after the page: the page costs no query."""
    return JsonResponse({"unread": selectors.unread_count(request.user)})


@access(policy.SIGNED_IN)
@require_POST
def notification_read(request: SignedInRequest, pk: int) -> HttpResponse:
    found = get_visible_or_404(request.user, Notification, pk=pk)
    services.mark_read(actor=request.user, notifications=[found])
    return redirect(found.link or "notifications:notification_list")


@access(policy.SIGNED_IN)
@require_POST
def read_all(request: SignedInRequest) -> HttpResponse:
    done = services.mark_read(actor=request.user)
    messages.success(request, f"{done} notification(s) marked read.")
    return redirect("notifications:notification_list")


@access(policy.SIGNED_IN)
def settings_page(request: SignedInRequest) -> HttpResponse:
    current = selectors.preferences(request.user)
    form = PreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(actor=request.user, chosen=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Your alert settings were saved.")
            return redirect("notifications:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)
