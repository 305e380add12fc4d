"""Directory pages: thin views over the selectors, services and the access policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django_tables2 import RequestConfig

from accord.core import policy
from accord.core.contributions import ORGANIZATION_PAGE, PERSON_PAGE, contributed
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.history import history_for
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.directory import selectors, services
from accord.directory.exporting import ORGANIZATION_COLUMNS, PERSON_COLUMNS, export_response
from accord.directory.forms import MergeForm, OrganizationForm, PersonForm, TagForm
from accord.directory.models import Organization, Person, Tag
from accord.directory.tables import OrganizationTable, PersonTable, TagTable

SECTION = {"section": "directory"}


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in {"csv", "xlsx"} else None


# Organizations ---------------------------------------------------------------------------


@access(policy.DIRECTORY_VIEW)
def organization_list(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = selectors.organization_list(request.user, request.GET)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    fmt = _export_format(request)
    if fmt:
        rows = queryset.iterator(chunk_size=2000)
        return export_response(rows, ORGANIZATION_COLUMNS, fmt=fmt, basename="organizations")
    table = OrganizationTable(queryset.prefetch_related(None).only(*OrganizationTable.reads))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    shown = [row.record.pk for row in table.page.object_list]
    table.tag_names = selectors.tag_names(request.user, shown)
    return render(
        request,
        "directory/organization_list.html",
        {**SECTION, "filter": filterset, "table": table, "query": request.GET.urlencode()},
    )


@access(policy.DIRECTORY_VIEW)
def organization_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_detail(request.user, pk)
    tab = request.GET.get("tab", "overview")
    context = {
        **SECTION,
        "organization": organization,
        "tab": tab,
        "tags": organization.tags.all(),
        "external_ids": selectors.organization_external_ids(request.user, organization),
        "people": selectors.organization_people(request.user, organization)[:100],
        "can_change": policy.can(request.user, policy.DIRECTORY_CHANGE),
        **contributed(ORGANIZATION_PAGE, request.user, organization),
    }
    if tab == "history":
        context["events"] = history_for(request.user, organization)[:200]
    return render(request, "directory/organization_detail.html", context)


@access(policy.DIRECTORY_CHANGE)
def organization_create(request: SignedInRequest) -> HttpResponse:
    return _organization_form(request, None)


@access(policy.DIRECTORY_CHANGE)
def organization_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _organization_form(request, selectors.organization_detail(request.user, pk))


def _organization_form(request: SignedInRequest, organization: Organization | None) -> HttpResponse:
    form = OrganizationForm(request.POST or None, instance=organization)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("tags", "version")}
        tags = form.cleaned_data["tags"]
        try:
            if organization is None:
                organization = services.organization_create(
                    actor=request.user, data=data, tags=tags
                )
            else:
                # The form was bound to the instance; reload so the audit sees the stored values.
                stored = get_visible_or_404(request.user, Organization, pk=organization.pk)
                organization = services.organization_update(
                    actor=request.user,
                    organization=stored,
                    data=data,
                    tags=tags,
                    expected_version=form.cleaned_data["version"],
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"{organization.name} was saved.")
            return redirect(organization)
    return render(
        request,
        "directory/organization_form.html",
        {
            **SECTION,
            "form": form,
            "object": organization,
            "countries": OrganizationForm.country_list(),
        },
        status=status,
    )


@access(policy.DIRECTORY_CHANGE)
def organization_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_detail(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            services.organization_delete(actor=request.user, organization=organization)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"{organization.name} was deleted. Its history is kept in the audit log."
            )
            return redirect("directory:organization_list")
    return render(
        request,
        "directory/confirm_delete.html",
        {
            **SECTION,
            "object": organization,
            "error": error,
            "cancel_url": organization.get_absolute_url(),
            "consequence": f"{organization.people.count()} people will stay in the directory"
            " without an organization.",
        },
    )


@access(policy.DIRECTORY_CHANGE)
def organization_merge(request: SignedInRequest, pk: int) -> HttpResponse:
    keep = selectors.organization_detail(request.user, pk)
    organizations = selectors.organizations_visible(request.user).exclude(pk=keep.pk)
    form = MergeForm(request.POST or request.GET or None, organizations=organizations)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                services.organization_merge(actor=request.user, keep=keep, duplicate=duplicate)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"{duplicate.name} was merged into {keep.name}.")
                return redirect(keep)
    candidates = organizations.filter(normalized_name=keep.normalized_name)[:10]
    if keep.domain:
        candidates = candidates | organizations.filter(domain=keep.domain)[:10]
    return render(
        request,
        "directory/organization_merge.html",
        {**SECTION, "keep": keep, "form": form, "duplicate": duplicate, "candidates": candidates},
    )


# People ---------------------------------------------------------------------------------


@access(policy.DIRECTORY_VIEW)
def person_list(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = selectors.person_list(request.user, request.GET)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    fmt = _export_format(request)
    if fmt:
        return export_response(
            queryset.iterator(chunk_size=2000), PERSON_COLUMNS, fmt=fmt, basename="people"
        )
    table = PersonTable(queryset)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "directory/person_list.html",
        {**SECTION, "filter": filterset, "table": table, "query": request.GET.urlencode()},
    )


@access(policy.DIRECTORY_VIEW)
def person_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(request.user, Person, pk=pk)
    tab = request.GET.get("tab", "overview")
    context = {
        **SECTION,
        "person": person,
        "tab": tab,
        "can_change": policy.can(request.user, policy.DIRECTORY_CHANGE),
    }
    if tab == "history":
        context["events"] = history_for(request.user, person)[:200]
    else:
        context.update(contributed(PERSON_PAGE, request.user, person))
    return render(request, "directory/person_detail.html", context)


@access(policy.DIRECTORY_CHANGE)
def person_create(request: SignedInRequest) -> HttpResponse:
    return _person_form(request, None)


@access(policy.DIRECTORY_CHANGE)
def person_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _person_form(request, get_visible_or_404(request.user, Person, pk=pk))


def _person_form(request: SignedInRequest, person: Person | None) -> HttpResponse:
    initial = {"organization": request.GET.get("organization")} if person is None else None
    form = PersonForm(
        request.POST or None,
        instance=person,
        initial=initial,
        organizations=selectors.organizations_visible(request.user),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("tags", "version")}
        try:
            if person is None:
                person = services.person_create(
                    actor=request.user, data=data, tags=form.cleaned_data["tags"]
                )
            else:
                stored = get_visible_or_404(request.user, Person, pk=person.pk)
                person = services.person_update(
                    actor=request.user,
                    person=stored,
                    data=data,
                    tags=form.cleaned_data["tags"],
                    expected_version=form.cleaned_data["version"],
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"{person.full_name} was saved.")
            return redirect(person)
    context = {**SECTION, "form": form, "object": person}
    return render(request, "directory/person_form.html", context, status=status)


@access(policy.DIRECTORY_CHANGE)
def person_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(request.user, Person, pk=pk)
    if request.method == "POST":
        services.person_delete(actor=request.user, person=person)
        messages.success(request, f"{person.full_name} was deleted.")
        return redirect("directory:person_list")
    return render(
        request,
        "directory/confirm_delete.html",
        {**SECTION, "object": person, "cancel_url": person.get_absolute_url()},
    )


# Tags -----------------------------------------------------------------------------------


@access(policy.DIRECTORY_VIEW)
def tag_list(request: SignedInRequest) -> HttpResponse:
    filterset = selectors.tag_list(request.user, request.GET)
    table = TagTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request, "directory/tag_list.html", {**SECTION, "filter": filterset, "table": table}
    )


@access(policy.DIRECTORY_VIEW)
def tag_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    tag = get_visible_or_404(request.user, Tag, pk=pk)
    organizations = visible_to(request.user, Organization).filter(tags=tag)
    context = {
        **SECTION,
        "tag": tag,
        "organization_count": organizations.count(),
        "organizations": organizations[:50],
        "events": history_for(request.user, tag)[:50],
        "can_change": policy.can(request.user, policy.DIRECTORY_CHANGE),
    }
    return render(request, "directory/tag_detail.html", context)


@access(policy.DIRECTORY_CHANGE)
def tag_create(request: SignedInRequest) -> HttpResponse:
    return _tag_form(request, None)


@access(policy.DIRECTORY_CHANGE)
def tag_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _tag_form(request, get_visible_or_404(request.user, Tag, pk=pk))


def _tag_form(request: SignedInRequest, tag: Tag | None) -> HttpResponse:
    form = TagForm(request.POST or None, instance=tag)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if tag is None:
                tag = services.tag_create(actor=request.user, data=form.cleaned_data)
            else:
                stored = get_visible_or_404(request.user, Tag, pk=tag.pk)
                tag = services.tag_update(
                    actor=request.user,
                    tag=stored,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"Tag {tag.name} was saved.")
            return redirect(tag)
    context = {**SECTION, "form": form, "object": tag}
    return render(request, "directory/tag_form.html", context, status=status)


@access(policy.DIRECTORY_CHANGE)
def tag_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    tag = get_visible_or_404(request.user, Tag, pk=pk)
    if request.method == "POST":
        services.tag_delete(actor=request.user, tag=tag)
        messages.success(request, f"Tag {tag.name} was deleted.")
        return redirect("directory:tag_list")
    return render(
        request,
        "directory/confirm_delete.html",
        {**SECTION, "object": tag, "cancel_url": tag.get_absolute_url()},
    )
