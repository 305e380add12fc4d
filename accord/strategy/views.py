"""Strategy pages: thin views over the selectors, services and the access policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.core import policy
from accord.core.contributions import GAP_PAGE, PLAY_PAGE, STRATEGY_OVERVIEW, contributed
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.history import history_for
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.core.prefetch import attach, prefetched
from accord.strategy import selectors, services
from accord.strategy.forms import GapForm, MoveForm, PlayForm, PriorityForm
from accord.strategy.models import (
    CapabilityGap,
    PartnershipPlay,
    PartnershipType,
    StrategicPriority,
)

SECTION = {"section": "strategy"}


def _history(request: SignedInRequest, obj: Any) -> list:
    return list(history_for(request.user, obj)[:200])


def _can_change(request: HttpRequest) -> bool:
    return policy.can(request.user, policy.STRATEGY_CHANGE)


def _save(
    request: HttpRequest, form: Any, save: Callable[[], Any], template: str, context: dict
) -> HttpResponse:
    """Run the service for a valid form; show its refusal on the form, or go to the result."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, f"“{saved}” was saved.")
            return redirect(saved)
    return render(request, template, {**SECTION, "form": form, **context}, status=status)


# Overview and traceability ---------------------------------------------------------------


@access(policy.STRATEGY_VIEW)
def overview(request: SignedInRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    priorities = selectors.overview(request.user, show_archived=show_archived)
    coverage = contributed(STRATEGY_OVERVIEW, request.user, None).get("coverage_by_gap", {})
    for priority in priorities:
        for gap in prefetched(priority, "shown_gaps", CapabilityGap):
            row = coverage.get(gap.pk)
            attach(gap, coverage_status=row.status if row else "uncovered")
    context = {
        **SECTION,
        "priorities": priorities,
        "show_archived": show_archived,
        "can_change": _can_change(request),
    }
    return render(request, "strategy/overview.html", context)


# Priorities ------------------------------------------------------------------------------


@access(policy.STRATEGY_VIEW)
def priority_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_detail(request.user, pk)
    tab = request.GET.get("tab", "overview")
    context = {
        **SECTION,
        "priority": priority,
        "tab": tab,
        "gaps": selectors.gap_list(request.user, priority=priority.pk),
        "can_change": _can_change(request),
    }
    if tab == "history":
        context["events"] = _history(request, priority)
    return render(request, "strategy/priority_detail.html", context)


@access(policy.STRATEGY_CHANGE)
def priority_create(request: SignedInRequest) -> HttpResponse:
    return _priority_form(request, None)


@access(policy.STRATEGY_CHANGE)
def priority_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _priority_form(request, selectors.priority_detail(request.user, pk))


def _priority_form(request: SignedInRequest, priority: StrategicPriority | None) -> HttpResponse:
    form = PriorityForm(
        request.POST or None, instance=priority, owners=selectors.owner_choices(request.user)
    )

    def save() -> StrategicPriority:
        if priority is None:
            return services.priority_create(actor=request.user, data=form.cleaned_data)
        # The form was bound to the instance; reload so the audit sees the stored values.
        stored = get_visible_or_404(request.user, StrategicPriority, pk=priority.pk)
        return services.priority_update(
            actor=request.user,
            priority=stored,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )

    context = {"object": priority, "kind": "priority", "cancel_url": _cancel(priority)}
    return _save(request, form, save, "strategy/form.html", context)


@access(policy.STRATEGY_CHANGE)
def priority_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_detail(request.user, pk)
    if request.method == "POST":
        services.priority_archive(actor=request.user, priority=priority)
        messages.success(request, f"“{priority}” was archived. Its gaps and history are kept.")
        return redirect("strategy:overview")
    consequence = "Its gaps stay linked to it and keep their partnerships."
    return _confirm_archive(request, priority, consequence)


@require_POST
@access(policy.STRATEGY_CHANGE)
def priority_move(request: SignedInRequest, pk: int) -> HttpResponse:
    priority = selectors.priority_detail(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        services.priority_move(actor=request.user, priority=priority, direction=direction)
    else:
        messages.error(request, "Choose to move the priority up or down.")
    return redirect(_back(request, reverse("strategy:overview")))


# Gaps ------------------------------------------------------------------------------------


@access(policy.STRATEGY_VIEW)
def gap_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    gap = selectors.gap_detail(request.user, pk)
    tab = request.GET.get("tab", "overview")
    context = {
        **SECTION,
        "gap": gap,
        "tab": tab,
        "coverage_status": "uncovered",
        "plays": selectors.gap_plays(request.user, gap),
        "can_change": _can_change(request),
        "can_scout": policy.can(request.user, policy.SCOUTING_MANAGE),
        **contributed(GAP_PAGE, request.user, gap),
    }
    if tab == "history":
        context["events"] = _history(request, gap)
    return render(request, "strategy/gap_detail.html", context)


@access(policy.STRATEGY_CHANGE)
def gap_create(request: SignedInRequest) -> HttpResponse:
    return _gap_form(request, None)


@access(policy.STRATEGY_CHANGE)
def gap_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _gap_form(request, selectors.gap_detail(request.user, pk))


def _gap_form(request: SignedInRequest, gap: CapabilityGap | None) -> HttpResponse:
    priorities = selectors.priorities_visible(request.user)
    initial = None
    if gap is None:
        asked = request.GET.get("priority", "")
        initial = {"priority": asked} if asked.isdigit() and len(asked) < 18 else None
    form = GapForm(request.POST or None, instance=gap, initial=initial, priorities=priorities)

    def save() -> CapabilityGap:
        if gap is None:
            return services.gap_create(actor=request.user, data=form.cleaned_data)
        stored = get_visible_or_404(request.user, CapabilityGap, pk=gap.pk)
        return services.gap_update(
            actor=request.user,
            gap=stored,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )

    context = {"object": gap, "kind": "capability gap", "cancel_url": _cancel(gap)}
    return _save(request, form, save, "strategy/form.html", context)


@access(policy.STRATEGY_CHANGE)
def gap_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    gap = selectors.gap_detail(request.user, pk)
    if request.method == "POST":
        services.gap_archive(actor=request.user, gap=gap)
        messages.success(request, f"“{gap}” was archived. Its plays and history are kept.")
        return redirect(gap.priority)
    consequence = "Plays and partnerships addressing it stay linked to it."
    return _confirm_archive(request, gap, consequence)


@require_POST
@access(policy.STRATEGY_CHANGE)
def gap_move(request: SignedInRequest, pk: int) -> HttpResponse:
    gap = selectors.gap_detail(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.gap_move(actor=request.user, gap=gap, direction=form.cleaned_data["direction"])
    else:
        messages.error(request, "Choose to move the gap up or down.")
    return redirect(_back(request, reverse("strategy:overview")))


# Plays -----------------------------------------------------------------------------------


@access(policy.STRATEGY_VIEW)
def play_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    type_ = request.GET.get("type", "")
    show_archived = request.GET.get("archived") == "1"
    plays = selectors.play_list(
        request.user,
        statuses=[status] if status in PartnershipPlay.Status.values else None,
        types=[type_] if type_ in PartnershipType.values else None,
    )
    if not show_archived and status != PartnershipPlay.Status.ARCHIVED:
        plays = plays.exclude(status=PartnershipPlay.Status.ARCHIVED)
    context = {
        **SECTION,
        "plays": plays,
        "status": status,
        "type": type_,
        "show_archived": show_archived,
        "statuses": PartnershipPlay.Status.choices,
        "types": PartnershipType.choices,
        "can_change": _can_change(request),
    }
    return render(request, "strategy/play_list.html", context)


@access(policy.STRATEGY_VIEW)
def play_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    play = selectors.play_detail(request.user, pk)
    tab = request.GET.get("tab", "overview")
    context = {
        **SECTION,
        "play": play,
        "tab": tab,
        "gaps": selectors.gaps_visible(request.user).filter(plays=play),
        "can_change": _can_change(request),
        **contributed(PLAY_PAGE, request.user, play),
    }
    if tab == "history":
        context["events"] = _history(request, play)
    return render(request, "strategy/play_detail.html", context)


@access(policy.STRATEGY_CHANGE)
def play_create(request: SignedInRequest) -> HttpResponse:
    return _play_form(request, None)


@access(policy.STRATEGY_CHANGE)
def play_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _play_form(request, selectors.play_detail(request.user, pk))


def _play_form(request: SignedInRequest, play: PartnershipPlay | None) -> HttpResponse:
    initial = None
    if play is None:
        asked = request.GET.get("gap", "")
        initial = {"gaps": [asked]} if asked.isdigit() and len(asked) < 18 else None
    form = PlayForm(
        request.POST or None,
        instance=play,
        initial=initial,
        gaps=_play_gap_choices(request, play),
        owners=selectors.owner_choices(request.user),
    )

    def save() -> PartnershipPlay:
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("gaps", "version")}
        gaps = form.cleaned_data["gaps"]
        if play is None:
            return services.play_create(actor=request.user, data=data, gaps=gaps)
        stored = get_visible_or_404(request.user, PartnershipPlay, pk=play.pk)
        return services.play_update(
            actor=request.user,
            play=stored,
            data=data,
            gaps=gaps,
            expected_version=form.cleaned_data["version"],
        )

    context = {"object": play, "kind": "play", "cancel_url": _cancel(play)}
    return _save(request, form, save, "strategy/form.html", context)


@access(policy.STRATEGY_CHANGE)
def play_archive(request: SignedInRequest, pk: int) -> HttpResponse:
    play = selectors.play_detail(request.user, pk)
    if request.method == "POST":
        services.play_archive(actor=request.user, play=play)
        messages.success(request, f"“{play}” was archived. Its partnerships keep the link.")
        return redirect("strategy:play_list")
    return _confirm_archive(request, play, "Partnerships started from it keep the link.")


# Helpers ---------------------------------------------------------------------------------


def _play_gap_choices(request: SignedInRequest, play: PartnershipPlay | None) -> Any:
    """Open gaps, plus the archived ones the play already addresses (so saving keeps them)."""
    gaps = selectors.gaps_visible(request.user)
    choices = gaps.exclude(status=CapabilityGap.Status.ARCHIVED)
    return choices | gaps.filter(plays=play) if play is not None else choices


def _cancel(obj: Any) -> str:
    return obj.get_absolute_url() if obj is not None else reverse("strategy:overview")


def _back(request: HttpRequest, default: str) -> str:
    """Where a move button was pressed (the overview or a priority), never another site."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and allowed else default


def _confirm_archive(request: HttpRequest, obj: Any, consequence: str) -> HttpResponse:
    context = {
        **SECTION,
        "object": obj,
        "cancel_url": obj.get_absolute_url(),
        "consequence": consequence,
    }
    return render(request, "strategy/confirm_archive.html", context)
