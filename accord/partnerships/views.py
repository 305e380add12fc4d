"""Partnership pages: thin views over the selectors, services, gates and the access policy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_tables2 import RequestConfig

from accord.core import policy
from accord.core.contributions import PARTNERSHIP_PAGE, contributed
from accord.core.errors import ConflictError, EditConflict, GateRefused
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.history import history_for
from accord.core.http import SignedInRequest
from accord.core.pickers import is_id
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.directory.exporting import export_response
from accord.directory.models import Organization, Tag
from accord.directory.selectors import filter_params
from accord.partnerships import selectors, services
from accord.partnerships.downloads import document_response
from accord.partnerships.forms import (
    DocumentForm,
    GateForm,
    MoveForm,
    NoteForm,
    PartnershipBulkForm,
    PartnershipForm,
    party_formset,
)
from accord.partnerships.gates import allowed_targets, requirable
from accord.partnerships.models import Partnership, Stage, StageGate
from accord.partnerships.tables import CountedPaginator, PartnershipTable
from accord.strategy.models import PartnershipPlay

SECTION = {"section": "partnerships"}
TABS = ("overview", "timeline", "notes", "documents", "history")
EXPORT_COLUMNS = [
    ("id", lambda p: p.pk),
    ("title", lambda p: p.title),
    ("type", lambda p: p.type),
    ("stage", lambda p: p.stage),
    (
        "partners",
        lambda p: "|".join(f"{x.organization.name} ({x.role})" for x in p.visible_parties),
    ),
    ("owner", lambda p: p.owner.get_username() if p.owner else ""),
    ("start_date", lambda p: p.start_date),
    ("end_date", lambda p: p.end_date),
    ("next_review_date", lambda p: p.next_review_date),
    ("budget", lambda p: p.budget),
    ("committed_fte", lambda p: p.committed_fte),
    ("confidential", lambda p: p.is_confidential),
]


def _detail_url(partnership: Partnership, tab: str = "") -> str:
    url = reverse("partnerships:partnership_detail", args=[partnership.pk])
    return f"{url}?tab={tab}" if tab else url


# List and board ----------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
def partnership_list(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    return _list_page(request)


def _list_page(
    request: SignedInRequest, bulk_form: PartnershipBulkForm | None = None, status: int = 200
) -> HttpResponse | StreamingHttpResponse:
    """The list filtered by the query. Those who may change partnerships get its bulk edit
    when they ask for it (`bulk=1`): a checkbox on each row they may change and the form,
    bound to what was sent when a bulk edit is shown again."""
    actor = request.user
    filterset = selectors.partnership_list(actor, request.GET, parties=False)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    fmt = request.GET.get("export")
    if fmt in {"csv", "xlsx"}:
        rows = selectors.with_parties(actor, queryset)
        return export_response(rows, EXPORT_COLUMNS, fmt=fmt, basename="partnerships")
    may_change = policy.can(actor, policy.PARTNERSHIP_CHANGE)
    bulk = may_change and (bulk_form is not None or request.GET.get("bulk") == "1")
    table = PartnershipTable(
        selectors.list_rows(queryset, PartnershipTable.reads),
        exclude=() if bulk else ("select",),
    )
    totals = selectors.stage_totals(queryset)
    paginate = {"per_page": 50, "paginator_class": CountedPaginator,
                "count": sum(n for n, _ in totals.values())}  # fmt: skip
    RequestConfig(request, paginate=paginate).configure(table)
    shown = [row.record.pk for row in table.page.object_list]
    table.party_names = selectors.party_names(actor, shown)
    if bulk:
        table.changeable = selectors.changeable_ids(actor, shown)
        bulk_form = bulk_form or _bulk_form(request, None)
        if bulk_form.is_bound:  # shown again: the rows stay ticked
            ticked = request.POST.getlist("partnerships")
            table.chosen = frozenset(int(pk) for pk in ticked if is_id(pk))
    value, weighted = selectors.pipeline_value(totals)
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            **SECTION,
            "filter": filterset,
            "table": table,
            "query": request.GET.urlencode(),
            "can_create": may_change,
            "bulk_form": bulk_form if bulk else None,
            "without_bulk": _without(request.GET, "bulk"),
            "saved_views_list": "partnerships:partnership_list",
            "value": value,
            "weighted": weighted,
        },
        status=status,
    )


def _without(query: QueryDict, key: str) -> str:
    kept = query.copy()
    kept.pop(key, None)
    return kept.urlencode()


def _bulk_form(request: SignedInRequest, data: Any) -> PartnershipBulkForm:
    # Its own ids: the filters beside it have fields of the same names.
    users, tags = selectors.internal_users(), visible_to(request.user, Tag)
    return PartnershipBulkForm(data, users=users, tags=tags, auto_id="bulk-%s")


@access(policy.PARTNERSHIP_CHANGE)
def partnership_bulk_edit(request: SignedInRequest) -> HttpResponse | StreamingHttpResponse:
    """Apply one change to the partnerships ticked on the list (services.partnerships_bulk_update),
    then show the list again with the same filters."""
    back = f"{reverse('partnerships:partnership_list')}?{request.GET.urlencode()}"
    if request.method != "POST":
        return redirect(back)
    form = _bulk_form(request, request.POST)
    if form.is_valid():
        try:
            changed = services.partnerships_bulk_update(actor=request.user, **form.change())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            count = len(form.cleaned_data["partnerships"])
            messages.success(request, _bulk_done(changed, count))
            return redirect(back)
    return _list_page(request, bulk_form=form, status=400)


def _bulk_done(changed: list[Partnership], count: int) -> str:
    if not changed:
        return f"Nothing to change: the {count} chosen were already as asked."
    text = f"Changed {len(changed)} of the {count} chosen: {services.quoted_titles(changed)}"
    return text + ("." if len(changed) == count else "; the others were already as asked.")


@access(policy.PARTNERSHIP_VIEW)
def partnership_board(request: SignedInRequest) -> HttpResponse:
    board = selectors.partnership_board(request.user, request.GET)
    # The list links of a column ("N more", an exit's total) keep the board's filters.
    filters = filter_params(request.GET)
    filters.pop("stage", None)
    return render(
        request,
        "partnerships/partnership_board.html",
        {
            **SECTION,
            "board": board,
            "filter": board.filter,
            "filters": filters.urlencode(),
            "here": request.get_full_path(),
            "can_move": policy.can(request.user, policy.PARTNERSHIP_MOVE),
            "can_create": policy.can(request.user, policy.PARTNERSHIP_CHANGE),
        },
    )


# Detail ------------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
def partnership_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_detail(request.user, pk)
    return _detail(request, partnership, tab=request.GET.get("tab", "overview"))


def _detail(
    request: SignedInRequest,
    partnership: Partnership,
    *,
    tab: str,
    note_form: NoteForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    tab = tab if tab in TABS else "overview"
    context: dict[str, Any] = {
        **SECTION,
        "partnership": partnership,
        "tab": tab,
        "targets": allowed_targets(partnership.stage),
        "can_change": policy.can_change_partnership(actor, partnership),
        "can_move": policy.can_move_partnership(actor, partnership),
        "warnings": selectors.expiry_warnings(partnership),
        **contributed(PARTNERSHIP_PAGE, actor, partnership),
    }
    if tab == "overview":
        context.update(
            parties=selectors.partnership_parties(actor, partnership),
            gaps=partnership.gaps.select_related("priority"),
            team=partnership.team.order_by("username"),
            tags=visible_to(actor, Tag).filter(partnerships=partnership),
            show_jv=bool(
                partnership.type in ("joint_venture", "consortium")
                or partnership.equity_split
                or partnership.fees
                or partnership.working_groups
                or partnership.voting_rules
            ),
        )
    elif tab == "timeline":
        context["timeline"] = selectors.partnership_timeline(actor, partnership)
    elif tab == "notes":
        context["notes"] = selectors.partnership_notes(actor, partnership)[:200]
        context["note_form"] = note_form or NoteForm(partnership=partnership)
    elif tab == "documents":
        context["documents"] = selectors.partnership_documents(actor, partnership)[:200]
        context["document_form"] = document_form or DocumentForm(partnership=partnership)
        context["limit_mb"] = settings.UPLOAD_LIMIT_MB
        context["types"] = ", ".join(sorted(services.DOCUMENT_TYPES))
    else:
        context["events"] = history_for(actor, partnership)[:200]
    return render(request, "partnerships/partnership_detail.html", context, status=status)


# Create and edit ---------------------------------------------------------------------------


@access(policy.PARTNERSHIP_CHANGE)
def partnership_create(request: SignedInRequest) -> HttpResponse:
    return _partnership_form(request, None)


@access(policy.PARTNERSHIP_CHANGE)
def partnership_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_detail(request.user, pk)
    if not policy.can_change_partnership(request.user, partnership):
        raise PermissionDenied("Only its owner, its team or an administrator may edit it.")
    return _partnership_form(request, partnership)


def _partnership_form(request: SignedInRequest, partnership: Partnership | None) -> HttpResponse:
    actor = request.user
    data = request.POST if request.method == "POST" else None
    initial = {"owner": actor.pk} if partnership is None else None
    form = PartnershipForm(
        data,
        instance=partnership,
        initial=initial,
        gaps=selectors.gaps_visible(actor),
        users=selectors.internal_users(),
        plays=visible_to(actor, PartnershipPlay),
        tags=visible_to(actor, Tag),
    )
    organizations = visible_to(actor, Organization)
    parties = party_formset(
        data,
        organizations=organizations,
        partnership=partnership,
        partner=request.GET.get("partner", ""),
    )
    status = 200
    if data is not None and form.is_valid() & parties.is_valid():
        kwargs = {
            "data": form.partnership_data(),
            "parties": parties.parties(),
            "gaps": form.cleaned_data["gaps"],
            "team": form.cleaned_data["team"],
            "tags": form.cleaned_data["tags"],
        }
        try:
            if partnership is None:
                partnership = services.partnership_create(actor=actor, **kwargs)
            else:
                # The form was bound to the instance; reload so the audit sees stored values.
                stored = get_visible_or_404(request.user, Partnership, pk=partnership.pk)
                partnership = services.partnership_update(
                    actor=actor,
                    partnership=stored,
                    expected_version=form.cleaned_data["version"],
                    **kwargs,
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"{partnership.title} was saved.")
            return redirect(_detail_url(partnership))
    return render(
        request,
        "partnerships/partnership_form.html",
        {**SECTION, "form": form, "parties": parties, "object": partnership},
        status=status,
    )


# Moves -------------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_MOVE)
def partnership_move(request: SignedInRequest, pk: int) -> HttpResponse:
    actor = request.user
    partnership = selectors.partnership_detail(actor, pk)
    if not policy.can_move_partnership(actor, partnership):
        raise PermissionDenied("Only its owner, its team, an executive or an administrator may.")
    if request.method != "POST":
        return _move_page(request, partnership, request.GET.get("to", ""))
    if _stale(request, partnership):
        # Checked before the form: the target chosen in the other tab may no longer be offered.
        return _conflict(request, partnership)
    form, _ = _move_form(request, partnership, request.POST.get("to_stage", ""), bound=True)
    if not form.is_valid():
        return _move_page(request, partnership, request.POST.get("to_stage", ""), status=422)
    try:
        services.partnership_move(
            actor=actor,
            partnership=partnership,
            to_stage=form.cleaned_data["to_stage"],
            reason=form.cleaned_data["reason"],
            confirmed=form.cleaned_data["confirmed"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except GateRefused as refused:
        return _move_page(
            request, partnership, form.cleaned_data["to_stage"], missing=refused.missing
        )
    except ConflictError:
        return _conflict(request, get_visible_or_404(request.user, Partnership, pk=partnership.pk))
    label = Stage(form.cleaned_data["to_stage"]).label
    messages.success(request, f"{partnership.title} moved to {label}.")
    return redirect(_safe_next(request, form.cleaned_data["next"], partnership))


def _move_form(
    request: SignedInRequest, partnership: Partnership, to_stage: str, *, bound: bool
) -> tuple[MoveForm, selectors.MovePreview]:
    targets = allowed_targets(partnership.stage)
    to_stage = to_stage if to_stage in targets else targets[0]
    preview = selectors.move_preview(request.user, partnership, to_stage)
    form = MoveForm(
        request.POST if bound else None,
        initial={
            "to_stage": to_stage,
            "expected_version": partnership.stage_version,
            "next": request.GET.get("next") or request.POST.get("next", ""),
            "reason": request.GET.get("reason", "")[:2000],  # proposed, e.g. by a killed pilot
        },
        targets=[(s, Stage(s).label) for s in targets],
        checklist=preview.gate.checklist if preview.gate else [],
    )
    return form, preview


def _move_page(
    request: SignedInRequest,
    partnership: Partnership,
    to_stage: str,
    *,
    missing: list[str] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    """The move form for `to_stage`; bound to the post when re-shown after a refusal."""
    bound = request.method == "POST" and not conflict
    form, preview = _move_form(request, partnership, to_stage, bound=bound)
    if bound:
        form.is_valid()
    if missing:
        status = 422
    needed = missing or preview.blocking
    stage_label = Stage(preview.to_stage).label if preview.to_stage else ""
    return render(
        request,
        "partnerships/partnership_move.html",
        {
            **SECTION,
            "can_change": policy.can_change_partnership(request.user, partnership),
            "ask_message": (
                f"Please see to this so that {partnership.title} can move to {stage_label}: "
                + "; ".join(needed)
            )[:280]
            if needed
            else "",
            "partnership": partnership,
            "form": form,
            "targets": allowed_targets(partnership.stage),
            "to_stage": preview.to_stage,
            "preview": preview,
            "missing": missing or [],
            "conflict": conflict,
        },
        status=status,
    )


def _conflict(request: SignedInRequest, partnership: Partnership) -> HttpResponse:
    message = (
        f"{partnership.title} was moved by someone else meanwhile (it is now at "
        f"{partnership.get_stage_display()}); nothing was changed. Review and try again."
    )
    return _move_page(request, partnership, "", conflict=message, status=409)


def _stale(request: HttpRequest, partnership: Partnership) -> bool:
    version = request.POST.get("expected_version", "")
    return version.isdigit() and int(version) != partnership.stage_version


def _safe_next(request: HttpRequest, target: str, partnership: Partnership) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return _detail_url(partnership, "timeline")


# Notes and documents -----------------------------------------------------------------------


def _changeable(request: SignedInRequest, pk: int) -> Partnership:
    partnership = selectors.partnership_detail(request.user, pk)
    if not policy.can_change_partnership(request.user, partnership):
        raise PermissionDenied("Only its owner, its team or an administrator may add to it.")
    return partnership


@access(policy.PARTNERSHIP_CHANGE)
def partnership_note(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _changeable(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(partnership, "notes"))
    form = NoteForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            services.note_create(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "The note was added.")
            return redirect(_detail_url(partnership, "notes"))
    return _detail(request, partnership, tab="notes", note_form=form, status=400)


@access(policy.PARTNERSHIP_CHANGE)
def partnership_document(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _changeable(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(partnership, "documents"))
    form = DocumentForm(request.POST, request.FILES, partnership=partnership)
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                partnership=partnership,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                visibility=form.cleaned_data["visibility"],
                shared_with=form.cleaned_data["shared_with"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{document.title} was uploaded.")
            return redirect(_detail_url(partnership, "documents"))
    return _detail(request, partnership, tab="documents", document_form=form, status=400)


@access(policy.PARTNERSHIP_VIEW)
def document_download(request: SignedInRequest, pk: int) -> FileResponse:
    return document_response(request.user, pk)


# Gates -------------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
def stagegate_list(request: SignedInRequest) -> HttpResponse:
    gates = {gate.stage: gate for gate in selectors.gates_all(request.user)}
    rows = [(stage, Stage(stage).label, gates.get(stage)) for stage in Stage.values]
    return render(
        request,
        "partnerships/stagegate_list.html",
        {
            **SECTION,
            "rows": rows,
            "field_words": dict(requirable()),
            "can_manage": policy.can(request.user, policy.GATES_MANAGE),
        },
    )


@access(policy.GATES_MANAGE)
def stagegate_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    gate = get_visible_or_404(request.user, StageGate, pk=pk)
    form = GateForm(data=request.POST if request.method == "POST" else None, gate=gate)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.gate_update(
                actor=request.user,
                stage=gate.stage,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"The gate into {gate.get_stage_display()} was saved.")
            return redirect("partnerships:stagegate_list")
    return render(
        request,
        "partnerships/stagegate_form.html",
        {**SECTION, "form": form, "gate": gate, "events": history_for(request.user, gate)[:50]},
        status=status,
    )
