"""The partner workspace: partner users see their own partnerships' shared items, nothing else.

Two partner organizations (A and B) share one consortium; a third (C) has a partnership of its
own. Each partner is checked against the others, as a tenant against tenants.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.accounts.services import user_create
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import services
from accord.partnerships.models import Document, Note, NoteComment
from tests.conftest import PASSWORD, bearer, client_for


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.fixture
def world(personas, org_a, org_b, admin_user):
    manager = personas["manager"]
    org_c = directory.organization_create(actor=admin_user, data={"name": "Gamma Optics"})
    partner_c = user_create(
        actor=admin_user,
        username="partner_c",
        role="partner",
        password=PASSWORD,
        organization=org_c,
    )
    consortium = services.partnership_create(
        actor=manager,
        data={"title": "Robotics consortium", "type": "consortium", "value_for_us": "Secret value",
              "budget": 250000},
        parties=[(org_a, "lead"), (org_b, "consortium_member")],
    )  # fmt: skip
    optics = services.partnership_create(
        actor=manager,
        data={"title": "Optics pilot", "type": "rd_alliance"},
        parties=[(org_c, "partner")],
    )
    shared = services.note_create(
        actor=manager, partnership=consortium, body="Kick-off agenda", visibility="shared",
        shared_with="all",
    )  # fmt: skip
    internal = services.note_create(
        actor=manager, partnership=consortium, body="Our walk-away price", visibility="internal"
    )
    optics_note = services.note_create(
        actor=manager, partnership=optics, body="Optics roadmap", visibility="shared"
    )
    shared_doc = services.document_upload(
        actor=manager, partnership=consortium, upload=_upload("plan.txt", b"joint plan"),
        title="Joint plan", visibility="shared", shared_with="all",
    )  # fmt: skip
    internal_doc = services.document_upload(
        actor=manager, partnership=consortium, upload=_upload("terms.txt", b"our terms"),
        title="Negotiation terms", visibility="internal",
    )  # fmt: skip
    return {
        "a": client_for(personas["partner_a"]),
        "b": client_for(personas["partner_b"]),
        "c": client_for(partner_c),
        "consortium": consortium,
        "optics": optics,
        "shared": shared,
        "internal": internal,
        "optics_note": optics_note,
        "shared_doc": shared_doc,
        "internal_doc": internal_doc,
    }


def _url(name: str, pk: int | None = None) -> str:
    return reverse(f"workspace:{name}", args=[pk] if pk is not None else [])


def test_partner_home_lists_only_its_organizations_partnerships(world):
    response = world["a"].get(_url("partnership_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Robotics consortium" in text and "lead partner" in text
    assert "Optics pilot" not in text
    assert "1 shared note" in text and "1 shared document" in text


def test_partner_sees_shared_notes_and_documents_but_nothing_internal(world):
    response = world["a"].get(_url("partnership_detail", world["consortium"].pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kick-off agenda" in text and "Joint plan" in text
    for secret in ("walk-away", "Negotiation terms", "Secret value", "250"):
        assert secret not in text


def test_partner_user_cannot_see_other_consortium_members(world, org_b):
    text = world["a"].get(_url("partnership_detail", world["consortium"].pk)).content.decode()
    assert org_b.name not in text
    text = world["a"].get(_url("partnership_list")).content.decode()
    assert org_b.name not in text


def test_another_partnership_answers_404_like_a_missing_one(world):
    for path in (
        _url("partnership_detail", world["optics"].pk),
        _url("partnership_detail", 999_999),
        _url("document_download", world["internal_doc"].pk),
        _url("document_download", 999_999),
    ):
        assert world["a"].get(path).status_code == 404, path
    response = world["a"].post(_url("note_comment", world["optics_note"].pk), {"body": "Hi"})
    assert response.status_code == 404
    response = world["a"].post(_url("note_comment", world["internal"].pk), {"body": "Hi"})
    assert response.status_code == 404
    assert not NoteComment.objects.exists()


def test_a_third_organizations_user_sees_nothing_of_the_consortium(world):
    c = world["c"]
    text = c.get(_url("partnership_list")).content.decode()
    assert "Optics pilot" in text and "Robotics consortium" not in text
    assert c.get(_url("partnership_detail", world["consortium"].pk)).status_code == 404
    assert c.get(_url("document_download", world["shared_doc"].pk)).status_code == 404
    detail = c.get(_url("partnership_detail", world["optics"].pk)).content.decode()
    assert "Optics roadmap" in detail and "Kick-off agenda" not in detail


def test_partner_downloads_a_shared_document(world):
    response = world["a"].get(_url("document_download", world["shared_doc"].pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"joint plan"


def test_partner_comments_on_a_shared_note(world, personas):
    note = world["shared"]
    response = world["a"].post(_url("note_comment", note.pk), {"body": "We will bring two robots"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#note-{note.pk}")
    comment = NoteComment.objects.get()
    assert (comment.note, comment.author) == (note, personas["partner_a"])
    assert AuditEvent.objects.filter(model="partnerships.notecomment", channel="web").exists()
    text = world["b"].get(_url("partnership_detail", world["consortium"].pk)).content.decode()
    assert "We will bring two robots" not in text  # partners never read one another
    internal = reverse("partnerships:partnership_detail", args=[world["consortium"].pk])
    text = client_for(personas["manager"]).get(internal, {"tab": "notes"}).content.decode()
    assert "We will bring two robots" in text


def test_an_empty_comment_is_refused_with_a_message(world):
    response = world["a"].post(_url("note_comment", world["shared"].pk), {"body": " "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not NoteComment.objects.exists()


def test_partner_uploads_a_document_that_is_stored_as_shared(world, personas):
    path = _url("partnership_detail", world["consortium"].pk)
    response = world["a"].post(path, {"title": "Our specs", "file": _upload("specs.txt", b"x")})
    assert response.status_code == 302
    document = Document.objects.get(title="Our specs")
    assert document.visibility == "shared" and document.uploaded_by == personas["partner_a"]


def test_a_refused_upload_names_the_problem_and_writes_nothing(world):
    path = _url("partnership_detail", world["consortium"].pk)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = world["a"].post(path, {"file": upload})
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert not Document.objects.filter(title="run.exe").exists()


def test_partner_shares_a_note(world):
    path = _url("partnership_note", world["consortium"].pk)
    assert world["a"].post(path, {"body": "Dates for the workshop?"}).status_code == 302
    assert Note.objects.get(body="Dates for the workshop?").visibility == "shared"


def test_internal_roles_are_refused_the_workspace(world, personas):
    client = client_for(personas["admin"])
    assert client.get(_url("partnership_list")).status_code == 403
    assert client.get(_url("partnership_detail", world["consortium"].pk)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    from django.test import Client

    response = Client().get(_url("partnership_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_partner_home_links_to_the_workspace(world):
    response = world["a"].get(reverse("dashboard:home"))
    assert _url("partnership_list") in response.content.decode()


def test_the_detail_page_keeps_a_constant_number_of_queries(world, personas):
    path = _url("partnership_detail", world["consortium"].pk)
    services.comment_create(actor=personas["partner_a"], note=world["shared"], body="First")
    with CaptureQueriesContext(connection) as few:
        world["a"].get(path)
    for index in range(5):
        note = services.note_create(
            actor=personas["manager"], partnership=world["consortium"], body=f"Update {index}",
            visibility="shared", shared_with="all",
        )  # fmt: skip
        services.comment_create(actor=personas["partner_b"], note=note, body="Noted")
    with CaptureQueriesContext(connection) as many:
        world["a"].get(path)
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


# Partners of one partnership never learn of each other: each reads only what is shared with its
# own organization.


def _workspace_texts(client, user, partnership) -> str:
    """What a partner reads of a partnership: the workspace page and the workspace API."""
    page = client.get(_url("partnership_detail", partnership.pk))
    api = client.get(f"/api/v1/workspace/partnerships/{partnership.pk}", **bearer(user))
    assert page.status_code == 200 and api.status_code == 200
    return page.content.decode() + api.content.decode()


@pytest.fixture
def one_sided(world, personas, org_a, org_b):
    """Items the consortium shares with one party each, and what each partner writes."""
    manager, consortium = personas["manager"], world["consortium"]
    services.note_create(
        actor=manager, partnership=consortium, body="Alpha-only pricing", visibility="shared",
        shared_with=[org_a.pk],
    )  # fmt: skip
    services.document_upload(
        actor=manager, partnership=consortium, upload=_upload("b.txt", b"beta"),
        title="Beta-only annex", visibility="shared", shared_with=[org_b.pk],
    )  # fmt: skip
    written = services.note_create(
        actor=personas["partner_a"], partnership=consortium, body="Alpha asks about IP",
        visibility="internal",
    )  # fmt: skip
    services.comment_create(actor=personas["partner_a"], note=world["shared"], body="Alpha agrees")
    return {"written": written}


def test_each_partner_reads_only_what_is_shared_with_its_own_organization(
    world, personas, one_sided
):
    consortium = world["consortium"]
    a = _workspace_texts(world["a"], personas["partner_a"], consortium)
    b = _workspace_texts(world["b"], personas["partner_b"], consortium)
    assert "Alpha-only pricing" in a and "Alpha asks about IP" in a and "Alpha agrees" in a
    assert "Beta-only annex" not in a
    assert "Beta-only annex" in b
    for hidden in ("Alpha-only pricing", "Alpha asks about IP", "Alpha agrees"):
        assert hidden not in b


def test_a_consortium_item_shared_with_all_parties_is_read_by_each(world, personas, one_sided):
    for client, user in ((world["a"], personas["partner_a"]), (world["b"], personas["partner_b"])):
        text = _workspace_texts(client, user, world["consortium"])
        assert "Kick-off agenda" in text and "Joint plan" in text


def test_a_partner_never_sees_the_other_partners_name_or_users(
    world, personas, one_sided, org_a, org_b
):
    consortium = world["consortium"]
    a = _workspace_texts(world["a"], personas["partner_a"], consortium)
    b = _workspace_texts(world["b"], personas["partner_b"], consortium)
    assert org_b.name not in a and "partner_b" not in a
    assert org_a.name not in b and "partner_a" not in b
    assert one_sided["written"].visibility == "shared"
    assert [p.organization for p in one_sided["written"].shared_with.all()] == [org_a]


def test_the_internal_pages_say_whom_each_item_is_shared_with(world, personas, one_sided):
    client = client_for(personas["manager"])
    url = reverse("partnerships:partnership_detail", args=[world["consortium"].pk])
    text = client.get(url, {"tab": "notes"}).content.decode()
    assert "with Alpha Robotics, Beta Materials" in text and "with Alpha Robotics<" in text


def test_sharing_in_a_partnership_of_several_parties_names_the_parties(world, personas, org_b):
    consortium = world["consortium"]
    client = client_for(personas["manager"])
    url = reverse("partnerships:partnership_note", args=[consortium.pk])
    notes_before = Note.objects.count()

    response = client.post(url, {"body": "For whom?", "visibility": "shared"})
    assert response.status_code == 400
    assert "has 2 parties: choose the ones to share it with" in response.content.decode()
    response = client.post(
        f"/api/v1/partnerships/{consortium.pk}/notes",
        {"body": "For whom?", "visibility": "shared", "shared_with": [424242]},
        content_type="application/json",
        **bearer(personas["manager"]),
    )
    assert response.status_code == 422
    assert "Not a party of Robotics consortium: organization 424242" in response.content.decode()
    assert Note.objects.count() == notes_before

    response = client.post(
        url, {"body": "Beta's turn", "visibility": "shared", "shared_with": [str(org_b.pk)]}
    )
    assert response.status_code == 302
    note = Note.objects.get(body="Beta's turn")
    assert [p.organization for p in note.shared_with.all()] == [org_b]


def test_a_partner_gets_404_for_internal_ids_of_its_own_partnership(world, personas):
    headers = bearer(personas["partner_a"])
    consortium, client = world["consortium"], world["a"]
    for path in (
        f"/api/v1/partnerships/{consortium.pk}",
        f"/api/v1/partnerships/{consortium.pk}/notes",
        f"/api/v1/partnerships/{consortium.pk}/transitions",
        f"/api/v1/partnerships/{consortium.pk}/due-diligence-items",
        f"/api/v1/partnerships/documents/{world['shared_doc'].pk}/file",
        f"/api/v1/workspace/documents/{world['internal_doc'].pk}/file",
    ):
        response = client.get(path, **headers)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"]
    response = client.patch(
        f"/api/v1/partnerships/{consortium.pk}", {}, content_type="application/json", **headers
    )
    assert response.status_code == 404
    page = reverse("partnerships:partnership_detail", args=[consortium.pk])
    assert client.get(page).status_code == 404


def test_existing_shared_items_are_shared_without_revealing_partners(world, personas, org_a):
    """The migration: one party → with it; several → the partner author's own, else all."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accord.partnerships.migrations.0005_note_document_shared_with")
    consortium, optics = world["consortium"], world["optics"]
    by_partner = Note.objects.create(
        partnership=consortium, author=personas["partner_a"], body="Old", visibility="shared"
    )
    by_us = Note.objects.create(
        partnership=consortium, author=personas["manager"], body="Old", visibility="shared"
    )
    single = Note.objects.create(partnership=optics, body="Old", visibility="shared")
    kept_internal = Note.objects.create(partnership=consortium, body="Old", visibility="internal")

    migration.share_existing(apps, None)

    def organizations(note):
        return {p.organization.name for p in note.shared_with.all()}

    assert organizations(by_partner) == {org_a.name}
    assert organizations(by_us) == {"Alpha Robotics", "Beta Materials"}
    assert organizations(single) == {"Gamma Optics"}
    assert organizations(kept_internal) == set()
    assert organizations(Document.objects.get(title="Joint plan")) == {
        "Alpha Robotics",
        "Beta Materials",
    }
