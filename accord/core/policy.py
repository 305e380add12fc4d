"""The access policy: the one place that says who may do what and see which rows.

Every view, API operation, export and report asks this module, either through `can` /
`require` for an action, or through `visible_to` for the rows a user may read. Views and API
operations declare their action with `@access(...)` / `api_access(...)`, which the role-matrix
test reads to walk every endpoint as every role.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

ADMIN, EXECUTIVE, MANAGER, CONTRIBUTOR, VIEWER, PARTNER = (
    "admin",
    "executive",
    "manager",
    "contributor",
    "viewer",
    "partner",
)
ROLES = (ADMIN, EXECUTIVE, MANAGER, CONTRIBUTOR, VIEWER, PARTNER)
INTERNAL_ROLES = (ADMIN, EXECUTIVE, MANAGER, CONTRIBUTOR, VIEWER)

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in user, partner users included (own account, home)

DIRECTORY_VIEW = "directory.view"
DIRECTORY_CHANGE = "directory.change"
DIRECTORY_IMPORT = "directory.import"
AUDIT_VIEW = "audit.view"
USERS_MANAGE = "users.manage"

_READ_ALL = {DIRECTORY_VIEW}
ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset(_READ_ALL | {DIRECTORY_CHANGE, DIRECTORY_IMPORT, AUDIT_VIEW, USERS_MANAGE}),
    EXECUTIVE: frozenset(_READ_ALL),
    MANAGER: frozenset(_READ_ALL | {DIRECTORY_CHANGE, DIRECTORY_IMPORT}),
    CONTRIBUTOR: frozenset(_READ_ALL),
    VIEWER: frozenset(_READ_ALL),
    PARTNER: frozenset(),
}


def role_of(user: Any) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def can(user: Any, action: str) -> bool:
    if action == PUBLIC:
        return True
    role = role_of(user)
    if role is None:
        return False
    if action == SIGNED_IN:
        return True
    return action in ACTIONS_BY_ROLE.get(role, frozenset())


def require(user: Any, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied(f"Your role may not do this ({action}).")


def visible_to(user: Any, model: type[models.Model]) -> models.QuerySet:
    """The rows of `model` that `user` may read. Unknown models are refused, never open."""
    label = model._meta.label_lower
    rule = _VISIBILITY.get(label)
    if rule is None:
        raise LookupError(f"the access policy has no rule for {label}")
    return rule(user, model._default_manager.all())


def get_visible_or_404(user: Any, model: type[models.Model], **lookup: Any) -> Any:
    """Fetch one row the user may read; missing and forbidden look the same (404)."""
    try:
        return visible_to(user, model).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None


def _directory_rows(user: Any, qs: models.QuerySet) -> models.QuerySet:
    return qs if can(user, DIRECTORY_VIEW) else qs.none()


def _audit_rows(user: Any, qs: models.QuerySet) -> models.QuerySet:
    if can(user, AUDIT_VIEW):
        return qs
    if can(user, DIRECTORY_VIEW):
        return qs.filter(model__startswith="directory.")
    return qs.none()


def _user_rows(user: Any, qs: models.QuerySet) -> models.QuerySet:
    if can(user, USERS_MANAGE):
        return qs
    if role_of(user) is None:
        return qs.none()
    return qs.filter(pk=user.pk)


def _token_rows(user: Any, qs: models.QuerySet) -> models.QuerySet:
    if role_of(user) is None:
        return qs.none()
    return qs.filter(user=user)


_VISIBILITY: dict[str, Callable[[Any, models.QuerySet], models.QuerySet]] = {
    "directory.organization": _directory_rows,
    "directory.person": _directory_rows,
    "directory.tag": _directory_rows,
    "directory.externalid": _directory_rows,
    "core.auditevent": _audit_rows,
    "accounts.user": _user_rows,
    "accounts.apitoken": _token_rows,
}

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def access(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare and enforce the action a view needs. Anonymous users are sent to log in."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if action != PUBLIC and role_of(request.user) is None:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            require(request.user, action)
            return view(request, *args, **kwargs)

        wrapper.access_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
