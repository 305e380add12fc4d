"""Serving a document's file, to whoever the access policy lets see the document."""

from __future__ import annotations

from django.http import FileResponse, Http404

from accord.accounts.models import User
from accord.core.policy import get_visible_or_404
from accord.partnerships.models import Document


def document_response(actor: User, pk: int) -> FileResponse:
    """The file as an attachment; 404 alike for a hidden document and a missing file."""
    document = get_visible_or_404(actor, Document, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file of this document is missing from storage.") from None
    name = (document.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(
        handle, as_attachment=True, filename=name, content_type=document.content_type
    )
