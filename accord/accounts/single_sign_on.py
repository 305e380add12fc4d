"""Single sign-on through the company's OpenID Connect provider (mozilla-django-oidc).

The provider vouches for who someone is and which groups they are in; the groups give the
Accord role (`OIDC_ROLE_GROUPS`, the highest role wins) at every sign-in, so that a change at
the provider takes effect the next time. The first sign-in makes the account, or links the
account that has the same verified e-mail address; later ones find it by the provider's stable
subject id. Partner users do not sign in this way: they belong to other companies.

A sign-in is refused, in words on the sign-in page, when the person is in no group that gives
a role, when their account is switched off or is a partner user's, and when the provider
cannot be reached or answers wrongly.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accord.accounts import services
from accord.accounts.models import User
from accord.core import policy

logger = logging.getLogger("accord.signin")

# From the highest role to the lowest: a person in several mapped groups gets the first.
ROLE_ORDER = (
    policy.ADMIN, policy.EXECUTIVE, policy.MANAGER, policy.VENTURES, policy.CONTRIBUTOR,
    policy.VIEWER,
)  # fmt: skip
# The settings single sign-on cannot do without, and the environment variables that set them.
REQUIRED = {
    "OIDC_RP_CLIENT_SECRET": "ACCORD_OIDC_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "ACCORD_OIDC_AUTHORIZATION_URL",
    "OIDC_OP_TOKEN_ENDPOINT": "ACCORD_OIDC_TOKEN_URL",
    "OIDC_OP_USER_ENDPOINT": "ACCORD_OIDC_USERINFO_URL",
    "OIDC_OP_JWKS_ENDPOINT": "ACCORD_OIDC_JWKS_URL",
}


def configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def role_groups(text: str) -> dict[str, set[str]]:
    """`"admin: accord-admins; manager: alliance-office, corp-dev"` as {role: groups}, or a
    message naming the entry that is wrong."""
    mapping: dict[str, set[str]] = {}
    for number, entry in enumerate((e for e in text.split(";") if e.strip()), start=1):
        role, colon, groups = entry.partition(":")
        role = role.strip()
        if not colon or role not in ROLE_ORDER:
            raise ImproperlyConfigured(
                f"ACCORD_OIDC_ROLE_GROUPS, entry {number} ({entry.strip()!r}): write "
                f"'role: group, group' with a role of {', '.join(ROLE_ORDER)}"
            )
        names = {g.strip() for g in groups.split(",") if g.strip()}
        if not names:
            raise ImproperlyConfigured(
                f"ACCORD_OIDC_ROLE_GROUPS, entry {number} ({entry.strip()!r}): no group named"
            )
        mapping.setdefault(role, set()).update(names)
    return mapping


def configuration_problems() -> list[str]:
    if not configured():
        return []
    problems = [
        f"single sign-on needs {variable} as well"
        for name, variable in REQUIRED.items()
        if not getattr(settings, name)
    ]
    try:
        if not role_groups(settings.OIDC_ROLE_GROUPS):
            problems.append("ACCORD_OIDC_ROLE_GROUPS gives no group a role: nobody could sign in")
    except ImproperlyConfigured as error:
        problems.append(str(error))
    return problems


def role_for(claims: dict[str, Any]) -> str | None:
    """The highest role the person's groups give, or None."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    member_of = {str(group) for group in groups}
    mapping = role_groups(settings.OIDC_ROLE_GROUPS)
    return next((role for role in ROLE_ORDER if mapping.get(role, set()) & member_of), None)


class Backend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if configured():  # the base reads (and insists on) the settings
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; a password sign-in is not this backend's.
        if not configured() or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _refuse(self, reason: str) -> NoReturn:
        """Refuse a sign-in the provider vouched for, saying why on the sign-in page."""
        messages.error(self.request, reason)
        raise SuspiciousOperation(reason)  # the base logs it and signs nobody in

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User:
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not claims.get("sub"):
            raise SuspiciousOperation("The identity provider named no subject ('sub').")
        role = role_for(claims)
        if role is None:
            self._refuse(
                "Your account at the identity provider is in none of the groups that give an "
                "Accord role; ask an administrator to add you to one."
            )
        try:
            user = services.sso_user(
                subject=str(claims["sub"]),
                email=_verified_email(claims),
                role=role,
                username=str(claims.get("preferred_username") or ""),
                first_name=str(claims.get("given_name") or ""),
                last_name=str(claims.get("family_name") or ""),
            )
        except PermissionDenied as refusal:
            self._refuse(str(refusal))
        if not user.is_active:
            self._refuse("Your Accord account is switched off; ask an administrator.")
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict:
        """The base checks the signature, expiry and nonce; the audience and issuer too here,
        so that a token the provider made for another application is not taken."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was made for another application.")
        if settings.OIDC_ISSUER and payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token has no expiry.")
        return payload


def _verified_email(claims: dict[str, Any]) -> str:
    """The e-mail address, unless the provider says it is not verified."""
    if claims.get("email_verified") is False:
        return ""
    return str(claims.get("email") or "").strip()


class _Start(OIDCAuthenticationRequestView):
    pass


class _Callback(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        if not messages.get_messages(self.request):
            messages.error(self.request, "Single sign-on did not sign you in; try again.")
        return redirect(settings.LOGIN_URL)


def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider's sign-in."""
    if not configured():
        raise Http404("Single sign-on is not set up here.")
    return _Start.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back: sign in, or say on the sign-in page why not."""
    if not configured():
        raise Http404("Single sign-on is not set up here.")
    try:
        return _Callback.as_view()(request)
    except requests.RequestException as error:
        reference = get_random_string(8)
        logger.warning("single sign-on: the provider failed (%s) [%s]", error, reference)
        messages.error(
            request,
            "The identity provider could not be reached or refused the sign-in; try again "
            f"later, or tell an administrator (reference {reference}).",
        )
    except SuspiciousOperation as error:
        logger.warning("single sign-on refused: %s", error)
        messages.error(request, "The identity provider's answer could not be trusted; sign in "
                                "again from the start.")  # fmt: skip
    return redirect(settings.LOGIN_URL)
