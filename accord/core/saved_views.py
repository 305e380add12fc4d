"""Saved views: a user's named filters of a list page, opened again with one click.

One mechanism serves every list: a list page puts `{% saved_views_menu %}` beside its filters
(core/templatetags/saved_views.py), which shows the user's views of that page and posts the
list's address with the filters shown, to save them under a name. A view is the page's URL name and
its query string, nothing more, so opening one runs the page's filters afresh through the
access policy: a view never shows a row its owner could not see by typing the filters.

Views are private to their owner. A shared view would carry one person's search text and the
ids of what they chose into everyone's menu, and would need someone to tidy it; a link copied
from the address bar already shares filters with a colleague.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from accord.core import audit, policy
from accord.core.models import AuditEvent, SavedView
from accord.core.remembered import remembered

if TYPE_CHECKING:
    from accord.accounts.models import User

# What a list's query holds that is not a filter: the page shown, a download asked for, the
# partnership list's bulk edit.
NOT_FILTERS = frozenset({"page", "export", "bulk", "csrfmiddlewaretoken"})
MAX_PER_LIST = 30
MENU_FRESH_SECONDS = 300
# How the lists that offer saved views are named in messages and on the page of one's views;
# a list not named here is called by its URL name in words.
LIST_LABELS = {
    "directory:organization_list": "Organizations",
    "directory:person_list": "People",
    "directory:tag_list": "Tags",
    "partnerships:partnership_list": "Partnerships",
    "partnerships:partnership_board": "Pipeline board",
    "coverage:matrix": "Gap coverage",
    "pilots:pilot_list": "Pilots",
    "strategy:play_list": "Partnership plays",
    "core:audit_log": "Audit log",
    "accounts:signinevent_list": "Sign-ins",
}


def list_label(list_name: str) -> str:
    words = list_name.rpartition(":")[2].replace("_", " ")
    return LIST_LABELS.get(list_name, words.capitalize())


def list_url(list_name: str) -> str | None:
    """The list page's address; None when no page without arguments has that name."""
    try:
        return reverse(list_name)
    except NoReverseMatch:
        return None


def view_url(view: SavedView) -> str | None:
    """The address that opens `view`; None if its list no longer exists."""
    url = list_url(view.list_name)
    if url is None:
        return None
    return f"{url}?{view.query}" if view.query else url


def filters_of(params: QueryDict) -> str:
    """The filters of a list's query, as a saved view stores them: without the page shown
    or a download, without empty fields."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        chosen = [value for value in values if value.strip()]
        if key not in NOT_FILTERS and chosen:
            kept.setlist(key, chosen)
    return kept.urlencode()


# Reads ------------------------------------------------------------------------------------


def saved_views_all(actor: User) -> QuerySet[SavedView]:
    """The actor's own views of every list."""
    return policy.visible_to(actor, SavedView).order_by("list_name", "name", "id")


def saved_views_of(actor: User, list_name: str) -> list[SavedView]:
    """The actor's own views of one list, by name: one query."""
    return list(
        saved_views_all(actor).filter(list_name=list_name).only("list_name", "name", "query")
    )


def menu_of(actor: User, list_name: str) -> list[tuple[str, str | None, str]]:
    """(name, address, filters) of the actor's views of one list, for the menu beside its
    filters: remembered (core/remembered.py), as saving, renaming and deleting are audited."""

    def read() -> list[tuple[str, str | None, str]]:
        return [(v.name, view_url(v), v.query) for v in saved_views_of(actor, list_name)]

    return remembered(f"saved-views:{actor.pk}:{list_name}", read, seconds=MENU_FRESH_SECONDS)


# Writes -----------------------------------------------------------------------------------


def _name_errors(actor: User, list_name: str, name: str, *, but: int | None = None) -> list[str]:
    if not name:
        return ["Give the view a name."]
    if len(name) > SavedView.NAME_LENGTH:
        return [f"A name has at most {SavedView.NAME_LENGTH} characters; this one has {len(name)}."]
    taken = SavedView.objects.filter(user=actor, list_name=list_name, name__iexact=name)
    if but is not None:
        taken = taken.exclude(pk=but)
    if taken.exists():
        return [f"You already have a view called “{name}” on {list_label(list_name)}."]
    return []


def _check_list(actor: User, list_name: str) -> None:
    """A list the actor may open: a page without arguments whose action the actor has."""
    url = list_url(list_name) if list_name else None
    action = getattr(resolve(url).func, "access_action", None) if url else None
    if action is None or not policy.can(actor, action):
        raise ValidationError({"list": f"No list “{list_name[:100]}” that you may open."})


def _query_for(list_name: str, submitted: str) -> str:
    """The filters of `submitted`: a query string, or the path of the list page with its
    query; a path of another page is refused."""
    submitted = submitted.strip()
    parts = urlsplit(submitted if submitted.startswith("/") else f"?{submitted.lstrip('?')}")
    if parts.path:
        try:
            shown = resolve(parts.path).view_name
        except Resolver404:
            shown = ""
        if shown != list_name:
            where = list_label(shown) if shown else f"“{parts.path[:100]}”"
            raise ValidationError(
                {"query": f"These filters are of {where}, not of {list_label(list_name)}."}
            )
    query = filters_of(QueryDict(parts.query))
    if len(query) > SavedView.QUERY_LENGTH:
        raise ValidationError(
            {"query": f"The filters are too long to save: {len(query)} characters, at most "
                      f"{SavedView.QUERY_LENGTH}."}
        )  # fmt: skip
    return query


def _values(view: SavedView) -> dict[str, str]:
    return {"list_name": view.list_name, "name": view.name, "query": view.query}


def _save(view: SavedView, message: str) -> None:
    # Two saves of one name at once: the second meets the unique constraint, not a 500.
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise ValidationError({"name": message}) from None


@transaction.atomic
def saved_view_create(*, actor: User, list_name: str, name: str, query: str) -> SavedView:
    """Save the filters `query` of the list `list_name` under `name`, for the actor alone."""
    policy.require(actor, policy.SIGNED_IN)
    _check_list(actor, list_name)
    name = name.strip()
    errors = {"name": _name_errors(actor, list_name, name)}
    if SavedView.objects.filter(user=actor, list_name=list_name).count() >= MAX_PER_LIST:
        errors["name"].append(
            f"You have {MAX_PER_LIST} views of {list_label(list_name)}; delete one first."
        )
    view = SavedView(user=actor, list_name=list_name, name=name)
    try:
        view.query = _query_for(list_name, query)
    except ValidationError as error:
        errors.update(error.message_dict)
    if any(errors.values()):
        raise ValidationError({field: found for field, found in errors.items() if found})
    _save(view, f"You already have a view called “{name}” on {list_label(list_name)}.")
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=view,
                 changes=audit.diff({}, _values(view)))  # fmt: skip
    return view


def _require_own(actor: User, view: SavedView) -> None:
    if policy.signed_in(actor) is None or view.user_id != actor.pk:
        raise PermissionDenied("A saved view is its owner's alone.")


@transaction.atomic
def saved_view_rename(*, actor: User, view: SavedView, name: str) -> SavedView:
    _require_own(actor, view)
    name = name.strip()
    errors = _name_errors(actor, view.list_name, name, but=view.pk)
    if errors:
        raise ValidationError({"name": errors})
    before = _values(view)
    view.name = name
    _save(view, f"You already have a view called “{name}” on {list_label(view.list_name)}.")
    changes = audit.diff(before, _values(view))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=view, changes=changes)
    return view


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    _require_own(actor, view)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, instance=view,
                 changes=audit.removed(_values(view)))  # fmt: skip
    view.delete()
