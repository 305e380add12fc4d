from typing import Any

from django.db.models import Count

from accord.core import policy
from accord.core.models import AuditEvent
from accord.core.policy import visible_to


def dashboard_for(actor: Any) -> dict[str, Any]:
    """The home page's figures, each read through the access policy."""
    from accord.directory.models import Organization, Person, Tag

    if not policy.can(actor, policy.DIRECTORY_VIEW):
        return {"workspace_organization": getattr(actor, "organization", None)}
    organizations = visible_to(actor, Organization)
    by_kind = list(organizations.values("kind").annotate(n=Count("id")).order_by("-n"))
    kind_labels = dict(Organization.Kind.choices)
    return {
        "organization_count": organizations.count(),
        "person_count": visible_to(actor, Person).count(),
        "tag_count": visible_to(actor, Tag).count(),
        "by_kind": [
            {"kind": r["kind"], "label": kind_labels.get(r["kind"], r["kind"]), "n": r["n"]}
            for r in by_kind
        ],
        "recent_changes": list(visible_to(actor, AuditEvent).select_related("actor")[:12]),
        "self_organization": organizations.filter(is_self=True).first(),
    }
