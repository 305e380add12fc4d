"""The caller's own account: who am I, and which API tokens do I hold."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from accord.accounts.models import ApiToken
from accord.core import policy
from accord.core.api_access import api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    organization_id: int | None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.get("/me", response=MeOut)
@api_access(policy.SIGNED_IN)
def me(request: ApiRequest):
    """The signed-in user (or the owner of the token)."""
    return request.auth


@router.get("/me/tokens", response=list[TokenOut])
@api_access(policy.SIGNED_IN)
@paginate(Page)
def my_tokens(request: ApiRequest):
    """The caller's API tokens, newest first; the raw key is never shown again."""
    return policy.visible_to(request.auth, ApiToken)
