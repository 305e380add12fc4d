from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD = (
    "name,kind,country,city,website,founded_year,tags\n"
    "Nordlicht Robotics,startup,DE,Berlin,nordlicht.example,2019,robotics|ai\n"
    "Solaris Materials,scale-up,Atlantis,Lyon,solaris.example,2015,materials\n"
    "Kestrel Analytics,startup,GB,London,kestrel.example,2021,ai\n"
)
FIXED = BAD.replace("Atlantis", "France")


def upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    page.goto("/directory/import/")
    page.select_option("#id_kind", "organizations")
    page.set_input_files("#id_file", str(path))
    if name == "partners.csv":
        screenshot(page, "import-start")
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.wait_for_url("**/import/preview/**")


def test_admin_fixes_a_bad_row_and_imports_the_file(page, admin_user, tmp_path):
    sign_in(page, "admin", PASSWORD)

    upload(page, tmp_path, "partners.csv", BAD)
    errors = page.get_by_test_id("import-errors")
    assert errors.locator("tbody tr").count() == 1
    cells = errors.locator("tbody tr td").all_inner_texts()
    assert cells[:2] == ["3", "country"] and "Atlantis" in cells[2]
    assert page.get_by_test_id("import-valid").inner_text() == "Import the 2 valid rows"
    with page.expect_download() as download:
        page.get_by_test_id("download-problems").click()
    assert download.value.suggested_filename == "partners-problems.csv"
    rejected = Path(download.value.path()).read_text().splitlines()
    assert rejected[0].endswith(",problems") and rejected[1].startswith("Solaris Materials,")
    screenshot(page, "import-preview-errors")

    upload(page, tmp_path, "partners-fixed.csv", FIXED)
    assert page.get_by_test_id("would-create").inner_text() == "3"
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**/directory/organizations/")
    assert "3 created" in page.locator(".alert-success").inner_text()
    assert page.get_by_text("Solaris Materials").count() >= 1
    screenshot(page, "import-done")


def test_admin_imports_the_valid_rows_and_leaves_the_bad_one(page, admin_user, tmp_path):
    sign_in(page, "admin", PASSWORD)
    upload(page, tmp_path, "partners.csv", BAD)
    page.get_by_test_id("import-valid").click()
    page.wait_for_url("**/directory/organizations/")
    assert "1 invalid row(s) skipped" in page.locator(".alert-success").inner_text()
    assert page.get_by_text("Kestrel Analytics").count() >= 1
    assert page.get_by_text("Solaris Materials").count() == 0
