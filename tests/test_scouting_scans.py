"""Scans as the alliance office uses them: save a gap's search, run it again, shortlist,
reject with a reason, promote into the pipeline — through services, pages, API and CLI."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from typer.testing import CliRunner

from accord.accounts.services import token_create
from accord.cli import app
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.scouting import embeddings, indexing, services, vectors
from accord.scouting.models import Scan, ScanCandidate
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests import scouting_corpus

pytestmark = pytest.mark.skipif(
    not embeddings.available(), reason="the accord[ai] extra (sentence model) is not installed"
)


@pytest.fixture
def world(personas):
    vectors.forget()
    made = scouting_corpus.build(personas["admin"])
    indexing.refresh()
    priority = StrategicPriority.objects.create(title="Electrify the fleet", horizon_year=2030)
    gap = CapabilityGap.objects.create(
        priority=priority,
        title="Battery storage",
        description="Batteries that store energy for our grid assets and delivery fleets",
    )
    play = PartnershipPlay.objects.create(title="Storage R&D alliance", type="rd_alliance")
    play.gaps.add(gap)
    return {"orgs": made, "gap": gap, "play": play, **personas}


def scan_for(world, **data) -> Scan:
    manager = world["manager"]
    scan = services.scan_create(
        actor=manager, data={"gap": world["gap"], "text": world["gap"].description, **data}
    )
    return services.scan_run(actor=manager, scan=scan)


def candidate(scan: Scan, name: str) -> ScanCandidate:
    return scan.candidates.get(organization__name=name)


def test_a_scan_for_a_gap_finds_ranked_explained_candidates(world):
    scan = scan_for(world, top=5)
    ranked = list(scan.candidates.order_by("rank").values_list("organization__name", flat=True))
    assert ranked[0] == "VoltCell"
    assert scan.run_count == 1 and scan.title == "Battery storage"
    first = candidate(scan, "VoltCell")
    assert first.reasons["terms"] and first.reasons["sentence"] and first.status == "new"
    assert not first.is_new  # nothing is "new" after the first run


def test_running_again_keeps_decisions_and_marks_what_is_new(world):
    manager = world["manager"]
    scan = scan_for(world, top=5)
    services.candidate_shortlist(actor=manager, candidate=candidate(scan, "VoltCell"))
    newcomer = directory.organization_create(
        actor=world["admin"],
        data={"name": "FleetCharge", "description": "Batteries that store energy for fleets."},
    )
    indexing.refresh()

    scan = services.scan_run(actor=manager, scan=scan)

    assert candidate(scan, "VoltCell").status == "shortlisted"
    fresh = scan.candidates.get(organization=newcomer)
    assert fresh.is_new and fresh.first_run == 2
    assert not candidate(scan, "GridStore").is_new
    runs = AuditEvent.objects.filter(model="scouting.scan", changes__has_key="run")
    run = runs.order_by("-id").first()
    assert run.changes["run"] == [1, 2] and run.changes["new"] == [None, 1]


def test_rejected_for_a_gap_is_not_offered_again_for_it(world):
    manager = world["manager"]
    scan = scan_for(world)
    services.candidate_reject(
        actor=manager, candidate=candidate(scan, "GridStore"), reason="Only sells to utilities"
    )
    second = scan_for(world)
    assert not second.candidates.filter(organization__name="GridStore").exists()
    assert candidate(scan, "GridStore").reject_reason == "Only sells to utilities"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(world, reason):
    scan = scan_for(world)
    with pytest.raises(ValidationError) as refused:
        services.candidate_reject(
            actor=world["manager"], candidate=candidate(scan, "GridStore"), reason=reason
        )
    assert refused.value.message_dict == {"reason": ["Say why the candidate is rejected."]}
    assert candidate(scan, "GridStore").status == "new"


def test_promotion_creates_a_candidate_partnership_linked_to_gap_and_play(world):
    manager = world["manager"]
    scan = scan_for(world)
    partnership = services.candidate_promote(actor=manager, candidate=candidate(scan, "VoltCell"))

    assert partnership.stage == "candidate" and partnership.type == "rd_alliance"
    assert partnership.play == world["play"]
    assert list(partnership.gaps.all()) == [world["gap"]]
    assert [p.organization.name for p in partnership.parties.all()] == ["VoltCell"]
    assert partnership.owner == manager
    promoted = candidate(scan, "VoltCell")
    assert promoted.status == "promoted" and promoted.partnership == partnership
    # In the pipeline now: a new scan does not offer it.
    assert not scan_for(world).candidates.filter(organization__name="VoltCell").exists()
    with pytest.raises(ValidationError):
        services.candidate_reject(actor=manager, candidate=promoted, reason="Changed my mind")


def test_promotion_without_a_play_or_type_asks_for_the_type(world):
    world["play"].gaps.clear()
    scan = scan_for(world)
    with pytest.raises(ValidationError) as refused:
        services.candidate_promote(actor=world["manager"], candidate=candidate(scan, "VoltCell"))
    assert "type" in refused.value.message_dict
    assert not Partnership.objects.exists()


def test_organizations_in_the_pipeline_are_left_out(world):
    partnerships.partnership_create(
        actor=world["admin"],
        data={"title": "Existing", "type": "licensing"},
        parties=[(world["orgs"]["VoltCell"], "partner")],
    )
    assert not scan_for(world).candidates.filter(organization__name="VoltCell").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "  "}, "text"),
        ({"mode": "fuzzy"}, "mode"),
        ({"top": 0}, "top"),
        ({"filters": {"countries": ["Germany"]}}, "country"),
    ],
)
def test_bad_scans_are_refused_naming_the_field_and_nothing_is_saved(world, data, field):
    with pytest.raises(ValidationError) as refused:
        services.scan_create(actor=world["manager"], data={"text": "batteries", **data})
    assert field in refused.value.message_dict
    assert not Scan.objects.exists()


def test_roles_that_may_not_manage_scans_are_refused(world):
    for role in ("viewer", "contributor", "executive"):
        with pytest.raises(PermissionDenied):
            services.scan_create(actor=world[role], data={"text": "batteries"})


# Pages


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_scan_page_shows_reasons_and_takes_decisions(world):
    client = client_for(world["manager"])
    gap = world["gap"]
    form = client.get(f"/scouting/scans/new/?gap={gap.pk}")
    assert gap.description in form.content.decode()

    response = client.post(
        "/scouting/scans/new/",
        {
            "gap": gap.pk,
            "text": gap.description,
            "title": "",
            "mode": "hybrid",
            "top": 10,
        },
    )
    scan = Scan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scouting/scans/{scan.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "VoltCell" in page and "<mark>" in page and "Battery storage" in page

    gridstore = candidate(scan, "GridStore")
    client.post(f"/scouting/candidates/{gridstore.pk}/reject/", {"reason": "Utility-only"})
    voltcell = candidate(scan, "VoltCell")
    promoted = client.post(
        f"/scouting/candidates/{voltcell.pk}/promote/",
        {"play": world["play"].pk, "type": "", "title": ""},
    )
    partnership = Partnership.objects.get()
    assert promoted["Location"] == partnership.get_absolute_url()
    rejected = client.get(f"/scouting/scans/{scan.pk}/?tab=rejected").content.decode()
    assert "GridStore" in rejected and "Utility-only" in rejected


def test_a_rejection_without_reason_on_the_page_says_so(world):
    client = client_for(world["manager"])
    scan = scan_for(world)
    gridstore = candidate(scan, "GridStore")
    response = client.post(
        f"/scouting/candidates/{gridstore.pk}/reject/", {"reason": ""}, follow=True
    )
    assert "GridStore: Say why the candidate is rejected." in response.content.decode()
    assert candidate(scan, "GridStore").status == "new"


def test_the_scan_form_shows_errors_with_422(world):
    response = client_for(world["manager"]).post(
        "/scouting/scans/new/", {"text": "", "mode": "hybrid", "top": 500}
    )
    assert response.status_code == 422
    assert not Scan.objects.exists()


def test_quick_search_for_any_internal_role(world):
    response = client_for(world["viewer"]).get(
        "/scouting/search/?text=self-driving+trucks&mode=hybrid&top=5"
    )
    assert response.status_code == 200 and "Haulbot" in response.content.decode()


def test_a_search_link_with_only_words_searches_with_the_defaults(world):
    response = client_for(world["viewer"]).get("/scouting/search/?text=self-driving+trucks")
    assert response.status_code == 200 and "Haulbot" in response.content.decode()


def test_the_gap_page_opens_a_scan(world):
    page = client_for(world["manager"]).get(world["gap"].get_absolute_url()).content.decode()
    assert f"/scouting/scans/new/?gap={world['gap'].pk}" in page


# API


def api(user):
    client = Client()
    _, raw = token_create(actor=user, user=user, name="t")
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_scout_answers_the_cli_contract(world):
    client, auth = api(world["viewer"])
    body = client.get("/api/v1/scout", {"q": "self-driving trucks", "top": 3}, **auth).json()
    assert body["mode"] == "hybrid" and body["count"] == 3
    first = body["items"][0]
    assert set(first) == {"id", "source", "external_id", "name", "band", "score", "reasons"}
    assert first["name"] == "Haulbot" and first["reasons"]["found_by"] == ["meaning"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": " "}, "q"),
        ({"q": "x", "kind": "unicorn"}, "kind"),
        ({"q": "x", "top": 0}, "top"),
        ({"q": "x", "mode": "fuzzy"}, "mode"),
    ],
)
def test_api_scout_bad_input_names_the_field(world, query, field):
    client, auth = api(world["viewer"])
    response = client.get("/api/v1/scout", query, **auth)
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["error"]["details"]]


def test_api_scans_run_decide_and_promote(world):
    client, auth = api(world["manager"])
    created = client.post(
        "/api/v1/scans", {"gap": world["gap"].pk, "top": 5}, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    scan = created.json()
    assert scan["run_count"] == 1 and scan["text"].startswith("Battery storage.")
    rows = client.get(f"/api/v1/scans/{scan['id']}/candidates", **auth).json()["items"]
    by_name = {row["name"]: row for row in rows}
    rejected = client.post(
        f"/api/v1/scan-candidates/{by_name['GridStore']['id']}/reject",
        {"reason": ""},
        content_type="application/json",
        **auth,
    )
    assert rejected.status_code == 422
    promoted = client.post(
        f"/api/v1/scan-candidates/{by_name['VoltCell']['id']}/promote",
        {},
        content_type="application/json",
        **auth,
    )
    assert promoted.status_code == 201
    assert Partnership.objects.get(pk=promoted.json()["partnership"]).stage == "candidate"
    again = client.post(f"/api/v1/scans/{scan['id']}/run", **auth).json()
    assert again["run_count"] == 2
    shortlisted = client.get(
        f"/api/v1/scans/{scan['id']}/candidates?status=promoted", **auth
    ).json()
    assert [row["name"] for row in shortlisted["items"]] == ["VoltCell"]


# CLI

runner = CliRunner()


def test_cli_scout_prints_the_json_contract(world):
    result = runner.invoke(app, ["scout", "batteries that store energy", "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert len(items) == 3 and items[0]["name"] == "VoltCell"
    assert set(items[0]) == {"id", "source", "external_id", "name", "band", "score", "reasons"}
    assert items[0]["band"] == "strong"


def test_cli_scout_filters_and_modes(world):
    result = runner.invoke(
        app, ["scout", "energy storage", "--country", "DE", "--mode", "lexical", "--json"]
    )
    names = [item["name"] for item in json.loads(result.stdout)]
    assert names and set(names) <= {"GridStore", "Institut für Batterieforschung"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["  "], "the query is empty"),
        (["x", "--mode", "fuzzy"], "Unknown mode"),
        (["x", "--kind", "unicorn"], "Unknown kind 'unicorn'"),
    ],
)
def test_cli_scout_bad_input_exits_2_with_a_message(world, args, message):
    result = runner.invoke(app, ["scout", *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def grow_scan(scan: Scan, actor, size: int) -> None:
    for i in range(scan.candidates.count(), size):
        organization = directory.organization_create(
            actor=actor, data={"name": f"Battery maker {i:03d}", "description": "Batteries."}
        )
        status = ("new", "shortlisted", "rejected")[i % 3]
        ScanCandidate.objects.create(
            scan=scan,
            organization=organization,
            rank=i + 1,
            score=0.5,
            first_run=1,
            last_run=1,
            status=status,
            reject_reason="No" if status == "rejected" else "",
            reasons={"found_by": ["words"], "terms": ["batteries"], "sentence": "Batteries."},
        )


@pytest.mark.parametrize("tab", ["results", "shortlisted", "rejected"])
def test_scan_pages_run_the_same_queries_with_few_and_many_candidates(
    world, django_assert_num_queries, tab
):
    manager = world["manager"]
    scan = services.scan_create(actor=manager, data={"text": "batteries"})
    Scan.objects.filter(pk=scan.pk).update(run_count=1)
    client = client_for(manager)
    counts = {}
    for size in (3, 30):
        grow_scan(scan, world["admin"], size)
        for url in (f"/scouting/scans/{scan.pk}/?tab={tab}", "/scouting/"):
            client.get(url)  # what is remembered until a change (our people) is read again
            with django_assert_num_queries(counts.setdefault(url, _count(client, url))):
                assert client.get(url).status_code == 200


def _count(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_a_shortlisted_candidate_goes_to_a_screening_round(world):
    from accord.screening import rounds, rubrics

    manager = world["manager"]
    scan = scan_for(world)
    change = rubrics.rubric_from_template(actor=manager, template="Standard partner screening")
    screening = rounds.screening_create(
        actor=manager, rubric=change.version.rubric, data={"title": "Storage round"}
    )
    gridstore = candidate(scan, "GridStore")
    with pytest.raises(ValidationError) as refused:
        rounds.candidate_add(actor=manager, screening=screening, scan_candidate=gridstore)
    assert "shortlist it first" in refused.value.message_dict["scan_candidate"][0]

    services.candidate_shortlist(actor=manager, candidate=gridstore)
    page = client_for(manager).get(f"/screening/rounds/{screening.pk}/").content.decode()
    assert "GridStore — Battery storage" in page
    client, auth = api(manager)
    added = client.post(
        f"/api/v1/screenings/{screening.pk}/screening-candidates",
        {"scan_candidate": gridstore.pk},
        content_type="application/json",
        **auth,
    )
    assert added.status_code == 201, added.content
    screened = screening.candidates.get()
    assert screened.organization.name == "GridStore" and screened.scan_candidate == gridstore


# The organization filter: one set of names, the former ones still read


def found(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {match.organization.name for match in response.context["result"].items}


def test_scans_and_searches_take_the_directory_filter_names(world):
    client, auth = api(world["manager"])
    created = client.post(
        "/api/v1/scans",
        {"text": "energy storage batteries", "filters": {"kind": ["research"], "country": ["de"]}},
        content_type="application/json",
        **auth,
    ).json()
    assert created["filters"] == {"kind": ["research"], "country": ["DE"]}
    search = client_for(world["viewer"]).get(
        "/scouting/search/", {"text": "energy storage batteries", "kind": "research"}
    )
    assert found(search) == {"Institut für Batterieforschung"}


def test_saved_scans_and_links_with_the_former_names_still_work(world):
    scan = scan_for(world, top=10)
    Scan.objects.filter(pk=scan.pk).update(filters={"kinds": ["scaleup"], "countries": ["DE"]})
    scan.refresh_from_db()
    ran = services.scan_run(actor=world["manager"], scan=scan)
    assert {c.organization.name for c in ran.candidates.filter(last_run=ran.run_count)} == {
        "GridStore"
    }
    client, auth = api(world["manager"])
    shown = client.get(f"/api/v1/scans/{scan.pk}", **auth).json()
    assert shown["filters"] == {"kind": ["scaleup"], "country": ["DE"]}
    edit = client_for(world["manager"]).get(f"/scouting/scans/{scan.pk}/edit/")
    assert edit.context["form"]["kind"].value() == ["scaleup"]

    posted = client.post(
        "/api/v1/scans",
        {"text": "batteries", "filters": {"kinds": ["startup"], "tags": ["Energy-Storage"]}},
        content_type="application/json",
        **auth,
    ).json()
    assert posted["filters"] == {"kind": ["startup"], "tag": ["energy-storage"]}
    bookmarked = client_for(world["viewer"]).get(
        "/scouting/search/", {"text": "energy storage batteries", "kinds": "research"}
    )
    assert found(bookmarked) == {"Institut für Batterieforschung"}
