"""The notification centre: a user's alerts (unread first in number, latest first in order),
marking them read, the unread count the navigation bar asks for, and how to hear of each kind.
Thin: reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accord.core import events, policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.notifications import selectors, services
from accord.notifications.forms import PreferencesForm, WebhookEndpointForm
from accord.notifications.models import Notification, WebhookEndpoint
from accord.partnerships.models import Partnership, Stage

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
    form = PreferencesForm(request.POST or None, initial=current, kinds=list(current))
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


# Webhooks ----------------------------------------------------------------------------------------


def _endpoint_form_page(
    request: SignedInRequest, form: WebhookEndpointForm, endpoint: WebhookEndpoint | None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    context: dict[str, Any] = {"section": "admin", "form": form, "endpoint": endpoint,
                               "kinds": events.KINDS}  # fmt: skip
    if endpoint is None:
        context["endpoints"] = selectors.webhook_endpoints(request.user)
        template = "notifications/webhookendpoint_list.html"
    else:
        deliveries = selectors.webhook_deliveries(request.user, endpoint)
        context["page"] = Paginator(deliveries, SHOWN).get_page(request.GET.get("page"))
        template = "notifications/webhookendpoint_detail.html"
    return render(request, template, context, status=status)


def _save_endpoint(request: SignedInRequest, endpoint: WebhookEndpoint | None) -> HttpResponse:
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        version = form.cleaned_data.get("version")
        try:
            saved = services.endpoint_save(actor=request.user, data=data, endpoint=endpoint,
                                           expected_version=version)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
        else:
            messages.success(request, f"The webhook to {saved.url} was saved.")
            return redirect("notifications:webhookendpoint_detail", pk=saved.pk)
    return _endpoint_form_page(request, form, endpoint, status=422)


@access(policy.WEBHOOKS_MANAGE)
def webhookendpoint_list(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        return _save_endpoint(request, None)
    form = WebhookEndpointForm(initial={"is_active": True, "events": list(events.KINDS)})
    return _endpoint_form_page(request, form, None)


@access(policy.WEBHOOKS_MANAGE)
def webhookendpoint_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    endpoint = get_visible_or_404(request.user, WebhookEndpoint, pk=pk)
    if request.method == "POST":
        return _save_endpoint(request, endpoint)
    initial = {name: getattr(endpoint, name) for name in services.ENDPOINT_FIELDS}
    form = WebhookEndpointForm(initial={**initial, "version": endpoint.version})
    return _endpoint_form_page(request, form, endpoint)


@access(policy.WEBHOOKS_MANAGE)
@require_POST
def webhookendpoint_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    endpoint = get_visible_or_404(request.user, WebhookEndpoint, pk=pk)
    services.endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, f"The webhook to {endpoint.url} was removed.")
    return redirect("notifications:webhookendpoint_list")


@access(policy.PARTNERSHIP_VIEW)
@require_POST
def partnership_ask(request: SignedInRequest, pk: int) -> HttpResponse:
    """Ask a partnership's owner for what a move needs (from a refused or blocked move)."""
    partnership = get_visible_or_404(request.user, Partnership, pk=pk)
    to_stage = request.POST.get("to", "")
    link = reverse("partnerships:partnership_move", args=[partnership.pk])
    if to_stage in Stage.values:
        link += f"?to={to_stage}"
    try:
        owner = services.ask_owner(
            actor=request.user,
            partnership=partnership,
            message=request.POST.get("message", ""),
            link=link,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{owner.get_username()} was asked (in their notifications).")
    return redirect(link)
