"""The REST API under /api/v1: one NinjaAPI, session or bearer-token auth, one error format.

Every error answers `{"error": {"code", "message", "details": [{"field", "message"}]}}`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from accord.accounts.api import router as accounts_router
from accord.accounts.services import token_user
from accord.core.api_access import authorize
from accord.core.errors import ConflictError, EditConflict, GateRefused, database_busy
from accord.core.views import database_busy_response
from accord.directory.api import router as directory_router
from accord.governance.api import router as governance_router
from accord.governance.workspace_api import router as governance_workspace_router
from accord.metrics.api import router as metrics_router
from accord.metrics.workspace_api import router as metrics_workspace_router
from accord.notifications.api import router as notifications_router
from accord.partnerships.api import router as partnerships_router
from accord.pilots.api import router as pilots_router
from accord.pilots.workspace_api import router as pilots_workspace_router
from accord.portfolio.api import router as portfolio_router
from accord.relationships.api import router as relationships_router
from accord.scouting.api import router as scouting_router
from accord.screening.api import router as screening_router
from accord.strategy.api import router as strategy_router
from accord.ventures.api import router as ventures_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return authorize(request, user)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None  # no session at all: answer 401, not a CSRF failure
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return authorize(request, user)
        return None


api = NinjaAPI(
    title="Accord API",
    version="1.0.0",
    description="Strategic partnerships: directory, strategy, pipeline and more. "
    "Authenticate with `Authorization: Bearer TOKEN` (create a token on your account page "
    "or with `accord tokens create`).",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    urls_namespace="api-1.0.0",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: list | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [{"field": _field_name(e), "message": e.get("msg", "invalid")} for e in exc.errors]
    return error_response(request, 422, "invalid", "The request is not valid.", details)


def _field_name(error: dict) -> str:
    """`country` for a body field (loc: body, payload, country), `limit` for a query one."""
    loc = [str(p) for p in error.get("loc", [])]
    if loc[:1] == ["body"] and len(loc) > 2:
        loc = loc[2:]
    elif len(loc) > 1:
        loc = loc[1:]
    return ".".join(loc)


@api.exception_handler(ValidationError)
def _model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        details = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        details = [{"field": None, "message": m} for m in exc.messages]
    return error_response(request, 422, "invalid", "The data is not valid.", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", "Sign in or send a valid API token.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(GateRefused)
def _gate_refused(request: HttpRequest, exc: GateRefused) -> HttpResponse:
    details = [{"field": None, "message": item} for item in exc.missing]
    return error_response(request, 422, "gate_refused", "The stage gate refused the move.", details)


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return error_response(request, 409, "conflict", str(exc) or "Changed by someone else.")


@api.exception_handler(EditConflict)
def _edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """412 when the caller sent If-Match, else 409; `details` gives each field's two values."""
    if "If-Match" in request.headers:
        status, code = 412, "precondition_failed"
    else:
        status, code = 409, "conflict"
    details = [c.as_detail() for c in exc.conflicts]
    response = error_response(request, status, code, str(exc), details)
    response["ETag"] = f'W/"{exc.version}"'
    return response


@api.exception_handler(OperationalError)
def _database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    if not database_busy(exc):
        raise exc
    return database_busy_response(request)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


for router in (
    directory_router,
    accounts_router,
    strategy_router,
    partnerships_router,
    screening_router,
    scouting_router,
    pilots_router,
    governance_router,
    metrics_router,
    relationships_router,
    notifications_router,
    portfolio_router,
    ventures_router,
    pilots_workspace_router,
    governance_workspace_router,
    metrics_workspace_router,
):
    api.add_router("/", router)
