"""`{% saved_views_menu %}`: the user's saved views of the list page shown, and a form to save
its filters under a name (core/saved_views.py), remembered until an audited change.

The list is the page's own URL name, or `saved_views_list` in the context for a list shown
again by another address (the partnership list after a refused bulk edit)."""

from django import template
from django.utils.safestring import SafeString

from accord.core import saved_views
from accord.core.fragments import render_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def saved_views_menu(context: template.Context) -> SafeString:
    request = context["request"]
    list_name = context.get("saved_views_list") or request.resolver_match.view_name
    current = saved_views.filters_of(request.GET)
    here = saved_views.list_url(list_name) or request.path
    views = [
        (name, url, query == current)
        for name, url, query in saved_views.menu_of(request.user, list_name)
    ]
    return render_fragment(
        "core/saved_views.html",
        views=views,
        list_name=list_name,
        path=f"{here}?{current}",
        current=current,
        csrf_token=context.get("csrf_token"),
    )
