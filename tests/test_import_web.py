"""Import pages: upload, preview with row-level errors, confirm; never a 500, never for viewers."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accord.core.models import AuditEvent
from accord.directory.models import Organization, Person
from tests.conftest import client_for

BAD = b"name,country,founded_year\nAcme,DE,2001\nBeta,Atlantis,1999\n"
GOOD = b"name,country,founded_year\nAcme,DE,2001\nBeta,FR,1999\n"


def upload(client, content: bytes, name: str = "orgs.csv", **fields):
    data = {"kind": "organizations", "file": SimpleUploadedFile(name, content), **fields}
    return client.post("/directory/import/", data, follow=True)


def test_upload_with_an_error_shows_row_and_column_and_cannot_be_confirmed(admin_client):
    response = upload(admin_client, BAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert '<td class="text-end">3</td><td class="table-danger">country</td>' in page
    assert "Atlantis" in page
    assert 'class="table-danger" title="unknown country' in page  # the cell is highlighted
    assert 'data-testid="confirm-import"' not in page  # only the valid rows may be imported
    assert "Import the 1 valid row<" in page
    token = response.context["upload"].token
    refused = admin_client.post("/directory/import/confirm/", {"token": token})
    assert refused.status_code == 200 and "Nothing was imported" in refused.content.decode()
    assert not Organization.objects.exists()


def test_fixed_upload_is_previewed_then_confirmed_and_created(admin_client, admin_user):
    response = upload(admin_client, GOOD)
    assert response.context["result"].created == 2
    assert 'data-testid="would-create">2<' in response.content.decode()
    assert not Organization.objects.exists()  # the preview is a dry run
    token = response.context["upload"].token
    done = admin_client.post("/directory/import/confirm/", {"token": token}, follow=True)
    assert done.redirect_chain[-1][0] == "/directory/organizations/"
    assert "2 created" in done.content.decode()
    assert set(Organization.objects.values_list("name", flat=True)) == {"Acme", "Beta"}
    event = AuditEvent.objects.filter(model="directory.organization").first()
    assert (event.channel, event.actor) == ("import", admin_user)
    again = admin_client.post("/directory/import/confirm/", {"token": token}, follow=True)
    assert "no longer available" in again.content.decode()  # a token is used once


def test_skip_invalid_upload_can_be_confirmed_and_imports_the_valid_rows(admin_client):
    response = upload(admin_client, BAD, skip_invalid="on")
    assert 'data-testid="confirm-import" disabled' not in response.content.decode()
    token = response.context["upload"].token
    admin_client.post("/directory/import/confirm/", {"token": token})
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]


def test_the_valid_rows_are_imported_from_the_preview_in_one_click(admin_client):
    token = upload(admin_client, BAD).context["upload"].token
    done = admin_client.post(
        "/directory/import/confirm/", {"token": token, "valid_only": "1"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/directory/organizations/"
    assert "1 created, 0 updated, 0 unchanged; 1 invalid row(s) skipped" in done.content.decode()
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]


def test_the_rows_with_problems_come_back_as_csv_with_what_is_wrong(admin_client, personas):
    content = b"name,country,founded_year\nAcme,DE,2001\nBeta,Atlantis,1999\n,FR,1990\n"
    token = upload(admin_client, content, name="partners.csv").context["upload"].token
    response = admin_client.get("/directory/import/problems/", {"token": token})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="partners-problems.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "country", "founded_year", "problems"]
    assert [row[:3] for row in rows[1:]] == [["Beta", "Atlantis", "1999"], ["", "FR", "1990"]]
    assert rows[1][3].startswith("country: unknown country") and "Atlantis" in rows[1][3]
    assert rows[2][3].startswith("name:")
    assert not Organization.objects.filter(name__in=["Acme", "Beta"]).exists()
    other = client_for(personas["manager"]).get("/directory/import/problems/", {"token": token})
    assert other.status_code == 302 and "Beta" not in other.content.decode()


def test_a_file_with_no_valid_row_offers_no_import(admin_client):
    response = upload(admin_client, b"name,country\nBeta,Atlantis\n")
    page = response.content.decode()
    assert 'data-testid="import-valid"' not in page
    assert 'data-testid="confirm-import" disabled' in page


@override_settings(UPLOAD_LIMIT_BYTES=50)
def test_oversize_upload_is_refused_with_a_message(admin_client):
    response = upload(admin_client, GOOD * 3)
    assert response.status_code == 200
    assert "over the upload limit" in response.content.decode()
    assert not Organization.objects.exists()


def test_bad_files_never_answer_500(admin_client):
    for name, content in [
        ("orgs.xlsx", b"not a zip"),
        ("orgs.csv", b'name\n"unterminated\n'),
        ("orgs.jsonl", b"{bad json\n"),
        ("orgs.csv", bytes(range(256)) * 10),
        ("orgs.csv", b""),
        ("orgs.csv", b"\xef\xbb\xbf"),
        ("orgs.exe", b"MZ"),
    ]:
        response = upload(admin_client, content, name)
        assert response.status_code == 200, name
    assert not Organization.objects.exists()


def test_unknown_mapping_field_is_shown_on_the_form(admin_client):
    response = upload(admin_client, GOOD, mapping="name=colour")
    page = response.content.decode()
    assert "unknown field" in page and "colour" in page


def test_source_without_an_id_column_is_refused_with_a_message(admin_client):
    response = upload(admin_client, GOOD, source="crm")
    assert response.status_code == 200
    assert "needs the file&#x27;s id column" in response.content.decode()
    assert not Organization.objects.exists()


def test_people_upload_redirects_to_the_people_list(admin_client, org_a):
    content = b"full_name,email,organization\nAda Lovelace,ada@example.com,Alpha Robotics\n"
    response = upload(admin_client, content, "people.csv", kind="people")
    token = response.context["upload"].token
    done = admin_client.post("/directory/import/confirm/", {"token": token})
    assert done["Location"] == "/directory/people/"
    assert Person.objects.get().organization == org_a


def test_another_users_token_is_not_usable(admin_client, personas):
    token = upload(admin_client, GOOD).context["upload"].token
    manager = client_for(personas["manager"])
    response = manager.get(f"/directory/import/preview/?token={token}", follow=True)
    assert "no longer available" in response.content.decode()
    manager.post("/directory/import/confirm/", {"token": token})
    assert Organization.objects.count() == 2  # only the fixtures' organizations


def test_roles_without_import_are_refused(personas):
    for role in ("viewer", "executive", "contributor", "partner_a"):
        client = client_for(personas[role])
        assert client.get("/directory/import/").status_code == 403, role
        response = client.post("/directory/import/", {"kind": "organizations"})
        assert response.status_code == 403, role
