from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accord.core import policy
from accord.core.fragments import render_fragment
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.dashboard.my_work import my_work
from accord.dashboard.selectors import dashboard_for
from accord.metrics.charts import gaps_chart


@access(policy.SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    figures = dashboard_for(request.user)
    body = render_fragment(
        "dashboard/home.html",
        **figures,
        user=request.user,
        gaps_chart=gaps_chart(figures.get("health_gaps") or []),
    )
    return render(request, "dashboard/home.html", {"section": "home", "body": body, **figures})


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
