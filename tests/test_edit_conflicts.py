"""Edits never lose another person's work: only changed fields are written, a stage move made
meanwhile stands, and an edit of an older version is refused with both values shown."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.core.errors import EditConflict
from accord.directory import services as directory
from accord.directory.models import Organization, Tag
from accord.partnerships import services
from accord.partnerships.models import Partnership
from accord.strategy import services as strategy
from accord.strategy.models import PartnershipPlay
from tests.conftest import client_for

API = "/api/v1"


pytestmark = pytest.mark.usefixtures("default_gates")


def send(client: Client, method: str, path: str, body: Any, **headers: str):
    content = json.dumps(body)
    return client.generic(method, path, content, content_type="application/json", **headers)


def form_values(page) -> dict[str, Any]:
    """What a browser would post back from the edit page as it was rendered."""
    form = page.context["form"]
    if form.is_bound:  # re-shown after a refusal: what the user typed, with the new version
        return {key: form.data.getlist(key) for key in form.data}
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        values[name] = [str(v) for v in value] if isinstance(value, list) else value
    parties = page.context.get("parties")
    if parties is None:
        return values
    values.update({k: v for k, v in parties.management_form.initial.items()})
    values = {f"parties-{k}" if k.isupper() else k: v for k, v in values.items()}
    for index, party in enumerate(parties.forms):
        for name in ("organization", "role"):
            values[f"parties-{index}-{name}"] = party[name].value() or ""
    return values


def edit_url(partnership: Partnership) -> str:
    return reverse("partnerships:partnership_edit", args=[partnership.pk])


# Writes ------------------------------------------------------------------------------------


def test_an_edit_writes_only_the_fields_it_changes(personas, partnership):
    stored = Partnership.objects.get(pk=partnership.pk)
    with CaptureQueriesContext(connection) as queries:
        services.partnership_update(
            actor=personas["manager"], partnership=stored, data={"title": "Vision alliance II"}
        )
    table = 'UPDATE "partnerships_partnership"'
    updates = [q["sql"] for q in queries if q["sql"].startswith(table)]
    assert len(updates) == 1, updates
    assert '"title"' in updates[0] and '"version"' in updates[0]
    for untouched in ('"stage"', '"stage_version"', '"value_for_us"', '"owner_id"'):
        assert untouched not in updates[0], updates[0]


def test_an_edit_racing_a_move_keeps_the_new_stage(personas, partnership):
    editing = Partnership.objects.get(pk=partnership.pk)  # loaded at candidate
    services.partnership_move(
        actor=personas["manager"],
        partnership=Partnership.objects.get(pk=partnership.pk),
        to_stage="screening",
        reason="Fits the strategy",
    )
    services.partnership_update(
        actor=personas["manager"], partnership=editing, data={"title": "Vision alliance II"}
    )
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.stage_version) == ("screening", 1)
    assert (partnership.title, partnership.version) == ("Vision alliance II", 1)


def test_the_edit_page_loaded_before_a_move_saves_without_undoing_it(personas, partnership):
    client = client_for(personas["manager"])
    page = client.get(edit_url(partnership))
    services.partnership_move(
        actor=personas["executive"], partnership=partnership, to_stage="screening", reason="Go"
    )
    response = client.post(edit_url(partnership), {**form_values(page), "notes": "Met twice"})
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.notes) == ("screening", "Met twice")


def test_a_second_edit_from_the_same_version_is_refused_with_both_values(personas, partnership):
    first, second = client_for(personas["manager"]), client_for(personas["admin"])
    first_page, second_page = first.get(edit_url(partnership)), second.get(edit_url(partnership))
    assert 'name="version" value="0"' in second_page.content.decode()

    saved = first.post(edit_url(partnership), {**form_values(first_page), "title": "Alpha"})
    assert saved.status_code == 302
    refused = second.post(
        edit_url(partnership), {**form_values(second_page), "title": "Beta", "fees": "2%"}
    )

    assert refused.status_code == 409
    text = refused.content.decode()
    assert "changed by someone else" in text
    conflict = re.search(r'data-testid="conflict-title">(.*?)</tr>', text, re.S).group(1)
    assert "Beta" in conflict and "Alpha" in conflict
    assert 'value="Beta"' in text and 'value="2%"' in text  # nothing typed is lost
    assert 'name="version" value="1"' in text
    partnership.refresh_from_db()
    assert (partnership.title, partnership.fees, partnership.version) == ("Alpha", "", 1)

    # Saving the re-shown form again overwrites on purpose.
    again = second.post(edit_url(partnership), form_values(refused))
    assert again.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.title, partnership.fees, partnership.version) == ("Beta", "2%", 2)


def test_the_service_names_each_conflicting_field(personas, partnership):
    services.partnership_update(
        actor=personas["manager"],
        partnership=Partnership.objects.get(pk=partnership.pk),
        data={"title": "Alpha"},
        expected_version=0,
    )
    with pytest.raises(EditConflict) as raised:
        services.partnership_update(
            actor=personas["manager"],
            partnership=Partnership.objects.get(pk=partnership.pk),
            data={"title": "Beta", "value_for_us": "Inspection"},
            expected_version=0,
        )
    assert [(c.field, c.yours, c.theirs) for c in raised.value.conflicts] == [
        ("title", "Beta", "Alpha")
    ]
    assert raised.value.version == 1


# API ---------------------------------------------------------------------------------------


def test_the_api_gives_the_version_as_etag_and_refuses_a_stale_if_match(personas, partnership):
    client = client_for(personas["manager"])
    path = f"{API}/partnerships/{partnership.pk}"
    read = client.get(path)
    assert read["ETag"] == 'W/"0"' and read.json()["version"] == 0

    saved = send(client, "PATCH", path, {"title": "Alpha"}, HTTP_IF_MATCH=read["ETag"])
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == 'W/"1"' and saved.json()["version"] == 1

    stale = send(client, "PATCH", path, {"title": "Beta"}, HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    assert stale["ETag"] == 'W/"1"'
    error = stale.json()["error"]
    assert error["code"] == "precondition_failed"
    assert error["details"] == [
        {
            "field": "title",
            "message": "You sent Beta; it is now Alpha.",
            "yours": "Beta",
            "theirs": "Alpha",
        }
    ]
    partnership.refresh_from_db()
    assert partnership.title == "Alpha"


def test_the_api_refuses_a_stale_version_in_the_body(personas, partnership):
    client = client_for(personas["manager"])
    path = f"{API}/partnerships/{partnership.pk}"
    assert send(client, "PATCH", path, {"title": "Alpha", "version": 0}).status_code == 200
    stale = send(client, "PATCH", path, {"budget": "10.00", "version": 0})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert [d["field"] for d in stale.json()["error"]["details"]] == ["budget"]
    partnership.refresh_from_db()
    assert partnership.budget is None


def test_the_api_without_a_version_overwrites_only_the_fields_sent(personas, partnership):
    client = client_for(personas["manager"])
    path = f"{API}/partnerships/{partnership.pk}"
    services.partnership_move(
        actor=personas["manager"], partnership=partnership, to_stage="screening", reason="Go"
    )
    assert send(client, "PATCH", path, {"notes": "Met"}).status_code == 200
    assert send(client, "PATCH", path, {"fees": "2%"}).status_code == 200
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.notes, partnership.fees) == ("screening", "Met", "2%")


def test_a_malformed_if_match_is_named(personas, partnership):
    client = client_for(personas["manager"])
    path = f"{API}/partnerships/{partnership.pk}"
    response = send(client, "PATCH", path, {"title": "Alpha"}, HTTP_IF_MATCH="yesterday")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "If-Match"
    partnership.refresh_from_db()
    assert partnership.title == "Vision alliance"


# Strategy ----------------------------------------------------------------------------------


def test_two_edits_of_a_priority_from_the_same_version(personas, gap):
    priority = gap.priority
    path = reverse("strategy:priority_edit", args=[priority.pk])
    first, second = client_for(personas["admin"]), client_for(personas["executive"])
    first_page, second_page = first.get(path), second.get(path)
    assert first.post(path, {**form_values(first_page), "weight": "40"}).status_code == 302
    refused = second.post(path, {**form_values(second_page), "weight": "60"})
    assert refused.status_code == 409
    text = refused.content.decode()
    conflict = re.search(r'data-testid="conflict-weight">(.*?)</tr>', text, re.S).group(1)
    assert ">60<" in conflict and ">40<" in conflict
    priority.refresh_from_db()
    assert (priority.weight, priority.version) == (40, 1)


def test_a_stale_gap_edit_through_the_api_is_refused(personas, gap):
    client = client_for(personas["admin"])
    path = f"{API}/gaps/{gap.pk}"
    etag = client.get(path)["ETag"]
    assert send(client, "PATCH", path, {"importance": 5}, HTTP_IF_MATCH=etag).status_code == 200
    stale = send(client, "PATCH", path, {"importance": 2}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    [detail] = stale.json()["error"]["details"]
    assert (detail["field"], detail["yours"], detail["theirs"]) == ("importance", 2, 5)
    gap.refresh_from_db()
    assert gap.importance == 5


def test_a_play_edit_of_its_gaps_only_is_a_new_version(personas, gap):
    play = strategy.play_create(
        actor=personas["admin"], data={"title": "Vision R&D", "type": "rd_alliance"}
    )
    strategy.play_update(actor=personas["admin"], play=play, data={}, gaps=[gap])
    with pytest.raises(EditConflict) as raised:
        strategy.play_update(
            actor=personas["admin"],
            play=PartnershipPlay.objects.get(pk=play.pk),
            data={"objective": "Find a partner"},
            gaps=[],
            expected_version=0,
        )
    fields = {c.field: (c.yours, c.theirs) for c in raised.value.conflicts}
    assert fields == {"objective": ("Find a partner", ""), "gaps": ([], [gap])}
    assert list(PartnershipPlay.objects.get(pk=play.pk).gaps.all()) == [gap]


# Directory ---------------------------------------------------------------------------------


def test_two_edits_of_an_organization_keep_both_values_visible(personas, org_a):
    path = reverse("directory:organization_edit", args=[org_a.pk])
    first, second = client_for(personas["admin"]), client_for(personas["manager"])
    first_page, second_page = first.get(path), second.get(path)
    assert first.post(path, {**form_values(first_page), "city": "Munich"}).status_code == 302
    refused = second.post(path, {**form_values(second_page), "city": "Berlin"})
    assert refused.status_code == 409
    text = refused.content.decode()
    conflict = re.search(r'data-testid="conflict-city">(.*?)</tr>', text, re.S).group(1)
    assert ">Berlin<" in conflict and ">Munich<" in conflict
    assert 'value="Berlin"' in text
    org_a.refresh_from_db()
    assert (org_a.city, org_a.version) == ("Munich", 1)


def test_a_stale_person_edit_through_the_api_is_refused(personas, org_a):
    client = client_for(personas["admin"])
    created = send(client, "POST", f"{API}/people", {"full_name": "Ada Lovelace"})
    path = f"{API}/people/{created.json()['id']}"
    etag = client.get(path)["ETag"]
    assert send(client, "PATCH", path, {"title": "CTO"}, HTTP_IF_MATCH=etag).status_code == 200
    stale = send(client, "PATCH", path, {"title": "CEO", "tags": ["ai"]}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert [d["field"] for d in stale.json()["error"]["details"]] == ["title", "tags"]
    after = client.get(path).json()
    assert (after["title"], after["tags"], after["version"]) == ("CTO", [], 1)
    assert not Tag.objects.filter(name="ai").exists()  # nor was the tag it named created


def test_a_merge_is_a_new_version_of_the_organization_kept(personas, org_a, org_b):
    from accord.directory import services as directory

    editing = type(org_a).objects.get(pk=org_a.pk)
    directory.organization_merge(actor=personas["admin"], keep=org_a, duplicate=org_b)
    with pytest.raises(EditConflict):
        directory.organization_update(
            actor=personas["admin"], organization=editing, data={"city": "Munich"}
        )


# Screening rubrics -------------------------------------------------------------------------


@pytest.fixture
def rubric(personas):
    from accord.screening import rubrics

    return rubrics.rubric_from_template(
        actor=personas["manager"], template="Technology partner screening"
    ).version.rubric


def criteria_post(rubric, version: int, weights: dict[int, float]) -> dict[str, Any]:
    from accord.screening import rubrics

    criteria = list(rubrics.current_version(rubric).criteria.all())
    data: dict[str, Any] = {
        "version": version,
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, c in enumerate(criteria):
        row = {
            "name": c.name,
            "description": c.description,
            "weight": weights.get(i, c.weight),
            "direction": c.direction,
            "knockout_threshold": c.knockout_threshold or "",
            "levels": "\n".join(c.levels),
        }
        data |= {f"criteria-{i}-{k}": v for k, v in row.items()}
    return data


def test_two_edits_of_a_rubrics_criteria_from_the_same_version(personas, rubric):
    from accord.screening import rubrics

    client = client_for(personas["manager"])
    url = f"/screening/rubrics/{rubric.pk}/edit/"
    assert 'name="version" value="0"' in client.get(url).content.decode()
    first = client.post(url, criteria_post(rubric, 0, {0: 5}))
    assert first.status_code == 302
    saved = [c.weight for c in rubrics.current_version(rubric).criteria.all()]

    refused = client.post(url, criteria_post(rubric, 0, {1: 9}))
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "changed by someone else" in text and 'data-testid="conflict-criteria"' in text
    assert 'name="version" value="1"' in text and 'value="9"' in text
    assert [c.weight for c in rubrics.current_version(rubric).criteria.all()] == saved


def test_a_stale_rubric_edit_through_the_api_is_refused(personas, rubric):
    client = client_for(personas["manager"])
    path = f"{API}/rubrics/{rubric.pk}"
    read = client.get(path)
    assert read["ETag"] == 'W/"0"' and read.json()["edit_version"] == 0
    saved = send(client, "PATCH", path, {"description": "Ours"}, HTTP_IF_MATCH=read["ETag"])
    assert saved.status_code == 200 and saved.json()["edit_version"] == 1
    stale = send(client, "PATCH", path, {"description": "Theirs"}, HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    [detail] = stale.json()["error"]["details"]
    assert (detail["field"], detail["yours"], detail["theirs"]) == ("description", "Theirs", "Ours")
    rubric.refresh_from_db()
    assert rubric.description == "Ours"


# Scouting scans ----------------------------------------------------------------------------


def test_a_stale_scan_edit_is_refused_and_a_run_is_not_undone(personas):
    from accord.scouting import services as scouting

    scan = scouting.scan_create(
        actor=personas["admin"], data={"text": "machine vision for inspection", "top": 10}
    )
    client = client_for(personas["admin"])
    path = f"{API}/scans/{scan.pk}"
    etag = client.get(path)["ETag"]
    editing = type(scan).objects.get(pk=scan.pk)
    scouting.scan_run(actor=personas["admin"], scan=scan)  # a run is not an edit
    scouting.scan_update(actor=personas["admin"], scan=editing, data={"top": 20})
    editing.refresh_from_db()
    assert (editing.run_count, editing.top, editing.version) == (1, 20, 1)

    stale = send(client, "PATCH", path, {"top": 5}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert [d["field"] for d in stale.json()["error"]["details"]] == ["top"]
    editing.refresh_from_db()
    assert editing.top == 20


# Due diligence -----------------------------------------------------------------------------


def test_a_stale_due_diligence_edit_is_refused_on_the_page_and_the_api(personas, partnership):
    from accord.screening.due_diligence import due_diligence_start, template_install_defaults

    template_install_defaults()
    item = due_diligence_start(actor=personas["manager"], partnership=partnership)[0]
    client = client_for(personas["manager"])
    path = f"{API}/due-diligence-items/{item.pk}"
    saved = send(client, "PATCH", path, {"evidence": "Audited 2025 accounts", "version": 0})
    assert saved.status_code == 200 and saved["ETag"] == 'W/"1"'

    stale = send(client, "PATCH", path, {"evidence": "Nothing found", "version": 0})
    assert stale.status_code == 409
    assert [d["field"] for d in stale.json()["error"]["details"]] == ["evidence"]

    page = client.post(
        reverse("screening:duediligenceitem_update", args=[item.pk]),
        {
            f"item{item.pk}-title": item.title,
            f"item{item.pk}-kind": item.kind,
            f"item{item.pk}-status": item.status,
            f"item{item.pk}-evidence": "Checked twice",
            f"item{item.pk}-version": "0",
        },
    )
    assert page.status_code == 409
    text = page.content.decode()
    assert "Checked twice" in text and "Audited 2025 accounts" in text
    item.refresh_from_db()
    assert (item.evidence, item.version) == ("Audited 2025 accounts", 1)


# Two requests at once ----------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_the_same_version_one_wins_one_is_refused(personas, org_a):
    import threading

    from django.db import connections, transaction

    services.gates_install_defaults()
    partnership = services.partnership_create(
        actor=personas["manager"], data={"title": "Vision alliance", "type": "rd_alliance"}
    )
    barrier, outcomes = threading.Barrier(2), {}

    def edit(title: str) -> None:
        try:
            with transaction.atomic():
                loaded = Partnership.objects.get(pk=partnership.pk)
                barrier.wait(timeout=10)  # both have read version 0 before either writes
                services.partnership_update(
                    actor=personas["manager"],
                    partnership=loaded,
                    data={"title": title},
                    expected_version=0,
                )
            outcomes[title] = "saved"
        except EditConflict as conflict:
            outcomes[title] = conflict
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winner = [t for t, o in outcomes.items() if o == "saved"]
    losers = [o for o in outcomes.values() if isinstance(o, EditConflict)]
    assert len(winner) == 1 and len(losers) == 1, outcomes
    partnership.refresh_from_db()
    assert (partnership.title, partnership.version) == (winner[0], 1)
    assert [(c.field, c.theirs) for c in losers[0].conflicts] == [("title", winner[0])]


# Users -------------------------------------------------------------------------------------


def test_an_edit_of_a_user_keeps_a_password_changed_meanwhile(personas):
    from accord.accounts import services as accounts
    from accord.accounts.models import User

    viewer = personas["viewer"]
    editing = User.objects.get(pk=viewer.pk)
    accounts.user_set_password(
        actor=viewer, user=User.objects.get(pk=viewer.pk), password="a-new-long-passphrase-9"
    )
    accounts.user_update(actor=personas["admin"], user=editing, data={"first_name": "Vera"})
    viewer.refresh_from_db()
    assert viewer.check_password("a-new-long-passphrase-9") and viewer.first_name == "Vera"


def test_two_administrators_editing_one_user(personas):
    from accord.accounts.models import User

    admin2 = User.objects.create(username="admin2", role="admin", is_staff=True)
    path = reverse("accounts:user_edit", args=[personas["viewer"].pk])
    first, second = client_for(personas["admin"]), client_for(admin2)
    first_page, second_page = first.get(path), second.get(path)
    assert first.post(path, {**form_values(first_page), "role": "contributor"}).status_code == 302
    refused = second.post(path, {**form_values(second_page), "last_name": "Lund"})
    assert refused.status_code == 409
    conflict = re.search(r'data-testid="conflict-role">(.*?)</tr>', refused.content.decode(), re.S)
    assert conflict and "contributor" in conflict.group(1)
    viewer = User.objects.get(pk=personas["viewer"].pk)
    assert (viewer.role, viewer.last_name, viewer.version) == ("contributor", "", 1)


# Stage gates -------------------------------------------------------------------------------


def test_two_administrators_editing_one_gate(personas):
    from accord.accounts.models import User
    from accord.partnerships.models import StageGate

    gate = StageGate.objects.get(stage="engaging")
    admin2 = User.objects.create(username="admin2", role="admin", is_staff=True)
    path = reverse("partnerships:stagegate_edit", args=[gate.pk])
    first, second = client_for(personas["admin"]), client_for(admin2)
    first_page, second_page = first.get(path), second.get(path)
    saved = first.post(path, {**form_values(first_page), "checklist": "NDA signed"})
    assert saved.status_code == 302
    refused = second.post(path, {**form_values(second_page), "checklist": "Budget approved"})
    assert refused.status_code == 409
    text = refused.content.decode()
    assert "Budget approved" in text and "NDA signed" in text
    gate.refresh_from_db()
    assert (gate.checklist, gate.version) == (["NDA signed"], 1)


def test_an_edit_stamps_the_time_of_the_change(admin_user):
    """Whatever reads `updated_at` (the scouting index's refresh, lists sorted by last change)
    must see an edit made by the conditional UPDATE as it saw one made by save()."""
    organization = directory.organization_create(actor=admin_user, data={"name": "Stampco"})
    before = Organization.objects.get(pk=organization.pk).updated_at
    directory.organization_update(
        actor=admin_user, organization=organization, data={"city": "Leipzig"}
    )
    assert Organization.objects.get(pk=organization.pk).updated_at > before
