import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consortium(admin_user):
    """A consortium of two partners with shared and internal items, and a third partnership."""
    manager = user_create(actor=admin_user, username="alice", role="manager", password=PASSWORD)
    lumen, ferro, gamma = (
        directory.organization_create(actor=admin_user, data={"name": name, "kind": "startup"})
        for name in ("Lumen Vision", "Ferro Robotics", "Gamma Optics")
    )
    user_create(
        actor=admin_user, username="lena", role="partner", password=PASSWORD, organization=lumen
    )
    joint = partnerships.partnership_create(
        actor=manager,
        data={"title": "Inspection consortium", "type": "consortium",
              "value_for_us": "Our confidential value", "budget": 480000},
        parties=[(lumen, "lead"), (ferro, "consortium_member")],
    )  # fmt: skip
    other = partnerships.partnership_create(
        actor=manager,
        data={"title": "Optics pilot", "type": "rd_alliance"},
        parties=[(gamma, "partner")],
    )
    note = partnerships.note_create(
        actor=manager,
        partnership=joint,
        body="Kick-off in Eindhoven on 12 March: agenda and travel details attached.",
        visibility="shared",
        shared_with="all",
    )
    partnerships.comment_create(actor=manager, note=note, body="Hotel block is booked.")
    partnerships.note_create(
        actor=manager, partnership=joint, body="Our walk-away price is 400k.", visibility="internal"
    )
    partnerships.note_create(
        actor=manager,
        partnership=joint,
        body="Please share your line-3 defect images before the kick-off.",
        visibility="shared",
        shared_with=[lumen.pk],
    )
    partnerships.document_upload(
        actor=manager, partnership=joint, title="Joint work plan", visibility="shared",
        shared_with="all",
        upload=SimpleUploadedFile("work-plan.txt", b"Work packages 1-4", content_type="text/plain"),
    )  # fmt: skip
    partnerships.document_upload(
        actor=manager, partnership=joint, title="Negotiation terms", visibility="internal",
        upload=SimpleUploadedFile("terms.txt", b"internal", content_type="text/plain"),
    )  # fmt: skip
    return {"joint": joint, "other": other, "note": note}


def test_partner_user_works_in_its_own_workspace_only(page, consortium):
    sign_in(page, "lena", PASSWORD)
    page.get_by_test_id("open-workspace").click()
    page.wait_for_url("**/workspace/")
    cards = page.get_by_test_id("workspace-partnerships").inner_text()
    assert "Inspection consortium" in cards and "Optics pilot" not in cards
    assert "Ferro Robotics" not in page.content()
    screenshot(page, "partner-workspace")

    page.get_by_role("link", name="Inspection consortium").click()
    page.wait_for_url(f"**/workspace/{consortium['joint'].pk}/")
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Kick-off in Eindhoven" in text and "Joint work plan" in text
    for secret in ("walk-away", "Negotiation terms", "confidential value", "Ferro Robotics"):
        assert secret not in text

    note = page.locator(f"#note-{consortium['note'].pk}")
    note.locator("textarea").fill("We will bring two engineers and the defect images.")
    note.get_by_role("button", name="Comment").click()
    expect(page.locator(f"#note-{consortium['note'].pk}")).to_contain_text(
        "We will bring two engineers"
    )
    screenshot(page, "partner-workspace-detail")

    response = page.goto(f"/workspace/{consortium['other'].pk}/")
    assert response is not None and response.status == 404
    assert "Optics pilot" not in page.content()
    screenshot(page, "partner-404")
