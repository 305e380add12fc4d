"""`{% saved_views_menu %}`: the user's saved views of the list page shown, and a form to save
its filters under a name (core/saved_views.py). One query, whatever the list.

The list is the page's own URL name, or `saved_views_list` in the context for a list shown
again by another address (the partnership list after a refused bulk edit)."""

from typing import Any

from django import template

from accord.core import saved_views

register = template.Library()


@register.inclusion_tag("core/_saved_views.html", takes_context=True)
def saved_views_menu(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    list_name = context.get("saved_views_list") or request.resolver_match.view_name
    current = saved_views.filters_of(request.GET)
    here = saved_views.list_url(list_name) or request.path
    views = [
        (view, saved_views.view_url(view), view.query == current)
        for view in saved_views.saved_views_of(request.user, list_name)
    ]
    return {
        "views": views,
        "list_name": list_name,
        "path": f"{here}?{current}",
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }
