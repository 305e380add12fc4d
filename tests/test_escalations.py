"""Escalations: raised by either side, a clock per severity, passed up a path, resolved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.core.errors import EditConflict
from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.governance import escalations, selectors
from accord.governance.models import Escalation
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for

START = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """Time stands still until a test moves it."""
    now = {"at": START}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def move(hours: float) -> None:
        now["at"] = now["at"] + dt.timedelta(hours=hours)

    return move


@pytest.fixture
def raised(personas, partnership, clock):
    partnerships.partnership_update(actor=personas["admin"], partnership=partnership,
                                    data={"executive_sponsor": personas["executive"]})  # fmt: skip
    return escalations.escalation_raise(
        actor=personas["manager"], partnership=partnership,
        data={"title": "Data access blocked", "severity": "high"},
        path=[personas["contributor"], personas["manager"], personas["executive"]],
    )  # fmt: skip


def test_the_clock_runs_per_severity_and_starts_again_at_each_step(personas, raised, clock):
    assert raised.due_at() == START + dt.timedelta(hours=24)
    clock(23)
    assert raised.hours_over(timezone.now()) == 0
    clock(3)  # 26 h after it was raised: 2 h past the high-severity day
    assert raised.hours_over(timezone.now()) == 2
    [late] = selectors.open_escalations(personas["manager"])
    assert (late.late_hours, late.holder) == (2, personas["contributor"])
    escalations.escalation_step_up(actor=personas["contributor"], escalation=raised)
    raised.refresh_from_db()
    assert (raised.level, raised.hours_over(timezone.now())) == (1, 0)
    assert raised.due_at() == START + dt.timedelta(hours=26 + 24)
    assert AuditEvent.objects.filter(
        model="governance.escalation", changes__held_by=["contributor", "manager"]
    ).exists()


def test_the_home_list_puts_the_longest_past_its_clock_first_whatever_the_number_open(
    personas, partnership, clock
):
    def raise_one(title: str, severity: str) -> Escalation:
        return escalations.escalation_raise(
            actor=personas["manager"], partnership=partnership,
            data={"title": title, "severity": severity}, path=[personas["manager"]],
        )  # fmt: skip

    for n in range(12):
        raise_one(f"Low {n}", "low")  # a week each: none late within the test
        clock(0.01)
    clock(1)
    raise_one("Critical", "critical")  # raised last, 4 hours
    raise_one("Medium", "medium")
    clock(10)  # the critical one is 6 h past its clock, nothing else is late
    shown = selectors.open_escalations(personas["manager"])
    assert [e.title for e in shown[:3]] == ["Critical", "Medium", "Low 0"]
    assert (len(shown), shown[0].late_hours, shown[0].holder) == (10, 6, personas["manager"])
    assert [e.title for e in selectors.open_escalations(personas["manager"], limit=20)][-1] == (
        "Low 11"
    )


def test_it_stops_at_the_end_of_its_path_and_is_resolved_with_a_reason(personas, raised):
    for who in ("contributor", "manager"):
        escalations.escalation_step_up(actor=personas[who], escalation=raised)
    with pytest.raises(ValidationError) as refused:
        escalations.escalation_step_up(actor=personas["executive"], escalation=raised)
    assert refused.value.message_dict["path"] == ["It is with the last person on its path already."]
    with pytest.raises(ValidationError) as no_reason:
        escalations.escalation_resolve(actor=personas["executive"], escalation=raised,
                                       resolution=" ")  # fmt: skip
    assert no_reason.value.message_dict["resolution"] == ["Say how it was resolved."]
    escalations.escalation_resolve(actor=personas["executive"], escalation=raised,
                                   resolution="Access granted by their CIO.")  # fmt: skip
    raised.refresh_from_db()
    assert (raised.is_open, raised.resolved_by) == (False, personas["executive"])
    assert selectors.open_escalations(personas["manager"]) == []


def test_only_the_holder_or_the_team_acts_and_a_stale_step_loses(personas, raised):
    with pytest.raises(PermissionDenied):
        escalations.escalation_step_up(actor=personas["viewer"], escalation=raised)
    read = raised.version
    escalations.escalation_step_up(actor=personas["contributor"], escalation=raised)
    stale = Escalation.objects.get(pk=raised.pk)
    with pytest.raises(EditConflict):
        escalations.escalation_resolve(actor=personas["manager"], escalation=stale,
                                       resolution="Done", expected_version=read)  # fmt: skip
    assert Escalation.objects.get(pk=raised.pk).is_open


def test_a_partner_raises_one_shared_with_its_own_organization_only(
    personas, partnership, org_b, clock
):
    partnerships.partnership_update(
        actor=personas["manager"], partnership=partnership, data={},
        parties=[(partnership.parties.get().organization, "consortium_member"),
                 (org_b, "consortium_member")],
    )  # fmt: skip
    theirs = escalations.escalation_raise(
        actor=personas["partner_a"], partnership=partnership,
        data={"title": "Invoices unpaid for 90 days", "severity": "critical"},
    )  # fmt: skip
    assert theirs.visibility == "shared"
    assert [s.person for s in theirs.path.all()] == [personas["manager"]]  # the owner first
    assert theirs.due_at() == START + dt.timedelta(hours=4)
    assert list(visible_to(personas["partner_a"], Escalation)) == [theirs]
    assert not visible_to(personas["partner_b"], Escalation).exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [(["partner_b"], "Neither ours nor a party's: partner_b."),
     (["manager", "manager"], "A person appears twice on the path.")],
)  # fmt: skip
def test_a_bad_path_is_refused_by_name_and_nothing_written(
    personas, partnership, clock, path, message
):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        escalations.escalation_raise(
            actor=personas["manager"],
            partnership=partnership,
            data={"title": "X"},
            path=[personas[p] for p in path],
        )
    assert refused.value.message_dict["path"] == [message]
    assert AuditEvent.objects.count() == before and not Escalation.objects.exists()


def test_the_api_and_the_pages_show_the_clock(personas, raised, clock):
    clock(30)
    manager = personas["manager"]
    api = client_for(manager).get(f"/api/v1/escalations/{raised.pk}", **bearer(manager)).json()
    assert (api["held_by"], api["hours_over"], api["path"]) == (
        "contributor", 6, ["contributor", "manager", "executive"])  # fmt: skip
    page = client_for(manager).get(f"/governance/escalations/{raised.pk}/").content.decode()
    assert "6 h past its time" in page
    home = client_for(manager).get("/").content.decode()
    assert 'data-testid="open-escalations"' in home and "Data access blocked" in home
    done = client_for(personas["contributor"]).post(
        f"/api/v1/escalations/{raised.pk}/resolution",
        {"resolution": "Access restored", "version": raised.version},
        content_type="application/json", **bearer(personas["contributor"]),
    )  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["resolved_at"] is not None and done.json()["held_by"] is None
