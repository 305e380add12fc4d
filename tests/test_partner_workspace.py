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
from tests.conftest import PASSWORD, client_for


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
        actor=manager, partnership=consortium, body="Kick-off agenda", visibility="shared"
    )
    internal = services.note_create(
        actor=manager, partnership=consortium, body="Our walk-away price", visibility="internal"
    )
    optics_note = services.note_create(
        actor=manager, partnership=optics, body="Optics roadmap", visibility="shared"
    )
    shared_doc = services.document_upload(
        actor=manager, partnership=consortium, upload=_upload("plan.txt", b"joint plan"),
        title="Joint plan", visibility="shared",
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
    assert "We will bring two robots" in text  # the other consortium member reads it


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
    response = world["a"].get(reverse("core:home"))
    assert _url("partnership_list") in response.content.decode()


def test_the_detail_page_keeps_a_constant_number_of_queries(world, personas):
    path = _url("partnership_detail", world["consortium"].pk)
    services.comment_create(actor=personas["partner_a"], note=world["shared"], body="First")
    with CaptureQueriesContext(connection) as few:
        world["a"].get(path)
    for index in range(5):
        note = services.note_create(
            actor=personas["manager"], partnership=world["consortium"], body=f"Update {index}",
            visibility="shared",
        )  # fmt: skip
        services.comment_create(actor=personas["partner_b"], note=note, body="Noted")
    with CaptureQueriesContext(connection) as many:
        world["a"].get(path)
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
