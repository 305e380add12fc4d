"""An object's history is read as its reader may see it: whoever may see the object reads its
history, administrators every history, and nobody else a line of it."""

from __future__ import annotations

from accord.core.history import history_for
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.strategy import services as strategy
from tests.conftest import client_for

THIS_YEAR = 2030


def test_whoever_may_see_an_object_reads_its_history(personas, org_a):
    directory.organization_update(actor=personas["admin"], organization=org_a, data={"city": "Ulm"})
    viewer = personas["viewer"]
    assert [e.action for e in history_for(viewer, org_a)] == ["update", "create"]
    assert not history_for(personas["partner_a"], org_a).exists()


def test_a_strategy_reader_reads_a_priority_history_and_a_partner_does_not(personas):
    priority = strategy.priority_create(
        actor=personas["admin"], data={"title": "Grow", "horizon_year": THIS_YEAR}
    )
    assert history_for(personas["contributor"], priority).count() == 1
    assert not history_for(personas["partner_a"], priority).exists()


def test_a_confidential_partnership_history_never_reaches_a_non_member(personas, org_a):
    manager, outsider = personas["manager"], personas["executive"]
    secret = partnerships.partnership_create(
        actor=manager,
        data={"title": "Quiet deal", "type": "rd_alliance", "is_confidential": True},
        parties=[(org_a, "partner")],
    )
    partnerships.partnership_update(actor=manager, partnership=secret, data={"notes": "Hush"})
    assert history_for(manager, secret).count() == 2  # its owner, on its team
    assert history_for(personas["admin"], secret).count() == 2
    assert not history_for(outsider, secret).exists()
    assert not history_for(personas["viewer"], secret).exists()
    page = client_for(outsider).get(f"/partnerships/{secret.pk}/", {"tab": "history"})
    assert page.status_code == 404
    assert b"Hush" not in page.content
