import sys
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from accord.core import audit_words, policy, saved_views, schedule, worker
from accord.core.errors import database_busy
from accord.core.http import SignedInRequest
from accord.core.models import AuditEvent, SavedView
from accord.core.policy import access, get_visible_or_404, visible_to


@access(policy.AUDIT_VIEW)
def audit_log(request: SignedInRequest) -> HttpResponse:
    events = visible_to(request.user, AuditEvent).select_related("actor")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("model", "action", "channel", "actor", "object_id")
    }
    if filters["model"]:
        events = events.filter(model=filters["model"])
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if filters["channel"]:
        events = events.filter(channel=filters["channel"])
    if filters["actor"]:
        events = events.filter(actor_name=filters["actor"])
    if filters["object_id"]:
        events = events.filter(object_id=filters["object_id"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "section": "admin",
            "page": page,
            "filters": filters,
            "actions": AuditEvent.Action.choices,
            "kinds": audit_words.kinds(),
            "channels": AuditEvent.Channel.choices,
        },
    )


@access(policy.SYSTEM_VIEW)
def system_status(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "core/system.html",
        {
            "section": "admin",
            "worker": worker.worker_status(request.user),
            "failures": worker.recent_failures(request.user),
            "runs": schedule.latest_runs(request.user),
            "stale_after": int(worker.STALE_AFTER.total_seconds()),
        },
    )


# Saved views ---------------------------------------------------------------------------


@access(policy.SIGNED_IN)
def savedview_list(request: SignedInRequest) -> HttpResponse:
    """The user's own saved views of every list, to open, rename or delete."""
    views = saved_views.saved_views_all(request.user)
    lists = [
        (saved_views.list_label(name), [(v, saved_views.view_url(v)) for v in group])
        for name, group in groupby(views, key=lambda v: v.list_name)
    ]
    return render(request, "core/savedview_list.html", {"lists": lists})


@access(policy.SIGNED_IN)
def savedview_create(request: SignedInRequest) -> HttpResponse:
    """Save the filters of the list page the form was on; back to it, with a message."""
    if request.method != "POST":
        return redirect("core:savedview_list")
    submitted = request.POST.get("query", "")
    try:
        view = saved_views.saved_view_create(
            actor=request.user,
            list_name=request.POST.get("list", ""),
            name=request.POST.get("name", ""),
            query=submitted,
        )
    except ValidationError as error:
        messages.error(request, "The view was not saved. " + " ".join(error.messages))
        page = submitted.strip()
        if page.startswith("/") and url_has_allowed_host_and_scheme(page, {request.get_host()}):
            return redirect(page)
        return redirect("core:savedview_list")
    messages.success(request, f"The view “{view.name}” was saved.")
    return redirect(saved_views.view_url(view) or "core:savedview_list")


@access(policy.SIGNED_IN)
def savedview_rename(request: SignedInRequest, pk: int) -> HttpResponse:
    view = get_visible_or_404(request.user, SavedView, pk=pk)
    if request.method == "POST":
        old = view.name
        try:
            saved_views.saved_view_rename(
                actor=request.user, view=view, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            messages.error(request, f"“{old}” was not renamed. " + " ".join(error.messages))
        else:
            messages.success(request, f"“{old}” is now called “{view.name}”.")
    return redirect("core:savedview_list")


@access(policy.SIGNED_IN)
def savedview_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    view = get_visible_or_404(request.user, SavedView, pk=pk)
    if request.method == "POST":
        saved_views.saved_view_delete(actor=request.user, view=view)
        messages.success(request, f"The view “{view.name}” was deleted.")
    return redirect("core:savedview_list")


@access(policy.PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers and the background worker has beaten lately, else 503;
    for load balancers and monitors, so it says which check failed and nothing more."""
    checks = {"database": _database_answers(), "worker": False}
    if checks["database"]:
        checks["worker"] = worker.heartbeat_is_fresh()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception else ""
    if request.path.startswith("/api/"):
        return _api_error(403, "forbidden", reason or "Not allowed.")
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", "Not found.")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if database_busy(sys.exception()):  # raised outside a view (a middleware saving a session)
        return database_busy_response(request)
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", "An unexpected error occurred.")
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


BUSY_MESSAGE = (
    "The database is busy with another change (a large import, perhaps) and nothing was saved."
    " Try again in a few seconds."
)


def database_busy_response(request: HttpRequest) -> HttpResponse:
    """503 for a request that could not get the database's write lock in time."""
    retry_after = settings.ACCORD_BUSY_RETRY_AFTER_SECONDS
    if request.path.startswith("/api/"):
        response = _api_error(503, "busy", BUSY_MESSAGE)
    else:
        page = loader.get_template("errors/503.html").render(
            {"message": BUSY_MESSAGE, "retry_after": retry_after}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    return response


def _api_error(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": []}}, status=status)
