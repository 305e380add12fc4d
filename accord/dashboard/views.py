from django.http import HttpResponse
from django.shortcuts import render

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.dashboard.selectors import dashboard_for


@access(policy.SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    context = {"section": "home", **dashboard_for(request.user)}
    return render(request, "dashboard/home.html", context)
