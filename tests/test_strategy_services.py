"""Strategy services: validation that names the field, audit with before/after, ordering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accord.core.audit import history_of
from accord.core.models import AuditEvent
from accord.strategy import services
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority

THIS_YEAR = timezone.localdate().year


def make_priority(actor, title: str = "Electrify the fleet", **data) -> StrategicPriority:
    return services.priority_create(
        actor=actor, data={"title": title, "horizon_year": THIS_YEAR + 3, **data}
    )


def make_gap(actor, priority, title: str = "Battery chemistry", **data) -> CapabilityGap:
    return services.gap_create(actor=actor, data={"priority": priority, "title": title, **data})


def test_priority_create_is_audited_with_its_values(admin_user):
    priority = make_priority(admin_user, weight=5)
    (event,) = history_of(priority)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == admin_user
    assert event.changes["title"] == [None, "Electrify the fleet"]
    assert event.changes["weight"] == [None, 5]
    assert event.changes["horizon_year"] == [None, THIS_YEAR + 3]


def test_priority_update_records_only_changed_fields(admin_user):
    priority = make_priority(admin_user)
    services.priority_update(
        actor=admin_user, priority=priority, data={"weight": 9, "title": priority.title}
    )
    event = history_of(priority).get(action=AuditEvent.Action.UPDATE)
    assert event.changes == {"weight": [1, 9]}


@pytest.mark.parametrize("year", [THIS_YEAR - 1, THIS_YEAR + 16])
def test_priority_horizon_outside_the_next_fifteen_years_is_refused(admin_user, year):
    with pytest.raises(ValidationError) as refused:
        make_priority(admin_user, horizon_year=year)
    assert "horizon_year" in refused.value.message_dict
    assert str(THIS_YEAR) in refused.value.message_dict["horizon_year"][0]
    assert not StrategicPriority.objects.exists()
    assert not AuditEvent.objects.filter(model="strategy.strategicpriority").exists()


def test_priority_errors_are_reported_together(admin_user):
    with pytest.raises(ValidationError) as refused:
        services.priority_create(
            actor=admin_user, data={"title": "", "horizon_year": THIS_YEAR - 5}
        )
    assert {"title", "horizon_year"} <= set(refused.value.message_dict)


def test_priority_archive_keeps_the_priority_and_its_gaps(admin_user):
    priority = make_priority(admin_user)
    gap = make_gap(admin_user, priority)
    services.priority_archive(actor=admin_user, priority=priority)
    priority.refresh_from_db()
    assert priority.status == StrategicPriority.Status.ARCHIVED
    assert CapabilityGap.objects.filter(pk=gap.pk, priority=priority).exists()
    event = history_of(priority).get(action=AuditEvent.Action.UPDATE)
    assert event.changes == {"status": ["active", "archived"]}


def test_write_without_an_actor_raises_and_writes_nothing(db):
    with pytest.raises(ValueError, match="actor"):
        services.priority_create(actor=None, data={"title": "x", "horizon_year": THIS_YEAR})
    assert not StrategicPriority.objects.exists()


def test_priorities_are_created_at_the_end_and_move_up_and_down(admin_user):
    first, second, third = (make_priority(admin_user, title=t) for t in ("One", "Two", "Three"))
    assert [p.title for p in StrategicPriority.objects.all()] == ["One", "Two", "Three"]

    services.priority_move(actor=admin_user, priority=third, direction="up")
    assert [p.title for p in StrategicPriority.objects.all()] == ["One", "Three", "Two"]
    services.priority_move(actor=admin_user, priority=first, direction="down")
    assert [p.title for p in StrategicPriority.objects.all()] == ["Three", "One", "Two"]
    event = history_of(first).filter(action=AuditEvent.Action.UPDATE).latest("at")
    assert event.changes == {"position": [1, 2]}
    assert second.pk


def test_moving_the_first_priority_up_changes_nothing(admin_user):
    first = make_priority(admin_user, title="One")
    make_priority(admin_user, title="Two")
    services.priority_move(actor=admin_user, priority=first, direction="up")
    assert [p.title for p in StrategicPriority.objects.all()] == ["One", "Two"]
    assert not history_of(first).filter(action=AuditEvent.Action.UPDATE).exists()


def test_moving_rows_with_equal_positions_still_reorders_them(admin_user):
    a = StrategicPriority.objects.create(title="A", horizon_year=THIS_YEAR)
    b = StrategicPriority.objects.create(title="B", horizon_year=THIS_YEAR)
    services.priority_move(actor=admin_user, priority=b, direction="up")
    assert list(StrategicPriority.objects.all()) == [b, a]


def test_an_unknown_direction_is_refused(admin_user):
    priority = make_priority(admin_user)
    with pytest.raises(ValidationError) as refused:
        services.priority_move(actor=admin_user, priority=priority, direction="sideways")
    assert "direction" in refused.value.message_dict


def test_gap_target_date_in_the_past_is_refused_on_create(admin_user):
    priority = make_priority(admin_user)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        make_gap(admin_user, priority, target_date=yesterday)
    assert "past" in refused.value.message_dict["target_date"][0]
    assert not CapabilityGap.objects.exists()
    assert not AuditEvent.objects.filter(model="strategy.capabilitygap").exists()


def test_gap_importance_outside_one_to_five_names_the_field(admin_user):
    priority = make_priority(admin_user)
    with pytest.raises(ValidationError) as refused:
        make_gap(admin_user, priority, importance=6)
    assert "importance" in refused.value.message_dict


def test_gaps_are_ordered_within_their_priority(admin_user):
    priority, other = make_priority(admin_user), make_priority(admin_user, title="Other")
    a, b = make_gap(admin_user, priority, "A"), make_gap(admin_user, priority, "B")
    elsewhere = make_gap(admin_user, other, "Elsewhere")
    assert (a.position, b.position, elsewhere.position) == (1, 2, 1)
    services.gap_move(actor=admin_user, gap=b, direction="up")
    assert list(priority.gaps.all()) == [b, a]
    elsewhere.refresh_from_db()
    assert elsewhere.position == 1


def test_gap_update_and_archive_are_audited(admin_user):
    gap = make_gap(admin_user, make_priority(admin_user))
    services.gap_update(actor=admin_user, gap=gap, data={"importance": 5, "kind": "talent"})
    services.gap_archive(actor=admin_user, gap=gap)
    updates = [e.changes for e in history_of(gap).filter(action="update").order_by("id")]
    assert updates == [
        {"importance": [3, 5], "kind": ["technology", "talent"]},
        {"status": ["open", "archived"]},
    ]


def test_play_create_records_its_gaps(admin_user):
    gap = make_gap(admin_user, make_priority(admin_user))
    play = services.play_create(
        actor=admin_user,
        data={"title": "Co-develop cells", "type": "co_development", "budget": Decimal("250000")},
        gaps=[gap],
    )
    assert list(play.gaps.all()) == [gap]
    (event,) = history_of(play)
    assert event.changes["gaps"] == [None, ["Battery chemistry"]]
    assert event.changes["budget"] == [None, "250000.00"]


def test_play_negative_budget_is_refused_and_nothing_is_written(admin_user):
    with pytest.raises(ValidationError) as refused:
        services.play_create(
            actor=admin_user, data={"title": "Bad", "type": "licensing", "budget": Decimal("-1")}
        )
    assert "budget" in refused.value.message_dict
    assert not PartnershipPlay.objects.exists()


def test_play_update_changes_gaps_and_archive_keeps_it(admin_user):
    priority = make_priority(admin_user)
    a, b = make_gap(admin_user, priority, "A"), make_gap(admin_user, priority, "B")
    play = services.play_create(actor=admin_user, data={"title": "P", "type": "cvc"}, gaps=[a])
    services.play_update(actor=admin_user, play=play, data={"budget": 5}, gaps=[a, b])
    services.play_update(actor=admin_user, play=play, data={"budget": Decimal("5.0")})
    services.play_archive(actor=admin_user, play=play)
    play.refresh_from_db()
    assert play.status == PartnershipPlay.Status.ARCHIVED
    updates = [e.changes for e in history_of(play).filter(action="update").order_by("id")]
    assert updates == [
        {"gaps": [["A"], ["A", "B"]], "budget": [None, "5.00"]},
        {"status": ["proposed", "archived"]},
    ]
