"""Network pages: the interactions (latest first, by organization or partnership) with the
form to record one, and an interaction's page to read and change it. Thin: reads through
selectors, writes through services."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.audit import audit_channel
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.directory.models import Organization, Person
from accord.partnerships.models import Partnership
from accord.relationships import charts, importing, selectors, services
from accord.relationships.forms import (
    CadenceRuleForm,
    CalendarImportForm,
    ConnectionsImportForm,
    InteractionForm,
    InteractionsImportForm,
    VCardImportForm,
)
from accord.relationships.models import CadenceRule, Connection, Interaction

SECTION = {"section": "directory"}
SHOWN = 25


def _filters(request: SignedInRequest) -> dict[str, Any]:
    """The organization or partnership the list is narrowed to, if any the user may see."""
    found: dict[str, Any] = {}
    for name, model in (("organization", Organization), ("partnership", Partnership)):
        value = request.GET.get(name) or request.POST.get(name)
        if value and value.isdigit():
            found[name] = visible_to(request.user, model).filter(pk=value).first()
    return {k: v for k, v in found.items() if v is not None}


def _list(
    request: SignedInRequest, form: InteractionForm | None = None, status: int = 200,
    problems: list[Any] | None = None, **forms: Any,
) -> HttpResponse:  # fmt: skip
    narrowed = _filters(request)
    rows = selectors.interaction_rows(request.user).prefetch_related(
        "attendees__person", "organizations"
    )
    if "organization" in narrowed:
        rows = rows.filter(organizations=narrowed["organization"])
    if "partnership" in narrowed:
        rows = rows.filter(partnership=narrowed["partnership"])
    may_record = policy.can(request.user, policy.RELATIONSHIPS_RECORD)
    context = {
        **SECTION, **narrowed,
        "page": Paginator(rows.distinct(), SHOWN).get_page(request.GET.get("page")),
        "form": form or (InteractionForm(actor=request.user) if may_record else None),
        "calendar_form": forms.get("calendar") or (CalendarImportForm() if may_record else None),
        "connections_form": forms.get("connections")
        or (ConnectionsImportForm() if may_record else None),
        "vcards_form": forms.get("vcards") or (VCardImportForm() if may_record else None),
        "interactions_form": forms.get("interactions")
        or (InteractionsImportForm() if may_record else None),
        "problems": problems or [],
    }  # fmt: skip
    return render(request, "relationships/interaction_list.html", context, status=status)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def interaction_list(request: SignedInRequest) -> HttpResponse:
    return _list(request)


def _data(request: SignedInRequest, form: InteractionForm) -> tuple[dict[str, Any], Any]:
    people = list(form.cleaned_data["attendees"])
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("attendees", "version")}
    partnership = _filters(request).get("partnership")
    if partnership is not None:
        data["partnership"] = partnership
    return data, people


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def interaction_create(request: SignedInRequest) -> HttpResponse:
    form = InteractionForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            data, people = _data(request, form)
            created = services.interaction_create(actor=request.user, data=data,
                                                  attendees=people)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{created} was recorded.")
            return redirect("relationships:interaction_detail", pk=created.pk)
    return _list(request, form=form, status=422)


def _detail(request: SignedInRequest, interaction: Interaction, *,
            form: InteractionForm | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    may_record = policy.can(request.user, policy.RELATIONSHIPS_RECORD)
    attendees = list(interaction.attendees.select_related("person__organization"))
    if form is None and may_record:
        form = InteractionForm(actor=request.user, interaction=interaction)
    context = {**SECTION, "interaction": interaction, "attendees": attendees, "form": form}
    return render(request, "relationships/interaction_detail.html", context, status=status)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def interaction_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visible_or_404(request.user, Interaction, pk=pk))


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def interaction_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    interaction = get_visible_or_404(request.user, Interaction, pk=pk)
    form = InteractionForm(request.POST, actor=request.user, interaction=interaction)
    if form.is_valid():
        try:
            data, people = _data(request, form)
            expected = form.cleaned_data.get("version")
            services.interaction_update(actor=request.user, interaction=interaction, data=data,
                                        attendees=people, expected_version=expected)  # fmt: skip
        except EditConflict as conflict:
            show_conflict(form, conflict)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("relationships:interaction_detail", pk=interaction.pk)
    return _detail(request, interaction, form=form, status=422)


# Cadence ----------------------------------------------------------------------------------------


def _cadence(request: SignedInRequest, form: CadenceRuleForm | None = None, status: int = 200):
    touchpoints = selectors.cadence(request.user)
    overdue = [t for t in touchpoints if t.overdue_days]
    by_executive: dict[Any, list[Any]] = {}
    for touchpoint in overdue:
        by_executive.setdefault(touchpoint.partnership.executive_sponsor, []).append(touchpoint)
    on_time = len(touchpoints) - len(overdue)
    sponsor = request.GET.get("sponsor", "")
    if sponsor.isdigit():
        overdue = [t for t in overdue if t.partnership.executive_sponsor_id == int(sponsor)]
    may_record = policy.can(request.user, policy.RELATIONSHIPS_RECORD)
    context = {
        **SECTION, "overdue": overdue, "on_time": on_time,
        "by_executive": sorted(by_executive.items(), key=lambda kv: -len(kv[1])),
        "sponsor": int(sponsor) if sponsor.isdigit() else None,
        "mine": len(by_executive.get(request.user, [])),
        "rules": visible_to(request.user, CadenceRule),
        "form": form or (CadenceRuleForm() if may_record else None),
    }  # fmt: skip
    return render(request, "relationships/cadence.html", context, status=status)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def cadence_page(request: SignedInRequest) -> HttpResponse:
    return _cadence(request)


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def cadencerule_create(request: SignedInRequest) -> HttpResponse:
    form = CadenceRuleForm(request.POST)
    if form.is_valid():
        try:
            rule = services.cadence_rule_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"“{rule}” was added.")
            return redirect("relationships:cadence")
    return _cadence(request, form=form, status=422)


# Imports ----------------------------------------------------------------------------------------


def _upload(upload: Any) -> Any:
    """The uploaded file, copied to a temporary file that is removed when closed."""
    copy = tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower())  # noqa: SIM115
    for chunk in upload.chunks():
        copy.write(chunk)
    copy.flush()
    return copy


def _imported(request: SignedInRequest, result: Any, what: str, form_name: str, form: Any):
    if result.errors:
        return _list(request, status=422, problems=result.errors, **{form_name: form})
    unknown = ", ".join(result.unmatched[:10])
    left_out = f"; not in the directory: {unknown}" if unknown else ""
    if result.skipped:
        left_out += f"; {len(result.skipped)} left out or taken once"
    messages.success(request, f"{result.entries} {what}: {result.created} added, "
                     f"{result.updated} recorded again or connected{left_out}.")  # fmt: skip
    return redirect("relationships:interaction_list")


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def calendar_import(request: SignedInRequest) -> HttpResponse:
    form = CalendarImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, status=422, calendar=form)
    with _upload(form.cleaned_data["file"]) as copy, audit_channel("import"):
        window = importing.window_of(form.cleaned_data.get("start"), None)
        result = importing.import_calendar(actor=request.user, path=Path(copy.name), window=window)
    return _imported(request, result, "occurrence(s)", "calendar", form)


def _owner(request: SignedInRequest, form: ConnectionsImportForm | VCardImportForm) -> Any:
    """The one person of the form's owner e-mail, or None with the form saying why."""
    owners = selectors.people_with_email(request.user, form.cleaned_data["owner"])
    if len(owners) != 1:
        form.add_error("owner", "No one in the directory has this e-mail." if not owners
                       else "Several people have this e-mail; merge them first.")  # fmt: skip
        return None
    return owners[0]


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def connections_import(request: SignedInRequest) -> HttpResponse:
    form = ConnectionsImportForm(request.POST, request.FILES)
    if not form.is_valid() or (owner := _owner(request, form)) is None:
        return _list(request, status=422, connections=form)
    with _upload(form.cleaned_data["file"]) as copy, audit_channel("import"):
        result = importing.import_connections(actor=request.user, path=Path(copy.name),
                                              owner=owner)  # fmt: skip
    return _imported(request, result, "connection(s)", "connections", form)


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def vcards_import(request: SignedInRequest) -> HttpResponse:
    form = VCardImportForm(request.POST, request.FILES)
    if not form.is_valid() or (owner := _owner(request, form)) is None:
        return _list(request, status=422, vcards=form)
    with _upload(form.cleaned_data["file"]) as copy, audit_channel("import"):
        result = importing.import_vcards(actor=request.user, path=Path(copy.name), owner=owner)
    return _imported(request, result, "card(s)", "vcards", form)


@access(policy.RELATIONSHIPS_RECORD)
@require_POST
def interactions_import(request: SignedInRequest) -> HttpResponse:
    form = InteractionsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, status=422, interactions=form)
    with _upload(form.cleaned_data["file"]) as copy, audit_channel("import"):
        result = importing.import_interactions(actor=request.user, path=Path(copy.name))
    return _imported(request, result, "row(s)", "interactions", form)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def organization_network(request: SignedInRequest, pk: int) -> HttpResponse:
    """Who the organization's people know, and who those know: a picture to explore."""
    organization = get_visible_or_404(request.user, Organization, pk=pk)
    people = list(organization.people.values_list("pk", flat=True))
    chart, shown = charts.ego_network(people, organization.name)
    context = {**SECTION, "subject": organization, "chart": chart, "shown": shown,
               "crumbs": (reverse("directory:organization_list"), "Organizations"),
               "centre": "its people",
               "empty": f"No one of {organization.name} is connected to anyone yet."}  # fmt: skip
    return render(request, "relationships/network.html", context)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def person_network(request: SignedInRequest, pk: int) -> HttpResponse:
    """Who a person knows, and who those know."""
    person = get_visible_or_404(request.user, Person, pk=pk)
    chart, shown = charts.ego_network([person.pk], person.full_name)
    context = {**SECTION, "subject": person, "chart": chart, "shown": shown,
               "crumbs": (reverse("directory:person_list"), "People"),
               "centre": person.full_name,
               "empty": f"{person.full_name} is connected to no one yet."}  # fmt: skip
    return render(request, "relationships/network.html", context)


@access(policy.RELATIONSHIPS_VIEW)
@require_safe
def connection_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """Why a connection is as strong as it is, and what the two did together."""
    connection = get_visible_or_404(request.user, Connection, pk=pk)
    first, second = connection.person_a, connection.person_b
    together = (
        selectors.interaction_rows(request.user)
        .filter(attendees__person=first).filter(attendees__person=second)
        .prefetch_related("attendees__person").order_by("-occurred_at")
    )  # fmt: skip
    context = {
        **SECTION, "connection": connection, "first": first, "second": second,
        "strength": selectors.explain(request.user, first, second), "together": together[:50],
    }  # fmt: skip
    return render(request, "relationships/connection_detail.html", context)
