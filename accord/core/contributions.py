"""What a later app adds to an earlier app's page.

The apps depend on each other in one direction (docs/architecture.md): strategy may not import
partnerships, yet a capability gap's page shows the partnerships that address it. Such a page
names an extension point and asks `contributed` for the extra context; the later app registers
a contributor for that point when it is ready (`AppConfig.ready`). A page still renders, with
less on it, when no app contributes. Lists that two contributors give under one name are
joined (the tabs and alerts of a partnership's page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.accounts.models import User

Contributor = Callable[[Any, Any], dict[str, Any]]

# subject: the organization; `actions` as (label, url, POST fields or None for a link), the
# quick actions a later app offers there
ORGANIZATION_PAGE = "directory.organization"
PERSON_PAGE = "directory.person"  # subject: the person
STRATEGY_OVERVIEW = "strategy.overview"  # subject: None (the gaps the actor sees)
GAP_PAGE = "strategy.gap"  # subject: the capability gap
PLAY_PAGE = "strategy.play"  # subject: the partnership play
# subject: the partnership; `tabs` as (label, url, count), `alerts` as
# (level, text, link, link text)
PARTNERSHIP_PAGE = "partnerships.partnership"
# subject: the partnership as a partner user sees it in its workspace; `workspace_sections` as
# (template name, its context)
WORKSPACE_PAGE = "partnerships.workspace"
# subject: the partnership; `timeline` as entries with the template that draws each
PARTNERSHIP_TIMELINE = "partnerships.timeline"
# subject: the ids of the organizations a page lists (a scan's candidates, a round's); what a
# later app knows of each, by organization id (`introductions`)
ORGANIZATIONS_LISTED = "directory.organizations_listed"
POINTS = frozenset(
    {ORGANIZATION_PAGE, PERSON_PAGE, STRATEGY_OVERVIEW, GAP_PAGE, PLAY_PAGE, PARTNERSHIP_PAGE,
     WORKSPACE_PAGE, PARTNERSHIP_TIMELINE, ORGANIZATIONS_LISTED}
)  # fmt: skip

_contributors: dict[str, list[Contributor]] = defaultdict(list)


def contributes_to(point: str) -> Callable[[Contributor], Contributor]:
    """Register the decorated function's context for every page of `point`."""
    if point not in POINTS:
        raise LookupError(f"no extension point named {point!r}")

    def register(contributor: Contributor) -> Contributor:
        if contributor not in _contributors[point]:
            _contributors[point].append(contributor)
        return contributor

    return register


def contributed(point: str, actor: User, subject: Any) -> dict[str, Any]:
    """The context every contributor to `point` adds for `actor` looking at `subject`."""
    context: dict[str, Any] = {}
    for contributor in _contributors[point]:
        for name, value in contributor(actor, subject).items():
            if isinstance(value, list) and isinstance(context.get(name), list):
                context[name] = [*context[name], *value]
            else:
                context[name] = value
    return context
