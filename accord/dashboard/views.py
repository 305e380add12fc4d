from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accord.core import policy
from accord.core.fragments import render_fragment
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.core.remembered import remembered
from accord.dashboard.my_work import my_work
from accord.dashboard.selectors import dashboard_for
from accord.metrics.charts import gaps_chart

# Each person's home page is shown again for this long unless an audited change was made
# since (core/remembered.py): the office's figures as of a moment, as a BI tool's dashboard,
# with a refresh link for the impatient.
HOME_FRESH_SECONDS = 120


@access(policy.SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    user = request.user
    # Filled only when the page is worked out anew; the Django context carries them for the
    # tests that read a panel's figures rather than its HTML.
    figures: dict[str, Any] = {}

    def body() -> str:
        figures.update(dashboard_for(user))
        return render_fragment(
            "dashboard/home.html",
            **figures,
            user=user,
            gaps_chart=gaps_chart(figures.get("health_gaps") or []),
            as_of=timezone.localtime(),
        )

    zone, day = timezone.get_current_timezone_name(), timezone.localdate()
    key = f"home:{user.pk}:{user.role}:{zone}:{day}"
    fresh = request.GET.get("refresh") == "1"
    shown = remembered(key, body, seconds=HOME_FRESH_SECONDS, fresh=fresh)
    return render(request, "dashboard/home.html", {"section": "home", "body": shown, **figures})


@access(policy.PARTNERSHIP_VIEW)
def my_work_page(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {"section": "my_work", "sections": my_work(request.user, today), "today": today}
    return render(request, "dashboard/my_work.html", context)


@access(policy.PARTNERSHIP_VIEW)
def my_work_panel(request: SignedInRequest) -> HttpResponse:
    """The home page's summary of My work, fetched after the page."""
    sections = my_work(request.user, timezone.localdate())
    return render(request, "dashboard/_my_work_panel.html", {"sections": sections})


@access(policy.PARTNERSHIP_VIEW)
def my_work_count(request: SignedInRequest) -> JsonResponse:
    """How many things are the user's to do: the count in the navigation."""
    sections = my_work(request.user, timezone.localdate())
    return JsonResponse({"count": sum(section.total for section in sections)})
