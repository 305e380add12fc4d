"""The partner workspace: partner users read and add to what is shared with their organization.

Every row comes through the access policy as the partner user: only partnerships their
organization is a party to, only shared notes and documents, only their own party row. Anything
else, including another partnership's id, answers the same 404 as a missing one. Internal roles
use the internal pages; here they get 403.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import WORKSPACE_PAGE, contributed
from accord.core.forms import BootstrapFormMixin, add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.core.prefetch import attach
from accord.partnerships import selectors, services
from accord.partnerships.downloads import document_response
from accord.partnerships.models import Document, Note, Partnership, PartnershipParty, Visibility
from accord.partnerships.services import DOCUMENT_TYPES

SECTION = {"section": "workspace"}


class CommentForm(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    body = forms.CharField(
        label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SharedNoteForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Note", max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SharedDocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(required=False, max_length=200)
    file = forms.FileField()


def _with_role_label(partnership: Partnership) -> Partnership:
    role = partnership.role  # type: ignore[attr-defined]
    roles = PartnershipParty.Role
    partnership.own_role_label = roles(role).label if role in roles.values else ""  # type: ignore[attr-defined]
    return partnership


def _partnership(actor: User, pk: int) -> Partnership:
    return _with_role_label(get_object_or_404(selectors.workspace_partnerships(actor), pk=pk))


def _detail_url(partnership_id: int, anchor: str = "") -> str:
    url = reverse("workspace:partnership_detail", args=[partnership_id])
    return f"{url}#{anchor}" if anchor else url


@access(policy.WORKSPACE_VIEW)
def partnership_list(request: SignedInRequest) -> HttpResponse:
    actor = request.user
    shared_notes = visible_to(actor, Note).values("pk")
    shared_documents = visible_to(actor, Document).values("pk")
    rows = selectors.workspace_partnerships(actor).annotate(
        note_count=Count("notes_set", filter=Q(notes_set__in=shared_notes), distinct=True),
        document_count=Count("documents", filter=Q(documents__in=shared_documents), distinct=True),
    )
    partnerships = [_with_role_label(p) for p in rows]
    context = {"partnerships": partnerships, "organization": actor.organization, **SECTION}
    return render(request, "partnerships/workspace_list.html", context)


@access(policy.WORKSPACE_VIEW)
def partnership_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET shows the shared items; POST uploads a document, shared by nature."""
    partnership = _partnership(request.user, pk)
    if request.method != "POST":
        return _detail(request, partnership)
    form = SharedDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                partnership=partnership,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                visibility=Visibility.SHARED,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{document.title} was shared.")
            return redirect(_detail_url(partnership.pk, "documents"))
    return _detail(request, partnership, document_form=form, status=400)


@access(policy.WORKSPACE_VIEW)
def partnership_note(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request.user, pk)
    if request.method != "POST":
        return redirect(_detail_url(partnership.pk))
    form = SharedNoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.note_create(
                actor=request.user,
                partnership=partnership,
                body=form.cleaned_data["body"],
                visibility=Visibility.SHARED,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Your note was shared.")
            return redirect(_detail_url(partnership.pk, f"note-{note.pk}"))
    return _detail(request, partnership, note_form=form, status=400)


@access(policy.WORKSPACE_VIEW)
def note_comment(request: SignedInRequest, pk: int) -> HttpResponse:
    note = get_visible_or_404(request.user, Note, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(note.partnership_id, f"note-{note.pk}"))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(actor=request.user, note=note, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Your comment was added.")
            return redirect(_detail_url(note.partnership_id, f"note-{note.pk}"))
    partnership = _partnership(request.user, note.partnership_id)
    return _detail(request, partnership, comment_forms={note.pk: form}, status=400)


@access(policy.WORKSPACE_VIEW)
def document_download(request: SignedInRequest, pk: int) -> FileResponse:
    return document_response(request.user, pk)


def _detail(
    request: SignedInRequest,
    partnership: Partnership,
    *,
    note_form: SharedNoteForm | None = None,
    document_form: SharedDocumentForm | None = None,
    comment_forms: dict[int, CommentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page in a constant number of queries, whatever the number of notes and comments."""
    actor = request.user
    notes = list(selectors.partnership_notes(actor, partnership))
    comment_forms = comment_forms or {}
    for note in notes:
        attach(
            note,
            comment_form=comment_forms.get(note.pk) or CommentForm(auto_id=f"id_%s_{note.pk}"),
        )
    context = {
        "partnership": partnership,
        "organization": actor.organization,
        "notes": notes,
        "documents": selectors.partnership_documents(actor, partnership),
        "note_form": note_form or SharedNoteForm(),
        "document_form": document_form or SharedDocumentForm(),
        "limit_mb": settings.UPLOAD_LIMIT_MB,
        "types": ", ".join(sorted(DOCUMENT_TYPES)),
        **SECTION,
        **contributed(WORKSPACE_PAGE, actor, partnership),
    }
    return render(request, "partnerships/workspace_detail.html", context, status=status)
