from typing import Any

from django.http import HttpRequest

from accord.core import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the shared layout needs to show only the sections the user may open."""
    user = getattr(request, "user", None)
    return {
        "nav": {
            "directory": policy.can(user, policy.DIRECTORY_VIEW),
            "import": policy.can(user, policy.DIRECTORY_IMPORT),
            "audit": policy.can(user, policy.AUDIT_VIEW),
            "users": policy.can(user, policy.USERS_MANAGE),
            "system": policy.can(user, policy.SYSTEM_VIEW),
            "webhooks": policy.can(user, policy.WEBHOOKS_MANAGE),
            "strategy": policy.can(user, policy.STRATEGY_VIEW),
            "partnerships": policy.can(user, policy.PARTNERSHIP_VIEW),
            "my_work": policy.can(user, policy.PARTNERSHIP_VIEW),
            "gates": policy.can(user, policy.GATES_MANAGE),
            "workspace": policy.can(user, policy.WORKSPACE_VIEW),
            "screening": policy.can(user, policy.SCREENING_VIEW),
            "scouting": policy.can(user, policy.SCOUTING_VIEW),
            "ventures": policy.can(user, policy.VENTURES_VIEW),
        },
        "role": policy.role_of(user),
    }
