"""The partner workspace reads its partnerships through one selector: the pages and the API
list the same partnerships, each with the partner organization's own role in it."""

from __future__ import annotations

from accord.partnerships import selectors, services
from tests.conftest import bearer, client_for


def test_the_workspace_pages_and_api_list_the_same_partnerships_with_the_own_role(
    personas, org_a, org_b
):
    admin, partner = personas["admin"], personas["partner_a"]
    for title, role in (("Beta venture", "investee"), ("Alpha alliance", "lead")):
        services.partnership_create(
            actor=admin,
            data={"title": title, "type": "rd_alliance"},
            parties=[(org_a, role), (org_b, "partner")],
        )
    services.partnership_create(
        actor=admin, data={"title": "Not theirs", "type": "rd_alliance"}, parties=[(org_b, "lead")]
    )
    rows = [(p.title, p.role) for p in selectors.workspace_partnerships(partner)]
    assert rows == [("Alpha alliance", "lead"), ("Beta venture", "investee")]
    api = client_for(partner).get("/api/v1/workspace/partnerships", **bearer(partner)).json()
    assert [(p["title"], p["role"]) for p in api["items"]] == rows
    page = client_for(partner).get("/workspace/").content.decode()
    assert "your role: lead partner" in page and "your role: portfolio company" in page
    assert "Not theirs" not in page
