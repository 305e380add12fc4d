"""History in the words of the pages: field labels, choice labels and the names of the objects
referred to, still readable after those objects are deleted; the audit log filtered by kind."""

from __future__ import annotations

import datetime as dt
import re

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core import policy
from accord.core.audit_words import readable
from accord.core.models import AuditEvent
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from tests.conftest import PASSWORD, client_for


def latest_update(partnership: Partnership) -> AuditEvent:
    return AuditEvent.objects.filter(
        model="partnerships.partnership", object_id=str(partnership.pk), action="update"
    ).latest("id")


def test_an_edit_reads_in_labels_choices_and_names(personas, partnership):
    manager, sponsor = personas["manager"], personas["executive"]
    partnerships.partnership_update(
        actor=manager, partnership=partnership, expected_version=partnership.version,
        data={"owner": personas["admin"], "executive_sponsor": sponsor, "type": "licensing",
              "is_confidential": True, "renewal_notice_days": 60},
    )  # fmt: skip
    rows = {label: (before, after) for label, before, after in readable(latest_update(partnership))}
    assert rows["Owner"] == ("manager", "admin")
    assert rows["Executive sponsor"] == ("", "executive")
    assert rows["Type"] == ("R&D alliance", "licensing")
    assert rows["Confidential"] == ("no", "yes")
    assert rows["Renewal notice (days)"] == ("", "60")


def test_a_deleted_user_is_still_named_in_the_history(personas, partnership, admin_user):
    leaver = user_create(actor=admin_user, username="leaver", role=policy.MANAGER,
                         password=PASSWORD)  # fmt: skip
    partnerships.partnership_update(
        actor=personas["manager"], partnership=partnership, expected_version=partnership.version,
        data={"owner": leaver},
    )  # fmt: skip
    User.objects.filter(pk=leaver.pk).delete()  # an account removed outright
    page = client_for(admin_user).get(f"/partnerships/{partnership.pk}/?tab=history")
    html = page.content.decode()
    assert "<strong>Owner</strong>" in html and "leaver" in html
    assert "owner:" not in html


def test_the_audit_log_is_filtered_by_kind_in_plain_words(admin_client, partnership, org_a):
    page = admin_client.get("/audit/", {"model": "partnerships.partnership"}).content.decode()
    assert '<option value="partnerships.partnership" selected>Partnership</option>' in page
    assert "Partnership #" in page and "Organization #" not in page
    everything = admin_client.get("/audit/").content.decode()
    assert f"Organization #{org_a.pk}" in everything
    assert "directory.organization" not in everything.split("<tbody>")[1]


def test_times_are_shown_one_way_in_the_reader_s_time_zone(personas, partnership):
    admin = personas["admin"]
    client = client_for(admin)
    event = AuditEvent.objects.filter(object_id=str(partnership.pk)).latest("id")
    utc = event.at.strftime("%Y-%m-%d %H:%M")
    assert utc in client.get("/audit/").content.decode()
    response = client.post(
        "/accounts/profile/time-zone/", {"time_zone": "Asia/Kolkata"}, follow=True
    )
    assert "Dates and times are now shown in Asia/Kolkata." in response.content.decode()
    admin.refresh_from_db()
    assert admin.time_zone == "Asia/Kolkata"
    local = (event.at + dt.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%d %H:%M")
    page = client.get("/audit/").content.decode()
    assert local in page
    sign_ins = client.get("/accounts/sign-ins/").content.decode()
    assert not re.search(r"\b[ap]\.m\.", sign_ins)
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", page + sign_ins)


def test_an_unknown_time_zone_is_refused_and_nothing_changed(personas):
    client = client_for(personas["manager"])
    response = client.post(
        "/accounts/profile/time-zone/", {"time_zone": "Mars/Olympus"}, follow=True
    )
    assert "No time zone called “Mars/Olympus”." in response.content.decode()
    personas["manager"].refresh_from_db()
    assert personas["manager"].time_zone == ""
