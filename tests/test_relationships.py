"""Relationships: their strength and introduction paths on small hand-checked graphs,
interactions and connections refused by name, private interactions, and the organization
page's warm introductions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.directory import services as directory
from accord.relationships import paths, selectors, services
from accord.relationships.models import Connection, Interaction
from accord.relationships.strength import (
    Touch,
    pair_strength,
    path_strength,
    seniority,
    standing,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _strength(touches=(), *, stated=None, known=True, titles=("", "")):
    return pair_strength(stated=stated, known=known, touches=touches, titles=titles, now=NOW)


def test_strength_by_hand():
    meeting_today = Touch("meeting", NOW)
    assert _strength().score == 25, "connected, nothing else known"
    assert _strength([meeting_today]).score == 28, "100 * (1 - exp(-1/3))"
    half_a_year = Touch("meeting", NOW - dt.timedelta(days=180))
    assert _strength([half_a_year]).score == 15, "half the evidence: 100 * (1 - exp(-0.5/3))"
    assert _strength([meeting_today], stated=60).score == 71, "1 - 0.4 * (1 - 0.2835)"
    both_ways = [Touch("meeting", NOW, "ours"), Touch("meeting", NOW, "theirs")]
    mutual = _strength(both_ways)
    assert mutual.score == 55 and "both sides reached out: x1.2" in mutual.reasons
    senior = _strength([meeting_today], titles=("Chief Executive Officer", "VP Sales"))
    assert senior.score == 35 and "seniority 5 of 6: x1.3" in senior.reasons
    assert (seniority("Founder & CEO"), seniority("Head of R&D"), seniority("Engineer")) == (
        3, 2, 1,
    )  # fmt: skip
    assert path_strength([80, 50]) == 40 and path_strength([90, 90, 50]) == 40


@pytest.fixture
def graph(admin_user):
    """Ours: Alice (employee), Bob (board member), Carol (advisor). At Target: Tina and Tom.
    Alice - Xavier 80 - Tina 50 (2 hops, 40); Alice - Yara 90 - Xavier 90 - Tina (3 hops,
    40); Bob - Tom 30 (1 hop); Bob - Alice 90 would pass through one of ours; Carol reaches
    Tina in four hops only. Lonely's Lara knows only Quinn, who knows no one of ours."""
    target = directory.organization_create(actor=admin_user, data={"name": "Target Motors"})
    lonely = directory.organization_create(actor=admin_user, data={"name": "Lonely Labs"})
    other = directory.organization_create(actor=admin_user, data={"name": "Other Works"})

    def person(name, organization=None, **data):
        return directory.person_create(actor=admin_user, data={
            "full_name": name, "organization": organization, **data})  # fmt: skip

    people = {
        "alice": person("Alice Ours", is_internal=True, relation="employee",
                        email="alice@ours.example"),
        "bob": person("Bob Board", relation="board"),
        "carol": person("Carol Advisor", relation="advisor"),
        "tina": person("Tina Target", target, title="CTO", email="tina@target.example"),
        "tom": person("Tom Target", target),
        "xavier": person("Xavier Other", other),
        "yara": person("Yara Other", other),
        "p1": person("Pat One", other), "p2": person("Pat Two", other),
        "p3": person("Pat Three", other),
        "lara": person("Lara Lonely", lonely), "quinn": person("Quinn Other", other),
    }  # fmt: skip
    for a, b, strength in [("alice", "xavier", 80), ("xavier", "tina", 50), ("alice", "yara", 90),
                           ("yara", "xavier", 90), ("bob", "tom", 30), ("bob", "alice", 90),
                           ("carol", "p1", 90), ("p1", "p2", 90), ("p2", "p3", 90),
                           ("p3", "tina", 90), ("lara", "quinn", 70)]:  # fmt: skip
        services.connection_save(actor=admin_user, person=people[a], other=people[b],
                                 data={"strength": strength})  # fmt: skip
    return {"target": target, "lonely": lonely, **people}


def _names(path):
    return [p.full_name.split()[0] for p in path.people]


def test_the_strongest_paths_come_first_within_three_hops(graph):
    found = paths.introductions(organization=graph["target"])
    assert [(path.strength, _names(path)) for path in found.paths] == [
        (40, ["Alice", "Xavier", "Tina"]),
        (40, ["Alice", "Yara", "Xavier", "Tina"]),
        (30, ["Bob", "Tom"]),
    ]
    assert found.paths[0].links == [80, 50]
    assert [(path.strength, _names(path)) for path in
            paths.introductions(person=graph["tom"]).paths] == [(30, ["Bob", "Tom"])]  # fmt: skip
    assert [_names(p) for p in paths.introductions(organization=graph["target"], top=1).paths] == [
        ["Alice", "Xavier", "Tina"]
    ]


def test_no_path_names_the_best_connected_there(graph):
    found = paths.introductions(organization=graph["lonely"])
    assert found.paths == [] and [(p.full_name, n) for p, n in found.closest] == [
        ("Lara Lonely", 1)
    ]


def test_a_deleted_person_takes_the_paths_through_them_along(graph, admin_user, personas):
    """Their links are deleted with them, which a graph read before does not show."""
    target = graph["target"]
    assert [_names(p) for p in paths.best_introductions([target.pk]).values()] == [
        ["Alice", "Xavier", "Tina"]
    ]
    directory.person_delete(actor=admin_user, person=graph["xavier"])
    assert {pk: (p.strength, _names(p)) for pk, p in paths.best_introductions([target.pk]).items()
            } == {target.pk: (30, ["Bob", "Tom"])}  # fmt: skip
    directory.person_delete(actor=admin_user, person=graph["bob"])
    assert paths.introductions(organization=target).paths == []
    page = client_for(personas["viewer"]).get(f"/directory/organizations/{target.pk}/")
    assert page.status_code == 200 and "Bob Board" not in page.content.decode()


def test_someone_becoming_one_of_ours_opens_their_paths_at_once(graph, admin_user):
    assert paths.introductions(organization=graph["lonely"]).paths == []
    directory.person_update(actor=admin_user, person=graph["quinn"], data={"relation": "board"})
    [path] = paths.introductions(organization=graph["lonely"]).paths
    assert (_names(path), path.strength) == (["Quinn", "Lara"], 70)


def test_one_of_ours_at_the_organization_is_a_path_of_its_own(graph, admin_user):
    directory.person_update(actor=admin_user, person=graph["carol"],
                            data={"organization": graph["lonely"]})  # fmt: skip
    [path] = paths.introductions(organization=graph["lonely"]).paths
    assert (_names(path), path.strength, path.links) == (["Carol"], 100, [])


def test_a_shared_interaction_connects_and_strengthens(graph, personas):
    manager = personas["manager"]
    before = Connection.objects.count()
    met = services.interaction_create(
        actor=manager, data={"kind": "dinner", "title": "Dinner in Munich", "occurred_at": NOW,
                             "initiated_by": "theirs"},
        attendees=[graph["alice"], graph["tina"]],
    )  # fmt: skip
    assert list(met.organizations.all()) == [graph["target"]], "theirs, not ours"
    link = Connection.objects.get(person_a=graph["alice"], person_b=graph["tina"])
    assert Connection.objects.count() == before + 1 and link.source == "interactions"
    # A dinner weighs 1.2, a CTO and an employee x1.2: 100 * (1 - exp(-1.44 / 3)) = 38.
    assert link.score == 38
    found = paths.introductions(organization=graph["target"]).paths
    assert [(p.strength, _names(p)) for p in found][:3] == [
        (40, ["Alice", "Xavier", "Tina"]), (40, ["Alice", "Yara", "Xavier", "Tina"]),
        (38, ["Alice", "Tina"]),
    ]  # fmt: skip
    why = selectors.explain(manager, graph["alice"], graph["tina"])
    assert why.score == 38 and "1 shared interaction(s) (dinner)" in why.reasons[0]
    assert AuditEvent.objects.filter(model="relationships.interaction", action="create").exists()


def test_bad_connections_and_interactions_are_refused_by_name(graph, personas):
    admin, viewer = personas["admin"], personas["viewer"]
    count = Connection.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.connection_save(actor=admin, person=graph["alice"], other=graph["alice"],
                                 data={})  # fmt: skip
    assert "not connected to themselves" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.connection_save(actor=admin, person=graph["alice"], other=graph["lara"],
                                 data={"strength": 150})  # fmt: skip
    assert "between 0 and 100" in " ".join(refused.value.message_dict["strength"])
    assert Connection.objects.count() == count
    with pytest.raises(ValidationError) as refused:
        services.interaction_create(
            actor=admin, data={"kind": "call", "title": "Call", "occurred_at": NOW}, attendees=[]
        )
    assert "at least one person" in " ".join(refused.value.message_dict["attendees"])
    with pytest.raises(PermissionDenied):
        services.interaction_create(actor=viewer, data={"kind": "call", "title": "Call",
                                                        "occurred_at": NOW},
                                    attendees=[graph["tina"]])  # fmt: skip
    assert not Interaction.objects.exists()


def test_a_private_interaction_is_for_its_attendees_and_administrators(graph, personas):
    from accord.accounts.services import user_create

    secret = services.interaction_create(
        actor=personas["manager"], data={"kind": "meeting", "title": "Board-level talk",
                                         "occurred_at": NOW, "is_private": True},
        attendees=[graph["alice"], graph["tina"]],
    )  # fmt: skip
    alice = user_create(actor=personas["admin"], username="alice", role="contributor",
                        email="Alice@Ours.example")  # fmt: skip
    for who, sees in ((personas["admin"], True), (personas["manager"], True), (alice, True),
                      (personas["viewer"], False), (personas["executive"], False),
                      (personas["partner_a"], False)):  # fmt: skip
        assert visible_to(who, Interaction).filter(pk=secret.pk).exists() is sees, who


def test_the_organization_page_shows_the_paths_or_says_there_is_none(graph, personas):
    client = client_for(personas["viewer"])
    page = client.get(f"/directory/organizations/{graph['target'].pk}/").content.decode()
    assert "Warm introductions" in page and page.count('data-testid="intro-path"') == 3
    assert "Alice Ours" in page and "Xavier Other" in page
    lonely = client.get(f"/directory/organizations/{graph['lonely'].pk}/").content.decode()
    assert "No introduction path" in lonely and "Lara Lonely" in lonely


def test_the_command_line_prints_the_paths_as_json(graph):
    from typer.testing import CliRunner

    from accord.cli import app

    done = CliRunner().invoke(app, ["intros", "--to", str(graph["target"].pk), "--top", "2",
                                    "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert [(p["strength"], [x["name"] for x in p["people"]]) for p in found] == [
        (40, ["Alice Ours", "Xavier Other", "Tina Target"]),
        (40, ["Alice Ours", "Yara Other", "Xavier Other", "Tina Target"]),
    ]
    assert found[0]["people"][2] == {"id": graph["tina"].pk, "name": "Tina Target",
                                     "organization": "Target Motors", "ours": False}  # fmt: skip
    none = CliRunner().invoke(app, ["intros", "--to", str(graph["lonely"].pk), "--json"])
    assert none.exit_code == 0 and json.loads(none.stdout) == []
    unknown = CliRunner().invoke(app, ["intros", "--to", "999999"])
    assert unknown.exit_code == 2 and "no organization '999999'" in unknown.output


def test_the_api_answers_paths_and_records_connections(graph, personas):
    from tests.conftest import bearer

    admin = personas["admin"]
    client = client_for(admin)
    answer = client.get(f"/api/v1/organizations/{graph['target'].pk}/introductions?top=1",
                        **bearer(admin))  # fmt: skip
    assert answer.status_code == 200
    assert [p["name"] for p in answer.json()["paths"][0]["people"]] == [
        "Alice Ours", "Xavier Other", "Tina Target"
    ]  # fmt: skip
    lonely = client.get(f"/api/v1/organizations/{graph['lonely'].pk}/introductions",
                        **bearer(admin)).json()  # fmt: skip
    assert lonely["paths"] == [] and lonely["closest"][0]["name"] == "Lara Lonely"
    self_link = client.post("/api/v1/connections", {"person": graph["tom"].pk,
                                                     "other": graph["tom"].pk},
                            content_type="application/json", **bearer(admin))  # fmt: skip
    assert self_link.status_code == 422 and "not connected to themselves" in self_link.text
    made = client.post("/api/v1/interactions", {
        "kind": "call", "title": "Intro call", "occurred_at": NOW.isoformat(),
        "attendees": [graph["bob"].pk, graph["tom"].pk], "initiated_by": "ours"},
        content_type="application/json", **bearer(admin))  # fmt: skip
    assert made.status_code == 201, made.content
    assert {a["person"]["name"] for a in made.json()["attendees"]} == {"Bob Board", "Tom Target"}
    unknown = client.post("/api/v1/interactions", {
        "kind": "call", "title": "Ghost call", "occurred_at": NOW.isoformat(),
        "attendees": [999999]}, content_type="application/json", **bearer(admin))  # fmt: skip
    assert unknown.status_code == 422 and "No person has id 999999" in unknown.text
    huge = client.post("/api/v1/interactions", {
        "kind": "call", "title": "Ghost call", "occurred_at": NOW.isoformat(),
        "attendees": [graph["bob"].pk, 2**70]}, content_type="application/json",
        **bearer(admin))  # fmt: skip
    assert huge.status_code == 422, "an id no database holds is refused, not a 500"
    assert not Interaction.objects.filter(title="Ghost call").exists()


def test_the_paths_cost_the_same_queries_as_the_network_grows(graph, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = client_for(personas["viewer"]), f"/directory/organizations/{graph['target'].pk}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    admin = personas["admin"]
    for n in range(40):
        someone = directory.person_create(actor=admin, data={"full_name": f"Extra {n}",
                                                              "relation": "advisor"})  # fmt: skip
        for friend in ("xavier", "yara", "tom"):
            services.connection_save(actor=admin, person=someone, other=graph[friend],
                                     data={"strength": 40 + n})  # fmt: skip
    assert queries() == before


def test_the_pages_record_an_interaction_and_the_timeline_shows_it(graph, personas):
    from accord.partnerships import services as partnerships

    manager = personas["manager"]
    deal = partnerships.partnership_create(
        actor=manager, data={"title": "Target alliance", "type": "rd_alliance", "owner": manager},
        parties=[(graph["target"], "partner")],
    )  # fmt: skip
    client = client_for(manager)
    form = {"kind": "meeting", "title": "Kick-off in Stuttgart", "occurred_at": "2026-11-02T10:00",
            "attendees": [graph["alice"].pk, graph["tina"].pk]}  # fmt: skip
    unknown = client.post(f"/relationships/interactions/new/?partnership={deal.pk}",
                          {**form, "attendees": [graph["alice"].pk, 999999]})  # fmt: skip
    assert unknown.status_code == 422
    assert "No one you can see in the directory is 999999." in unknown.content.decode()
    assert "Alice Ours" in unknown.content.decode(), "the one chosen stays chosen"
    assert not Interaction.objects.exists()
    made = client.post(f"/relationships/interactions/new/?partnership={deal.pk}", form)
    assert made.status_code == 302
    recorded = Interaction.objects.get()
    assert (recorded.partnership, recorded.source) == (deal, "web")
    assert {a.person.full_name for a in recorded.attendees.all()} == {"Alice Ours", "Tina Target"}
    timeline = client.get(f"/partnerships/{deal.pk}/?tab=timeline").content.decode()
    assert "Kick-off in Stuttgart" in timeline
    assert "Interactions" in client.get(f"/partnerships/{deal.pk}/").content.decode()
    version = recorded.version
    edited = client.post(f"/relationships/interactions/{recorded.pk}/edit/",
                         {**form, "title": "Kick-off (moved)", "version": version})  # fmt: skip
    assert edited.status_code == 302
    stale = client.post(f"/relationships/interactions/{recorded.pk}/edit/",
                        {**form, "title": "Kick-off (stale)", "version": version})  # fmt: skip
    assert stale.status_code == 422 and "Kick-off (moved)" in stale.content.decode()
    assert Interaction.objects.get().title == "Kick-off (moved)"
    viewer = client_for(personas["viewer"])
    assert viewer.post("/relationships/interactions/new/", form).status_code == 403
    assert "Kick-off (moved)" in viewer.get("/relationships/interactions/").content.decode()


def test_the_cadence_names_partnerships_no_executive_has_seen_in_time(graph, personas):
    from accord.partnerships import services as partnerships
    from accord.partnerships.models import Partnership
    from accord.relationships.models import CadenceRule

    manager, executive = personas["manager"], personas["executive"]

    def active(title):
        made = partnerships.partnership_create(
            actor=manager, data={"title": title, "type": "rd_alliance", "owner": manager,
                                 "executive_sponsor": executive},
            parties=[(graph["target"], "partner")],
        )  # fmt: skip
        Partnership.objects.filter(pk=made.pk).update(stage="active")
        return made

    seen, unseen, staff_only = active("Seen lately"), active("Long ago"), active("Staff only")
    for partnership, days, executive_there in ((seen, 10, True), (unseen, 130, True),
                                               (staff_only, 5, False)):  # fmt: skip
        services.interaction_create(
            actor=manager, data={"kind": "meeting", "title": f"Meeting {partnership.title}",
                                 "occurred_at": NOW - dt.timedelta(days=days),
                                 "partnership": partnership, "is_executive": executive_there},
            attendees=[graph["alice"], graph["tina"]],
        )  # fmt: skip
    services.cadence_rule_save(actor=manager, data={
        "name": "R&D alliances: every 60 days", "partnership_type": "rd_alliance",
        "stage": "active", "every_days": 60})  # fmt: skip
    assert CadenceRule.objects.count() == 5, "the defaults come with the first rule"
    found = {t.partnership.title: t for t in selectors.cadence(manager)}
    assert (found["Seen lately"].overdue_days, found["Seen lately"].days_since) == (0, 10)
    assert found["Long ago"].overdue_days == 70, "130 days against every 60"
    assert found["Long ago"].rule.every_days == 60, "the strictest rule that covers it"
    assert found["Staff only"].last is None, "only executive touchpoints count"
    page = client_for(personas["viewer"]).get("/relationships/cadence/").content.decode()
    assert "Long ago" in page and "70 days" in page and "executive" in page
    theirs = client_for(executive).get("/relationships/cadence/").content.decode()
    assert 'data-testid="mine">1 of them yours' in theirs, "Staff only entered its stage today"
    mine = client_for(executive).get(f"/relationships/cadence/?sponsor={executive.pk}")
    assert mine.content.decode().count("<tr><td><a") == 1
    others = client_for(executive).get(f"/relationships/cadence/?sponsor={manager.pk}")
    assert "Long ago" not in others.content.decode(), "no one else's late partnerships"
    with pytest.raises(ValidationError) as refused:
        services.cadence_rule_save(actor=manager, data={"name": "Exits", "stage": "exited",
                                                        "every_days": 30})  # fmt: skip
    assert "has ended" in " ".join(refused.value.message_dict["stage"])
    bad = client_for(manager).post(
        "/relationships/cadence/rules/", {"name": "Zero", "every_days": 0}
    )
    assert bad.status_code == 422 and not CadenceRule.objects.filter(name="Zero").exists()


def test_a_shortlist_shows_each_candidates_best_introduction_in_constant_queries(graph, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.directory.models import Organization
    from accord.scouting.models import Scan, ScanCandidate

    best = paths.best_introductions([graph["target"].pk, graph["lonely"].pk])
    assert set(best) == {graph["target"].pk}, "Lonely Labs has no path"
    assert (_names(best[graph["target"].pk]), best[graph["target"].pk].strength) == (
        ["Alice", "Xavier", "Tina"], 40
    )  # fmt: skip
    scan = Scan.objects.create(title="Drives", text="drives", run_count=1)
    for rank, organization in enumerate((graph["target"], graph["lonely"]), start=1):
        ScanCandidate.objects.create(scan=scan, organization=organization, rank=rank, score=1.0,
                                     first_run=1, last_run=1)  # fmt: skip
    client = client_for(personas["viewer"])

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(f"/scouting/scans/{scan.pk}/").content.decode()
        return body, len(captured)

    page()
    body, queries = page()
    assert "intro 40" in body and "Alice Ours → Xavier Other → Tina Target" in body
    assert "no introduction path" in body
    admin = personas["admin"]
    for n in range(8):
        organization = Organization.objects.create(name=f"More {n}")
        someone = directory.person_create(
            actor=admin, data={"full_name": f"At More {n}", "organization": organization}
        )
        services.connection_save(actor=admin, person=someone, other=graph["alice"],
                                 data={"strength": 50})  # fmt: skip
        ScanCandidate.objects.create(scan=scan, organization=organization, rank=3 + n,
                                     score=0.5, first_run=1, last_run=1)  # fmt: skip
    page()  # the graph held in memory is read again once after the change
    body, more = page()
    assert body.count("intro 50") == 8 and more == queries


def test_the_network_view_draws_who_knows_whom(graph, personas):
    client = client_for(personas["viewer"])
    page = client.get(f"/relationships/organizations/{graph['target'].pk}/network/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="ego-network"' in html
    assert "Xavier Other" in html and "Alice Ours" in html, "the rings around Target's people"
    empty = directory.organization_create(actor=personas["admin"], data={"name": "Quiet Co"})
    quiet = client.get(f"/relationships/organizations/{empty.pk}/network/").content.decode()
    assert "No one of Quiet Co is connected" in quiet
    partner = client_for(personas["partner_a"])
    assert partner.get(f"/relationships/organizations/{graph['target'].pk}/network/"
                       ).status_code == 404  # fmt: skip


def test_a_connections_strength_says_why_and_fades_when_refreshed(graph, personas):
    from typer.testing import CliRunner

    from accord.cli import app
    from tests.conftest import bearer

    manager, admin = personas["manager"], personas["admin"]
    met = services.interaction_create(
        actor=manager, data={"kind": "meeting", "title": "Review", "occurred_at": NOW},
        attendees=[graph["tom"], graph["lara"]],
    )  # fmt: skip
    link = Connection.objects.get(person_a=graph["tom"], person_b=graph["lara"])
    answer = client_for(admin).get(f"/api/v1/connections/{link.pk}/strength", **bearer(admin))
    assert answer.status_code == 200
    assert answer.json()["score"] == 28 and "1 shared interaction(s) (meeting)" in (
        answer.json()["reasons"][0]
    )  # fmt: skip
    Interaction.objects.filter(pk=met.pk).update(occurred_at=NOW - dt.timedelta(days=180))
    done = CliRunner().invoke(app, ["relationships", "refresh"])
    assert done.exit_code == 0, done.output
    link.refresh_from_db()
    assert link.score == 15, "half a year on, the meeting counts half"
    partner = client_for(personas["partner_a"])
    assert partner.get(f"/api/v1/connections/{link.pk}/strength",
                       **bearer(personas["partner_a"])).status_code == 404  # fmt: skip


def test_how_well_we_know_an_organization_by_hand():
    alone = standing(link=None, touches=[], now=NOW)
    assert alone.score == 0 and "no interaction recorded" in alone.reasons
    linked = standing(link=("Alice and Tina", 50), touches=[], now=NOW)
    assert linked.score == 50
    assert "strongest link between our people and theirs: Alice and Tina, 50" in linked.reasons
    one_meeting = standing(link=None, touches=[Touch("meeting", NOW)], now=NOW)
    assert one_meeting.score == 15, "100 * (1 - exp(-1/6))"
    executive = [Touch("meeting", NOW, "ours", True), Touch("meeting", NOW, "theirs", False)]
    both = standing(link=("Alice and Tina", 50), touches=executive, now=NOW)
    # 2 meetings, both sides reached out (x1.2), executive in 1 of 2 (x1.15): evidence 2.76
    # gives 1 - exp(-2.76 / 6) = 0.369, and with the link 1 - 0.5 * 0.631 = 0.68.
    assert both.score == 68
    assert "both sides reached out: x1.2" in both.reasons
    assert "executive-level in 1 of 2: x1.15" in both.reasons
    old = standing(link=None, touches=[Touch("call", NOW - dt.timedelta(days=400))], now=NOW)
    assert "no interaction for 400 days" in old.reasons and "no executive-level interaction" in (
        old.reasons
    )  # fmt: skip


def test_pages_and_api_show_how_well_we_know_an_organization_and_a_partnership(graph, personas):
    from accord.partnerships import services as partnerships
    from tests.conftest import bearer

    manager, viewer = personas["manager"], personas["viewer"]
    services.interaction_create(
        actor=manager, data={"kind": "meeting", "title": "Kick-off", "occurred_at": NOW,
                             "is_executive": True},
        attendees=[graph["bob"], graph["tom"]],
    )  # fmt: skip
    deal = partnerships.partnership_create(
        actor=manager, data={"title": "Target pilot", "type": "co_development"},
        parties=[(graph["target"], "partner")],
    )  # fmt: skip
    expected = selectors.organization_standing(viewer, graph["target"])
    # Bob - Tom: stated 30 and the shared meeting make the strongest link.
    assert expected.reasons[0].startswith("strongest link between our people and theirs: Bob")
    assert "executive-level in 1 of 1: x1.30" in expected.reasons
    page = client_for(viewer).get(f"/directory/organizations/{graph['target'].pk}/")
    html = page.content.decode()
    assert f'data-testid="standing-score">{expected.score}<' in html
    answer = client_for(viewer).get(
        f"/api/v1/organizations/{graph['target'].pk}/relationship-strength", **bearer(viewer)
    )
    assert answer.json() == {"score": expected.score, "reasons": expected.reasons}
    overview = client_for(viewer).get(f"/partnerships/{deal.pk}/").content.decode()
    assert f'data-testid="standing-score">{expected.score}<' in overview, "same partner, same"
    lonely = selectors.organization_standing(viewer, graph["lonely"])
    assert lonely.score == 0 and "none of our people is connected to theirs" in lonely.reasons
    partner = personas["partner_a"]
    assert client_for(partner).get(
        f"/api/v1/partnerships/{deal.pk}/relationship-strength", **bearer(partner)
    ).status_code in (403, 404)


def test_a_persons_page_shows_who_they_know_why_and_the_way_in(graph, personas):
    viewer = personas["viewer"]
    services.interaction_create(
        actor=personas["manager"], data={"kind": "call", "title": "Intro call",
                                         "occurred_at": NOW},
        attendees=[graph["xavier"], graph["tina"]],
    )  # fmt: skip
    client = client_for(viewer)
    page = client.get(graph["tina"].get_absolute_url()).content.decode()
    assert "Warm introductions" in page and "Alice Ours" in page, "the way in to Tina"
    assert "Intro call" in page and 'data-testid="connections"' in page
    a, b = services.ordered(graph["xavier"].pk, graph["tina"].pk)
    link = Connection.objects.get(person_a_id=a, person_b_id=b)
    why = client.get(f"/relationships/connections/{link.pk}/").content.decode()
    assert "stated 50" in why and "Intro call" in why
    ours = client.get(graph["alice"].get_absolute_url()).content.decode()
    assert "Warm introductions" not in ours, "one of ours needs no introduction"
    network = client.get(f"/relationships/people/{graph['tina'].pk}/network/").content.decode()
    assert 'id="ego-network"' in network and "Xavier Other" in network
    partner = client_for(personas["partner_a"])
    assert partner.get(f"/relationships/connections/{link.pk}/").status_code == 404


def test_the_interactions_list_pages_in_the_same_queries_however_many_there_are(graph, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["viewer"])

    def record(count):
        for n in range(count):
            services.interaction_create(
                actor=personas["manager"], attendees=[graph["alice"], graph["tina"]],
                data={"kind": "call", "title": f"Call {n}", "occurred_at": NOW
                      - dt.timedelta(days=n)},
            )  # fmt: skip

    def queries(url="/relationships/interactions/"):
        with CaptureQueriesContext(connection) as done:
            page = client.get(url)
        assert page.status_code == 200
        return len(done), page.content.decode()

    record(3)
    few, _ = queries()
    record(60)
    many, html = queries()
    assert many == few and "Page 1 of 3" in html and html.count('class="card mb-2"') == 25
    _, last = queries("/relationships/interactions/?page=3")
    assert last.count('class="card mb-2"') == 13 and "Call 59<" in last, "the oldest last"
