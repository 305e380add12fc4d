"""Due diligence: the checklist a candidate passes before engagement, kept item by item."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.partnerships import services
from accord.partnerships.models import Partnership
from accord.screening.due_diligence import due_diligence_start, is_complete
from accord.screening.models import DueDiligenceItem, DueDiligenceTemplateItem
from tests.conftest import client_for


@pytest.fixture
def partnership(personas, org_a) -> Partnership:
    return services.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "owner": personas["manager"]},
        parties=[(org_a, "partner")],
    )


def page(pk: int) -> str:
    return f"/screening/partnerships/{pk}/due-diligence/"


def test_the_template_holds_the_five_checks_of_the_seeds(db):
    kinds = list(DueDiligenceTemplateItem.objects.values_list("kind", flat=True))
    assert kinds == ["financial", "ethics", "ip", "security", "references"]


def test_starting_copies_the_template_once_and_is_audited(personas, partnership):
    client = client_for(personas["manager"])
    response = client.post(f"{page(partnership.pk)}start/")
    assert response.status_code == 302
    assert partnership.due_diligence.count() == 5
    client.post(f"{page(partnership.pk)}start/")
    assert partnership.due_diligence.count() == 5
    assert AuditEvent.objects.filter(model="screening.duediligenceitem").count() == 5
    body = client.get(page(partnership.pk)).content.decode()
    assert "0 of 5 done" in body and "Ethics and compliance" in body


def test_an_item_is_done_only_with_evidence(personas, partnership):
    manager = personas["manager"]
    item = due_diligence_start(actor=manager, partnership=partnership)[0]
    client = client_for(manager)
    prefix = f"item{item.pk}"
    form = {
        f"{prefix}-title": item.title,
        f"{prefix}-kind": item.kind,
        f"{prefix}-owner": "",
        f"{prefix}-status": "done",
        f"{prefix}-evidence": "",
    }
    refused = client.post(f"/screening/due-diligence/{item.pk}/", form)
    assert refused.status_code == 422
    assert "Say what was checked" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == "open"
    form[f"{prefix}-evidence"] = "Audited accounts 2025 reviewed; 30 months of runway."
    assert client.post(f"/screening/due-diligence/{item.pk}/", form).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.evidence.startswith("Audited")
    event = AuditEvent.objects.filter(model="screening.duediligenceitem", action="update").get()
    assert event.changes["status"] == ["open", "done"]


def test_complete_means_every_item_done_or_not_applicable(personas, partnership):
    manager = personas["manager"]
    assert not is_complete(partnership)
    due_diligence_start(actor=manager, partnership=partnership)
    DueDiligenceItem.objects.filter(partnership=partnership).update(status="done")
    assert is_complete(partnership)
    DueDiligenceItem.objects.filter(partnership=partnership, kind="security").update(
        status="in_progress"
    )
    assert not is_complete(partnership)


def test_readers_see_the_checklist_but_may_not_change_it(personas, partnership):
    item = due_diligence_start(actor=personas["manager"], partnership=partnership)[0]
    viewer = client_for(personas["viewer"])
    body = viewer.get(page(partnership.pk)).content.decode()
    assert item.title in body and ">Save</button>" not in body
    assert viewer.post(f"/screening/due-diligence/{item.pk}/", {"delete": "1"}).status_code == 403
    assert DueDiligenceItem.objects.filter(pk=item.pk).exists()


def test_a_partner_never_sees_due_diligence(personas, partnership):
    item = due_diligence_start(actor=personas["manager"], partnership=partnership)[0]
    partner = client_for(personas["partner_a"])  # its organization is the party
    assert partner.get(page(partnership.pk)).status_code == 404  # internal: not there for it
    workspace = partner.get(f"/workspace/{partnership.pk}/").content.decode()
    assert item.title not in workspace


def test_an_item_is_added_and_removed(personas, partnership):
    client = client_for(personas["manager"])
    response = client.post(
        f"{page(partnership.pk)}add/",
        {"new-title": "Export-control classification", "new-kind": "other", "new-status": "open"},
    )
    assert response.status_code == 302
    item = partnership.due_diligence.get(title="Export-control classification")
    client.post(f"/screening/due-diligence/{item.pk}/", {"delete": "1"})
    assert not partnership.due_diligence.exists()
    assert AuditEvent.objects.filter(model="screening.duediligenceitem", action="delete").exists()


def test_the_template_is_configurable_and_new_checklists_follow_it(personas, partnership):
    client = client_for(personas["manager"])
    url = "/screening/due-diligence/template/"
    assert client.post(url, {"kind": "other", "title": ""}).status_code == 422
    assert client.post(url, {"kind": "security", "title": "Export control"}).status_code == 302
    references = DueDiligenceTemplateItem.objects.get(kind="references")
    client.post(f"{url}{references.pk}/delete/")
    titles = [
        i.title for i in due_diligence_start(actor=personas["manager"], partnership=partnership)
    ]
    assert "Export control" in titles and references.title not in titles
    assert client_for(personas["viewer"]).get(url).status_code == 403
