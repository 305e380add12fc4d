"""Saved views are their owner's own: each role renames or deletes one of its own, of a list
it may open (a partner user's own workspace list); an anonymous visitor is sent to sign in
from the administrator's."""

from __future__ import annotations

from typing import Any

from accord.core import policy
from accord.core.models import SavedView
from tests.matrix_samples import own_samples, samples


@own_samples(SavedView)
def own_saved_view(user: Any) -> Any:
    internal = policy.is_internal(user)
    list_name = "partnerships:partnership_list" if internal else "workspace:partnership_list"
    view, _ = SavedView.objects.get_or_create(
        user=user, list_name=list_name, name="Matrix view", defaults={"query": "q=matrix"}
    )
    return view


@samples
def saved_view_samples(world: dict[str, Any]) -> dict[Any, Any]:
    return {SavedView: own_saved_view(world["users"]["admin"])}
