"""`@api_access(action)`: declare and enforce the policy action of one API operation.

The declaration is the single source of truth for both sides:

- the OpenAPI operation carries it as `"x-accord-action": action`, which the role-matrix test
  reads to walk every operation as every role;
- the API's authentication classes (accord/api.py) call `authorize(request, user)` right after
  they identify the caller, so a refused caller is answered before the request body is even
  validated (a viewer posting garbage gets 403, not 422).

Answers: no caller → 401 (from the authentication step); a caller without the action → 403,
except on object operations (`model=...` given and the path names the object) when the caller
cannot see that object, or it does not exist → 404, so existence does not leak; a partner user
gets 404 for any path with ids outside its workspace, even ids of its own partnerships.

Usage, below the route decorator:

    @router.get("/organizations/{organization_id}", response=OrganizationOut)
    @api_access(policy.DIRECTORY_VIEW, model=Organization)
    def organization_get(request, organization_id: int): ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from ninja.decorators import decorate_view
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from accord.core import policy

if TYPE_CHECKING:
    from accord.accounts.models import User

OPENAPI_KEY = "x-accord-action"
Handler = TypeVar("Handler", bound=Callable[..., Any])

# The one error format of accord/api.py, documented on every operation's refusals.
ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}
ERRORS = {
    401: "No valid session or API token.",
    403: "The caller's role may not do this.",
    404: "No such object, or the caller may not see it.",
    422: "The request or the data is not valid; `details` names each field.",
}

# An edit that carries the version it was made from (see accord/core/versions.py).
_CONFLICT_BODY = {
    "content": {"application/json": {"schema": ERROR_BODY}},
    "headers": {"ETag": {"description": "The stored version", "schema": {"type": "string"}}},
}
EDIT_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": {"type": "string"},
            "description": 'The ETag of a GET, such as W/"3": the edit is refused (412) if the '
            "object was edited since.",
        }
    ],
    "responses": {
        409: {
            "description": "Edited by someone else since `version`; nothing was written. Each "
            "of `details` names a field with `yours` (sent) and `theirs` (stored now).",
            **_CONFLICT_BODY,
        },
        412: {
            "description": "Edited by someone else since the ETag sent in If-Match; nothing "
            "was written. `details` as for 409.",
            **_CONFLICT_BODY,
        },
    },
}


@dataclass(frozen=True)
class Declared:
    """What an operation declared, with the path values of the request being served."""

    action: str
    model: type[models.Model] | None = None
    path_values: dict[str, Any] = field(default_factory=dict)


def api_access(action: str, *, model: type[models.Model] | None = None) -> Callable[..., Any]:
    """Declare `action` for an operation; `model` names the object an `{id}` path refers to."""

    def decorate(handler: Handler) -> Handler:
        handler.access_action = action  # type: ignore[attr-defined]
        decorate_view(_remember(action, model))(handler)
        _contribute(handler, lambda operation: _declare(operation, action, model))
        return handler

    return decorate


def _contribute(handler: Callable[..., Any], callback: Callable[[Operation], None]) -> None:
    operation = getattr(handler, "_ninja_operation", None)
    if operation is not None:  # api_access was put above the route decorator
        callback(operation)
    else:
        contribute_operation_callback(handler, callback)


def _declare(operation: Operation, action: str, model: type[models.Model] | None) -> None:
    codes = [code for code in ERRORS if code != 404 or model is not None]
    responses = {
        code: {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": ERROR_BODY}},
        }
        for code in codes
    }
    extra = operation.openapi_extra or {}
    operation.openapi_extra = {
        **extra,
        OPENAPI_KEY: action,
        "responses": {**responses, **extra.get("responses", {})},
    }


def _remember(action: str, model: type[models.Model] | None) -> Callable[..., Any]:
    """Wraps the operation's run: the request learns its declared action before auth runs."""

    def decorate(run: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.accord_access = Declared(action, model, dict(kwargs))  # type: ignore[attr-defined]
            return run(request, *args, **kwargs)

        return wrapper

    return decorate


def authorize(request: HttpRequest, user: User) -> Any:
    """Called by the authentication classes once `user` is known; returns it or raises.

    An operation that declared nothing is refused: forgetting `@api_access` fails closed.
    """
    declared: Declared | None = getattr(request, "accord_access", None)
    if declared is None:
        raise PermissionDenied("This operation declares no access action.")
    if policy.can(user, declared.action):
        # A partner user is told an object outside its share does not exist before its body is
        # even read, as it would be told by a role refused outright.
        if not policy.may_learn_existence(user) and not _can_see(user, declared):
            raise Http404
        return user
    if declared.path_values and not policy.may_learn_existence(user):
        raise Http404
    if declared.model is not None and not _can_see(user, declared):
        raise Http404
    raise PermissionDenied(f"Your role may not do this ({declared.action}).")


def _can_see(user: User, declared: Declared) -> bool:
    if declared.model is None or len(declared.path_values) != 1:
        return True  # a collection operation: "forbidden" leaks nothing
    (pk,) = declared.path_values.values()
    try:
        return policy.visible_to(user, declared.model).filter(pk=pk).exists()
    except (ValueError, TypeError):
        return False
