"""Pages run a fixed number of SQL queries however much data there is.

Each baseline is exact: a page that gains a query fails here and pytest-django prints the SQL
it ran, so a new query is a decision (raise the baseline in the same commit), never an accident.
Every page is measured with few and with many organizations, each with tags and people.
"""

from __future__ import annotations

import pytest

from accord.accounts.services import user_create
from accord.core import policy
from accord.directory import services
from accord.directory.models import Organization
from tests.conftest import client_for

SMALL, LARGE = 3, 40

# Session and user are two of each page's queries; a list's saved views two more, as the
# pages are measured after a change (remembered: whether anything audited changed, the views).
BASELINES = {
    "organization list": 7,
    "person list": 6,
    # + the roles it plays in partnerships, and the introduction paths: its people, whether
    # the connections changed (none is recorded here), our people; how well we know it: its
    # interactions, whether the connections changed, our people. Our people are remembered:
    # each time, whether anything audited changed; after a change, their ids once.
    "organization detail": 14,
    # + the person, the paths to them (whether the connections changed, our people), their
    # connections and latest interactions
    "person detail": 9,
    # + the latest audit event, funnel, reviews, renewals (2), mine, what is late (4), health
    # (1), coverage (3)
    "home": 21,
}


def grow_directory_to(size: int, actor) -> None:
    """Organizations up to `size`, each with two tags and two people; the first one has
    `size` people and an external id per size."""
    tags = services.tags_get_or_create(actor=actor, names=["Robotics", "Energy", "Health"])
    for i in range(Organization.objects.count(), size):
        org = services.organization_create(
            actor=actor,
            data={"name": f"Company {i:03d}", "kind": "startup", "country": "DE"},
            tags=[tags[i % 3], tags[(i + 1) % 3]],
        )
        for who in ("CEO", "CTO"):
            services.person_create(
                actor=actor,
                data={"full_name": f"{who} of {org.name}", "title": who, "organization": org},
            )
    # The first organization, whose detail page is measured, grows too.
    first = Organization.objects.order_by("pk").first()
    for i in range(first.people.count(), size):
        services.person_create(
            actor=actor, data={"full_name": f"Staff {i:03d}", "organization": first}
        )
    services.external_id_set(organization=first, source="test", value=str(size))


def url_of(page: str) -> str:
    first = Organization.objects.order_by("pk").first()
    return {
        "organization list": "/directory/organizations/?sort=name",
        "person list": "/directory/people/",
        "organization detail": f"/directory/organizations/{first.pk}/",
        "person detail": first.people.order_by("pk").first().get_absolute_url(),
        "home": "/",
    }[page]


@pytest.mark.parametrize("page", list(BASELINES))
def test_page_runs_the_same_queries_with_few_and_many_organizations(
    admin_user, django_assert_num_queries, page
):
    viewer = user_create(actor=admin_user, username="vera", role=policy.VIEWER)
    client = client_for(viewer)
    for size in (SMALL, LARGE):
        grow_directory_to(size, admin_user)
        url = url_of(page)
        with django_assert_num_queries(BASELINES[page]):
            response = client.get(url)
        assert response.status_code == 200
