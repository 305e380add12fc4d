"""Partnership pages: list, board, detail, forms, moves, notes, documents and gates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accord.accounts.services import user_create
from accord.core import policy
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import selectors, services
from accord.partnerships.models import Document, Note, Partnership, StageGate, StageTransition
from accord.strategy import services as strategy
from tests.conftest import client_for

LIST = "/partnerships/"
BOARD = "/partnerships/board/"


pytestmark = pytest.mark.usefixtures("default_gates")


@pytest.fixture
def manager_client(personas):
    return client_for(personas["manager"])


def url(name: str, *args) -> str:
    return reverse(f"partnerships:{name}", args=args)


def form_data(**overrides) -> dict:
    data = {
        "title": "Battery pilot",
        "type": "co_development",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-organization": "",
        "parties-0-role": "partner",
        "parties-1-organization": "",
        "parties-1-role": "partner",
    }
    data.update(overrides)
    return data


# Access ------------------------------------------------------------------------------------


def test_partner_users_never_reach_the_internal_pages(personas, partnership):
    client = client_for(personas["partner_a"])
    for path in (LIST, BOARD, url("stagegate_list")):
        assert client.get(path).status_code == 403
    # Its own partnership's internal page does not exist for it: its workspace is elsewhere.
    assert client.get(url("partnership_detail", partnership.pk)).status_code == 404


def test_confidential_partnership_is_invisible_to_a_viewer_off_the_team(personas, partnership):
    Partnership.objects.filter(pk=partnership.pk).update(is_confidential=True)
    detail = url("partnership_detail", partnership.pk)
    assert client_for(personas["viewer"]).get(detail).status_code == 404
    assert "Vision alliance" not in client_for(personas["viewer"]).get(LIST).content.decode()
    partnership.team.add(personas["viewer"])
    assert client_for(personas["viewer"]).get(detail).status_code == 200
    assert "Vision alliance" in client_for(personas["viewer"]).get(LIST).content.decode()


def test_a_manager_off_the_team_may_not_edit_or_move(personas, partnership):
    other = user_create(actor=personas["admin"], username="m2", role=policy.MANAGER)
    client = client_for(other)
    assert client.get(url("partnership_detail", partnership.pk)).status_code == 200
    assert client.get(url("partnership_edit", partnership.pk)).status_code == 403
    assert client.post(url("partnership_move", partnership.pk), {}).status_code == 403
    assert client.post(url("partnership_note", partnership.pk), {"body": "x"}).status_code == 403


def test_an_executive_may_move_but_not_edit(personas, partnership):
    client = client_for(personas["executive"])
    assert client.get(url("partnership_edit", partnership.pk)).status_code == 403
    assert client.get(url("partnership_move", partnership.pk)).status_code == 200


# List and board ----------------------------------------------------------------------------


def test_list_filters_by_stage_partner_name_and_gap(personas, partnership, org_b, gap):
    services.partnership_create(
        actor=personas["admin"],
        data={"title": "Materials JV", "type": "joint_venture"},
        parties=[(org_b, "lead")],
    )
    client = client_for(personas["viewer"])
    body = client.get(LIST, {"q": "beta"}).content.decode()
    assert "Materials JV" in body and "Vision alliance" not in body
    body = client.get(LIST, {"gap": gap.pk}).content.decode()
    assert "Vision alliance" in body and "Materials JV" not in body
    body = client.get(LIST, {"type": "joint_venture", "sort": "-title"}).content.decode()
    assert "1 found" in body
    assert "2 found" in client.get(LIST, {"stage": "candidate", "owner": ""}).content.decode()


def test_list_reports_a_bad_filter_instead_of_failing(personas, partnership):
    response = client_for(personas["viewer"]).get(LIST, {"stage": "nowhere", "owner": "x"})
    assert response.status_code == 200
    assert "0 found" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_list_exports(personas, partnership, fmt):
    response = client_for(personas["viewer"]).get(LIST, {"export": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode()
        assert "Vision alliance" in text and "Alpha Robotics (partner)" in text


def test_board_shows_a_column_per_stage_and_overdue_reviews(personas, partnership):
    Partnership.objects.filter(pk=partnership.pk).update(
        next_review_date=dt.date.today() - dt.timedelta(days=3)
    )
    body = client_for(personas["manager"]).get(BOARD).content.decode()
    for label in ("candidate", "screening", "negotiating", "renewal review", "declined"):
        assert label in body
    assert "(overdue)" in body and "Move ▸" in body


def add(actor, title: str, stage: str = "candidate", **data) -> Partnership:
    partnership = services.partnership_create(
        actor=actor, data={"title": title, "type": "licensing", **data}
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage=stage)
    return partnership


def board_column(body: str, stage: str) -> str:
    """The markup of one column of the board, up to the next one."""
    start = body.index(f'data-testid="column-{stage}"')
    return body[start : body.index('class="board-col', start)]


def test_board_shows_the_first_cards_of_a_column_and_links_to_the_rest(personas, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_COLUMN", 2)
    admin, today = personas["admin"], timezone.localdate()
    add(admin, "No review yet")
    add(admin, "Review next month", next_review_date=today + dt.timedelta(days=30))
    add(admin, "Review tomorrow", next_review_date=today + dt.timedelta(days=1))
    add(admin, "Review overdue", next_review_date=today - dt.timedelta(days=2))
    add(admin, "Screened", "screening")
    body = client_for(personas["viewer"]).get(BOARD).content.decode()
    candidates = board_column(body, "candidate")
    assert candidates.count('data-testid="card"') == 2
    assert candidates.index("Review overdue") < candidates.index("Review tomorrow")
    assert "Review next month" not in candidates and "No review yet" not in candidates
    assert 'data-testid="column-total">4<' in candidates
    assert f'href="{LIST}?stage=candidate" data-testid="more">2 more in the list' in candidates
    screening = board_column(body, "screening")
    assert screening.count('data-testid="card"') == 1
    assert 'data-testid="column-total">1<' in screening and 'data-testid="more"' not in screening


def test_board_filters_its_totals_and_keeps_the_filters_in_its_links(personas, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_COLUMN", 1)
    admin = personas["admin"]
    for i in range(3):
        add(admin, f"Vision {i}")
    add(admin, "Battery deal")
    add(admin, "Vision gone", "declined")
    client = client_for(personas["manager"])
    body = client.get(BOARD, {"q": "vision"}).content.decode()
    assert "Battery deal" not in body
    candidates = board_column(body, "candidate")
    assert 'data-testid="column-total">3<' in candidates
    assert f'href="{LIST}?stage=candidate&amp;q=vision" data-testid="more">2 more' in candidates
    # A move comes back to the filtered board.
    assert f'name="next" value="{BOARD}?q=vision"' in candidates
    # The exits are totals linking to the list, not cards.
    assert "Vision gone" not in body
    for stage, total in (("declined", 1), ("exited", 0)):
        exit_link = f'href="{LIST}?stage={stage}&amp;q=vision" data-stage="{stage}"'
        assert f'{exit_link} data-drop="{stage}" data-total="{total}"' in body
    listed = client.get(LIST, {"stage": "candidate", "q": "vision"}).content.decode()
    assert "3 found" in listed


def test_board_cards_link_to_the_partnership_and_offer_the_allowed_moves(personas, partnership):
    body = client_for(personas["manager"]).get(BOARD).content.decode()
    card = board_column(body, "candidate")
    assert f'href="{url("partnership_detail", partnership.pk)}"' in card
    assert f'action="{url("partnership_move", partnership.pk)}"' in card
    assert (
        '<option value="screening">screening</option><option value="declined">declined</option>'
        '<option value="exited">exited</option></select>'
    ) in card
    assert "Alpha Robotics" in card
    assert f"R&amp;D alliance · {personas['manager'].username}" in card
    # Who may not move sees no move menu.
    assert "Move ▸" not in client_for(personas["viewer"]).get(BOARD).content.decode()


def test_filter_menus_mark_the_chosen_owner_and_gap(personas, partnership, gap):
    manager = personas["manager"]
    response = client_for(personas["viewer"]).get(LIST, {"owner": manager.pk, "gap": gap.pk})
    body = response.content.decode()
    assert f'<option value="{manager.pk}" selected>{manager.username}</option>' in body
    assert f'<option value="{gap.pk}" selected>Machine vision</option>' in body
    assert '<option value="true">yes</option>' in body
    assert "1 found" in body


def test_list_rows_show_each_column(personas, partnership, org_a):
    Partnership.objects.filter(pk=partnership.pk).update(
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2031, 1, 31), is_confidential=True
    )
    partnership.team.add(personas["viewer"])
    body = re.sub(r"\n\s*", "", client_for(personas["viewer"]).get(LIST).content.decode())
    row = body[body.index("<tr><td") : body.index("</tr>", body.index("<tr><td"))]
    today = timezone.localdate()
    assert row == (
        f'<tr><td class="fw-semibold"><a href="{url("partnership_detail", partnership.pk)}">'
        f'Vision alliance</a></td><td><a href="{org_a.get_absolute_url()}">Alpha Robotics</a>'
        ' <span class="text-muted small">(partner)</span></td><td>R&amp;D alliance</td>'
        '<td><span class="badge text-bg-light border" data-stage="candidate">candidate</span>'
        f'</td><td>{personas["manager"].username}</td><td class="text-nowrap">—</td>'
        '<td class="text-nowrap">2031-01-31</td><td>yes</td>'
        f'<td class="text-nowrap">{today:%Y-%m-%d}</td>'
    )
    empty = client_for(personas["viewer"]).get(LIST, {"q": "nothing like it"}).content.decode()
    assert "No partnership matches." in empty


def test_list_sorts_and_pages_its_rows(admin_client):
    Partnership.objects.bulk_create(
        [Partnership(title=f"P {i:02d}", type="licensing") for i in range(55)]
    )
    second = admin_client.get(LIST, {"page": 2}).content.decode()
    assert "P 54" in second and "P 49" not in second
    assert 'href="?page=1"' in second and 'href="?page=3"' not in second
    past_the_end = admin_client.get(LIST, {"page": 9}).content.decode()
    assert "P 54" in past_the_end and "P 49" not in past_the_end
    few = admin_client.get(LIST, {"q": "P 5"}).content.decode()  # P 50 to P 54: one page
    assert "P 54" in few and "P 49" not in few and "page=2" not in few
    reversed_first = admin_client.get(LIST, {"sort": "-title"}).content.decode()
    assert reversed_first.index("P 54") < reversed_first.index("P 53")
    assert "P 04" not in reversed_first


def test_list_marks_an_overdue_review_in_red(personas, partnership):
    overdue = dt.date.today() - dt.timedelta(days=3)
    Partnership.objects.filter(pk=partnership.pk).update(next_review_date=overdue)
    response = client_for(personas["viewer"]).get(LIST)
    assert response.status_code == 200
    assert f'title="Review overdue">{overdue:%Y-%m-%d}<' in response.content.decode()


def grow(size: int, admin) -> None:
    for i in range(Partnership.objects.count(), size):
        org = directory.organization_create(actor=admin, data={"name": f"Org {i:03d}"})
        services.partnership_create(
            actor=admin,
            data={
                "title": f"P {i:03d}",
                "type": "licensing",
                "owner": admin,
                "next_review_date": dt.date(2030, 1, 1),
            },
            parties=[(org, "partner")],
        )


def test_the_filter_menus_show_a_new_owner_and_gap_at_once(personas, admin_user):
    client = client_for(personas["viewer"])
    assert "Quantum sensing" not in client.get(LIST).content.decode()
    priority = strategy.priority_create(
        actor=admin_user, data={"title": "Sensing", "horizon_year": 2030}
    )
    gap = strategy.gap_create(
        actor=admin_user, data={"priority": priority, "title": "Quantum sensing"}
    )
    user_create(actor=admin_user, username="newowner", role=policy.MANAGER)
    page = client.get(LIST, {"gap": gap.pk}).content.decode()
    assert f'<option value="{gap.pk}" selected>Quantum sensing</option>' in page
    assert ">newowner</option>" in client.get(BOARD).content.decode()


# Session and user are two of each page's queries. The filter's owner and gap menus are
# everyone's alike and the user's saved views their own: both remembered while no audited
# change is made (one query each to ask), read again after one (three more). The list: its
# count per stage (with the open deals' value), its page of rows and their partners. The
# board: its column totals (with their deal value), its cards and their partners. The list's
# bulk edit, two more: the rows of the page the user may change, and the users who may own
# them.
@pytest.mark.parametrize(
    ("path", "expected", "remembered"),
    [(LIST + "?sort=owner", 7, 3), (LIST + "?sort=owner&bulk=1", 9, 3), (BOARD, 7, 3),
     (LIST + "?export=csv", 4, 0)],
)  # fmt: skip
def test_list_and_board_keep_a_constant_query_count(
    path, expected, remembered, admin_user, admin_client, django_assert_num_queries
):
    for size in (3, 25):
        grow(size, admin_user)
        for queries in (expected + remembered, expected):  # after the change, then again
            with django_assert_num_queries(queries):
                response = admin_client.get(path)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            assert response.status_code == 200


# Detail ------------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["overview", "timeline", "notes", "documents", "history", "x"])
def test_every_tab_renders(personas, partnership, tab):
    response = client_for(personas["viewer"]).get(
        url("partnership_detail", partnership.pk), {"tab": tab}
    )
    assert response.status_code == 200
    assert "Alpha Robotics" in response.content.decode() or tab != "overview"


def test_detail_warns_of_an_agreement_or_nda_expiring(personas, partnership):
    today = dt.date.today()
    Partnership.objects.filter(pk=partnership.pk).update(
        start_date=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=20),
        nda_expires_on=today - dt.timedelta(days=1),
    )
    body = client_for(personas["viewer"]).get(url("partnership_detail", partnership.pk))
    text = body.content.decode()
    assert "The agreement expires on" in text and "The NDA expired on" in text


def test_joint_venture_specifics_show_for_a_joint_venture(personas, partnership):
    detail = url("partnership_detail", partnership.pk)
    assert "Equity split" not in client_for(personas["viewer"]).get(detail).content.decode()
    Partnership.objects.filter(pk=partnership.pk).update(type="joint_venture")
    assert "Equity split" in client_for(personas["viewer"]).get(detail).content.decode()


def test_timeline_merges_moves_and_notes(personas, partnership, manager_client):
    services.note_create(
        actor=personas["manager"],
        partnership=partnership,
        body="Met their CTO",
        visibility="shared",
    )
    services.partnership_move(
        actor=personas["manager"],
        partnership=partnership,
        to_stage="screening",
        reason="Strong fit",
    )
    body = manager_client.get(url("partnership_detail", partnership.pk), {"tab": "timeline"})
    text = body.content.decode()
    assert text.index("Strong fit") < text.index("Met their CTO")


# Create and edit ---------------------------------------------------------------------------


def test_create_with_a_partner_and_a_gap(personas, manager_client, org_a, gap):
    response = manager_client.post(
        url("partnership_create"),
        form_data(
            **{
                "parties-0-organization": "Alpha Robotics",
                "gaps": [gap.pk],
                "owner": personas["manager"].pk,
                "start_date": "2026-01-01",
            }
        ),
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(title="Battery pilot")
    assert [p.organization for p in partnership.parties.all()] == [org_a]
    assert list(partnership.gaps.all()) == [gap]
    assert AuditEvent.objects.filter(model="partnerships.partnership", action="create").exists()


def test_end_date_before_start_date_is_refused_on_the_end_date(manager_client):
    response = manager_client.post(
        url("partnership_create"), form_data(start_date="2026-05-01", end_date="2026-04-01")
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert "is before the start date" in response.content.decode()
    assert not Partnership.objects.exists()


def test_our_own_company_cannot_be_a_party(personas, manager_client):
    ours = directory.organization_create(
        actor=personas["admin"], data={"name": "Us Inc", "is_self": True}
    )
    response = manager_client.post(
        url("partnership_create"), form_data(**{"parties-0-organization": str(ours.pk)})
    )
    assert "Our own company cannot be a partner of itself." in response.content.decode()
    assert not Partnership.objects.exists()


def test_an_unknown_organization_is_named(manager_client):
    response = manager_client.post(
        url("partnership_create"), form_data(**{"parties-0-organization": "Nobody GmbH"})
    )
    assert "No organization “Nobody GmbH” in the directory." in response.content.decode()
    assert not Partnership.objects.exists()


def test_edit_keeps_parties_and_changes_fields(personas, partnership, manager_client, org_a):
    page = manager_client.get(url("partnership_edit", partnership.pk))
    assert page.status_code == 200 and f'value="{org_a.pk}"' in page.content.decode()
    response = manager_client.post(
        url("partnership_edit", partnership.pk),
        form_data(
            **{
                "title": "Vision alliance II",
                "type": "rd_alliance",
                "owner": personas["manager"].pk,
                "parties-TOTAL_FORMS": "1",
                "parties-INITIAL_FORMS": "1",
                "parties-0-organization": str(org_a.pk),
                "parties-0-role": "lead",
            }
        ),
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.title == "Vision alliance II"
    assert partnership.parties.get().role == "lead"


# Moves -------------------------------------------------------------------------------------


def test_move_page_shows_the_gate_and_what_is_missing(personas, partnership, manager_client):
    Partnership.objects.filter(pk=partnership.pk).update(stage="screening", owner=None)
    partnership.team.add(personas["manager"])
    page = manager_client.get(url("partnership_move", partnership.pk), {"to": "engaging"})
    text = page.content.decode()
    assert "Screening rubric completed" in text and "Missing an owner." in text


def test_a_refused_move_lists_every_missing_item(personas, partnership, manager_client):
    Partnership.objects.filter(pk=partnership.pk).update(stage="screening", value_for_us="")
    response = manager_client.post(
        url("partnership_move", partnership.pk),
        {"to_stage": "engaging", "reason": "", "expected_version": 0},
    )
    assert response.status_code == 422
    missing = response.context["missing"]
    assert missing == [
        "A reason for the move.",
        "Missing the value for us.",
        "Missing the due diligence: no checklist has been started.",
        "Not confirmed: Screening rubric completed.",
        "Not confirmed: Fit with the strategy confirmed.",
    ]
    assert "Missing the value for us." in response.content.decode()
    assert not StageTransition.objects.exists()


def test_a_move_is_recorded_and_redirects(partnership, manager_client):
    response = manager_client.post(
        url("partnership_move", partnership.pk),
        {"to_stage": "screening", "reason": "Fits", "expected_version": 0, "next": BOARD},
    )
    assert response.status_code == 302 and response["Location"] == BOARD
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.stage_version) == ("screening", 1)


def test_two_tabs_moving_the_same_version_conflict(partnership, manager_client):
    move = url("partnership_move", partnership.pk)
    first = manager_client.post(
        move, {"to_stage": "screening", "reason": "a", "expected_version": 0}
    )
    second = manager_client.post(
        move, {"to_stage": "screening", "reason": "b", "expected_version": 0}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "moved by someone else meanwhile" in second.content.decode()
    assert StageTransition.objects.count() == 1


def test_a_move_to_a_stage_not_allowed_is_refused_in_words(partnership, manager_client):
    response = manager_client.post(
        url("partnership_move", partnership.pk),
        {"to_stage": "active", "reason": "x", "expected_version": 0},
    )
    assert response.status_code == 422
    assert not StageTransition.objects.exists()


# Notes and documents -----------------------------------------------------------------------


def test_add_a_shared_note(partnership, manager_client):
    response = manager_client.post(
        url("partnership_note", partnership.pk), {"body": "Kick-off done", "visibility": "shared"}
    )
    assert response.status_code == 302
    assert Note.objects.get().visibility == "shared"


def test_an_empty_note_is_refused(partnership, manager_client):
    response = manager_client.post(url("partnership_note", partnership.pk), {"body": ""})
    assert response.status_code == 400 and not Note.objects.exists()


def test_upload_and_download_a_document(personas, partnership, manager_client):
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = manager_client.post(
        url("partnership_document", partnership.pk),
        {"title": "Plan", "visibility": "internal", "file": upload},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    download = client_for(personas["viewer"]).get(url("document_download", document.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"


def test_a_document_of_a_confidential_partnership_is_hidden(personas, partnership):
    document = services.document_upload(
        actor=personas["admin"],
        partnership=partnership,
        title="Secret",
        visibility="internal",
        upload=SimpleUploadedFile("s.txt", b"secret"),
    )
    Partnership.objects.filter(pk=partnership.pk).update(is_confidential=True)
    response = client_for(personas["viewer"]).get(url("document_download", document.pk))
    assert response.status_code == 404


def test_an_upload_over_the_limit_is_refused(settings, partnership, manager_client):
    settings.UPLOAD_LIMIT_BYTES = 1_000_000
    upload = SimpleUploadedFile("big.pdf", b"x" * 1_200_000)
    response = manager_client.post(
        url("partnership_document", partnership.pk), {"visibility": "internal", "file": upload}
    )
    assert response.status_code == 400
    assert "big.pdf is 1.1 MB; the limit is 1 MB." in response.content.decode()
    assert not Document.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("big*"))


def test_an_upload_of_a_refused_type_is_refused(settings, partnership, manager_client):
    upload = SimpleUploadedFile("tool.exe", b"MZ")
    response = manager_client.post(
        url("partnership_document", partnership.pk), {"visibility": "internal", "file": upload}
    )
    assert response.status_code == 400
    assert "files of type .exe are not accepted" in response.content.decode()
    assert not Document.objects.exists()


# Gates and the organization page -----------------------------------------------------------


def test_gates_are_listed_to_readers_and_edited_by_administrators(personas, admin_client):
    gate = StageGate.objects.get(stage="engaging")
    viewer = client_for(personas["viewer"])
    assert "Screening rubric completed" in viewer.get(url("stagegate_list")).content.decode()
    assert viewer.get(url("stagegate_edit", gate.pk)).status_code == 403
    response = admin_client.post(
        url("stagegate_edit", gate.pk),
        {
            "required_fields": ["owner", "budget"],
            "checklist": "One\n\nTwo\n",
            "approver_role": "executive",
        },
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert (gate.required_fields, gate.checklist, gate.approver_role) == (
        ["owner", "budget"],
        ["One", "Two"],
        "executive",
    )


def test_a_gate_with_a_duplicate_checklist_item_is_refused(admin_client):
    gate = StageGate.objects.get(stage="engaging")
    response = admin_client.post(url("stagegate_edit", gate.pk), {"checklist": "A\nA"})
    assert "An item is listed twice." in response.content.decode()


def test_the_organization_page_shows_every_role_it_plays(personas, partnership, org_a):
    services.partnership_create(
        actor=personas["admin"],
        data={"title": "Robot consortium", "type": "consortium"},
        parties=[(org_a, "consortium_member")],
    )
    page = client_for(personas["viewer"]).get(org_a.get_absolute_url()).content.decode()
    assert "Roles with us" in page
    assert "Vision alliance" in page and "Robot consortium" in page
    assert "consortium member" in page


def test_after_a_conflict_the_form_carries_the_new_version(partnership, manager_client):
    move = url("partnership_move", partnership.pk)
    manager_client.post(move, {"to_stage": "screening", "reason": "a", "expected_version": 0})
    response = manager_client.post(
        move, {"to_stage": "declined", "reason": "b", "expected_version": 0}
    )
    assert response.status_code == 409
    assert 'name="expected_version" value="1"' in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.stage == "screening"
