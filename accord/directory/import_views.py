"""Import in the web UI: upload, preview with row-level errors, confirm."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.core import policy
from accord.core.policy import access


@access(policy.DIRECTORY_IMPORT)
def import_start(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/import_start.html", {"section": "directory"})
