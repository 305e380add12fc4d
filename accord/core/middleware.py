import datetime
import functools
import json
import logging
import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

from accord.core.audit import audit_channel
from accord.core.errors import database_busy
from accord.core.views import database_busy_response

logger = logging.getLogger(__name__)


class WebChannelMiddleware:
    """Changes made while serving a page are audited as coming from the web (or the API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with audit_channel(channel):
            return self.get_response(request)


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class UserTimeZoneMiddleware:
    """Pages show dates and times in the signed-in user's own time zone, when they chose one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = str(getattr(getattr(request, "user", None), "time_zone", "") or "")
        zone = _zone(chosen) if chosen else None
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuses a request body larger than the upload limit allows, before anything reads it.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves out uploaded files, which are
    streamed to disk whatever their size. A body of unknown length (chunked, no
    Content-Length) is refused too: Django would read none of it and the form would arrive
    silently empty.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.UPLOAD_LIMIT_BYTES + settings.REQUEST_BODY_MARGIN_BYTES
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        try:
            length = int(raw_length) if raw_length else None
        except ValueError:
            length = None
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length is None and chunked:
            return _refusal(
                request,
                411,
                "length_required",
                "The request has no Content-Length; send the body with its length.",
            )
        if length is not None and length > limit:
            return _refusal(
                request,
                413,
                "too_large",
                f"The request body is {length / (1024 * 1024):,.1f} MB; the upload limit is"
                f" {settings.UPLOAD_LIMIT_MB} MB (ACCORD_UPLOAD_LIMIT_MB).",
            )
        return self.get_response(request)


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": message, "details": []}}
        return JsonResponse(body, status=status)
    return HttpResponse(
        render_to_string("errors/request_refused.html", {"message": message}), status=status
    )


class DatabaseBusyMiddleware:
    """A request that could not get the database's write lock in time answers 503 with
    Retry-After, as a page or in the API's error shape, instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        logger.warning("database busy: %s %s answered 503", request.method, request.path)
        return database_busy_response(request)


# Scripts only from our own files (charts draw from JSON blocks, see accord/core/charts.py);
# styles may be inline (Plotly and Bootstrap set them); nothing may frame the pages.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
))  # fmt: skip
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """The content security policy and permissions policy on every answer (Django's own
    middleware sets nosniff, the referrer policy, the opener policy and X-Frame-Options)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


request_log = logging.getLogger("accord.requests")


class RequestLogMiddleware:
    """One line per request: method, path, status, duration and who asked, as JSON, for log
    collectors (logger `accord.requests`, at INFO; ACCORD_REQUEST_LOG=0 turns it off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request_log.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            request_log.info(json.dumps({
                "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.get_username() if user is not None and user.is_authenticated
                else None,
            }))  # fmt: skip
        return response
