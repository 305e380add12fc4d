"""The requests views and API operations receive, typed with the user they carry.

`@access` (pages) and `api_access` (the API) let a handler run only for a signed-in user, so
its request carries a `User`, not an anonymous one. Core sits below accounts
(docs/architecture.md): the user model is imported for type checking only, and at run time
these names are plain `HttpRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accord.accounts.models import User

    class SignedInRequest(HttpRequest):
        user: User

    class ApiRequest(HttpRequest):
        auth: User

else:
    SignedInRequest = HttpRequest
    ApiRequest = HttpRequest
