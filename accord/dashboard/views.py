from django.http import HttpResponse
from django.shortcuts import render

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.dashboard.selectors import dashboard_for
from accord.metrics.charts import gaps_chart


@access(policy.SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    context = {"section": "home", **dashboard_for(request.user)}
    context["gaps_chart"] = gaps_chart(context.get("health_gaps") or [])
    return render(request, "dashboard/home.html", context)
