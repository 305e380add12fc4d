from django.urls import include, path

from accord.api import api

urlpatterns = [
    path("", include("accord.core.urls")),
    path("", include("accord.dashboard.urls")),
    path("accounts/", include("accord.accounts.urls")),
    path("directory/", include("accord.directory.urls")),
    path("strategy/traceability/", include("accord.partnerships.traceability_urls")),
    path("strategy/", include("accord.strategy.urls")),
    path("partnerships/", include("accord.partnerships.urls")),
    path("coverage/", include("accord.partnerships.coverage_urls")),
    path("scouting/", include("accord.scouting.urls")),
    path("screening/", include("accord.screening.urls")),
    path("pilots/", include("accord.pilots.urls")),
    path("governance/", include("accord.governance.urls")),
    path("metrics/", include("accord.metrics.urls")),
    path("portfolio/", include("accord.portfolio.urls")),
    path("ventures/", include("accord.ventures.urls")),
    path("relationships/", include("accord.relationships.urls")),
    path("notifications/", include("accord.notifications.urls")),
    path("workspace/pilots/", include("accord.pilots.workspace_urls")),
    path("workspace/governance/", include("accord.governance.workspace_urls")),
    path("workspace/", include("accord.partnerships.workspace_urls")),
    path("api/v1/", api.urls),
]

handler403 = "accord.core.views.permission_denied"
handler404 = "accord.core.views.page_not_found"
handler500 = "accord.core.views.server_error"
