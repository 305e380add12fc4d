"""Screening pages. Due diligence: a partnership's checklist, edited item by item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.partnerships.models import Partnership
from accord.screening import due_diligence
from accord.screening.forms import DueDiligenceItemForm, DueDiligenceTemplateForm
from accord.screening.models import DueDiligenceItem, DueDiligenceTemplateItem


def _page(
    request: SignedInRequest,
    partnership: Partnership,
    *,
    forms: dict[int, DueDiligenceItemForm] | None = None,
    new_form: DueDiligenceItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = list(
        visible_to(request.user, DueDiligenceItem)
        .filter(partnership=partnership)
        .select_related("owner")
    )
    editable = due_diligence.may_edit(request.user, partnership)
    forms = forms or {}
    rows = [
        {
            "item": item,
            "form": forms.get(item.pk)
            or (DueDiligenceItemForm(instance=item, prefix=f"item{item.pk}") if editable else None),
        }
        for item in items
    ]
    done = sum(item.status in item.DONE_STATUSES for item in items)
    return render(
        request,
        "screening/due_diligence.html",
        {
            "section": "partnerships",
            "partnership": partnership,
            "rows": rows,
            "done": done,
            "total": len(items),
            "complete": bool(items) and done == len(items),
            "editable": editable,
            "new_form": new_form or DueDiligenceItemForm(prefix="new"),
        },
        status=status,
    )


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return get_visible_or_404(request.user, Partnership, pk=pk)


@access(policy.PARTNERSHIP_VIEW)
@require_GET
def partnership_due_diligence(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, _partnership(request, pk))


def _editable_partnership(request: SignedInRequest, pk: int) -> Partnership:
    partnership = _partnership(request, pk)
    if not due_diligence.may_edit(request.user, partnership):
        raise PermissionDenied("Only the partnership's owner, its team or an administrator may.")
    return partnership


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_due_diligence_start(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _editable_partnership(request, pk)
    created = due_diligence.due_diligence_start(actor=request.user, partnership=partnership)
    messages.success(request, f"Due diligence started: {len(created)} items added.")
    return redirect(_url(partnership))


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_due_diligence_add(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _editable_partnership(request, pk)
    form = DueDiligenceItemForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            due_diligence.due_diligence_add(
                actor=request.user, partnership=partnership, data=form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect(_url(partnership))
    return _page(request, partnership, new_form=form, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def duediligenceitem_update(request: SignedInRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(request.user, DueDiligenceItem, pk=pk)
    if not due_diligence.may_edit(request.user, item):
        raise PermissionDenied("Only the partnership's owner, its team or an administrator may.")
    if "delete" in request.POST:
        due_diligence.due_diligence_delete(actor=request.user, item=item)
        return redirect(_url(item.partnership))
    form = DueDiligenceItemForm(request.POST, instance=item, prefix=f"item{item.pk}")
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        item.refresh_from_db()  # the form wrote into the instance; the service diffs from here
        try:
            due_diligence.due_diligence_update(
                actor=request.user, item=item, data=data, expected_version=data["version"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            return _page(request, item.partnership, forms={item.pk: form}, status=409)
        else:
            return redirect(_url(item.partnership))
    return _page(request, item.partnership, forms={item.pk: form}, status=422)


def _url(partnership: Partnership) -> str:
    return reverse("screening:partnership_due_diligence", args=[partnership.pk])


# The checklist template every partnership's due diligence starts from.


@access(policy.SCREENING_MANAGE)
def duediligencetemplateitem_list(request: SignedInRequest) -> HttpResponse:
    form = DueDiligenceTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            due_diligence.template_item_add(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("screening:duediligencetemplateitem_list")
    return render(
        request,
        "screening/due_diligence_template.html",
        {
            "section": "screening",
            "items": visible_to(request.user, DueDiligenceTemplateItem),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@access(policy.SCREENING_MANAGE)
@require_POST
def duediligencetemplateitem_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(request.user, DueDiligenceTemplateItem, pk=pk)
    due_diligence.template_item_delete(actor=request.user, item=item)
    messages.success(request, f"“{item.title}” removed from the checklist template.")
    return redirect("screening:duediligencetemplateitem_list")
