from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accord.core.audit import audit_channel


class WebChannelMiddleware:
    """Changes made while serving a page are audited as coming from the web (or the API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with audit_channel(channel):
            return self.get_response(request)
