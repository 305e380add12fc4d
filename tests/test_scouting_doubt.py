"""Scouting says when it is unsure: a relevance band read from the evidence rather than the
score, the words each result shares with the need and where, a notice when the best matches
share only one word with it, and the need's words that nothing matched. By words only, as a
directory without the sentence model scouts."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import get_args

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts.services import token_create
from accord.cli import app
from accord.scouting import embeddings, indexing, schemas, services, vectors
from accord.scouting.matching import scout
from accord.scouting.models import Scan, ScanCandidate
from accord.scouting.relevance import BANDS, POSSIBLE, STRONG, WEAK, band, doubt
from tests import scouting_corpus
from tests.conftest import client_for

# Inspection firms that say "AI", and nobody in regulation or compliance.
INSPECTORS = [
    {"name": "Inspecta AI", "kind": "startup", "country": "DE",
     "one_liner": "AI quality inspection for factories",
     "description": "Cameras spot defects on production lines before parts ship.",
     "tags": ["computer-vision"]},
    {"name": "Weldsight", "kind": "startup", "country": "US",
     "one_liner": "Visual inspection of welds",
     "description": "Our AI reads X-ray images of welds and flags cracks."},
]  # fmt: skip


MODEL = embeddings.model_name()  # as configured, before a test turns it off


@pytest.fixture(autouse=True)
def words_only(settings):
    settings.SCOUTING_MODEL = "none"


@pytest.fixture
def inspectors(admin_user, monkeypatch):
    everyone = scouting_corpus.ORGANIZATIONS + INSPECTORS
    monkeypatch.setattr(scouting_corpus, "ORGANIZATIONS", everyone)
    return scouting_corpus.build(admin_user)


def found(result) -> dict[str, object]:
    return {match.organization.name: match for match in result.items}


def test_a_match_on_the_word_ai_alone_is_weak_whatever_its_score(inspectors, admin_user):
    result = scout("AI regulation compliance", user=admin_user, top=5)

    assert result.mode == "lexical"
    assert set(found(result)) == {"Inspecta AI", "Weldsight"}
    first = result.items[0]
    assert first.score == pytest.approx(1.0), "the fused score alone would look certain"
    assert [m.band for m in result.items] == [WEAK, WEAK]
    assert first.reasons["terms"] == ["ai"]


def test_the_best_matches_sharing_one_word_bring_a_notice_and_the_unmatched_words(
    inspectors, admin_user
):
    result = scout("AI regulation compliance", user=admin_user, top=5)

    shared = [n for n in result.notices if "share only" in n]
    assert shared == [
        "The best matches share only the word “ai” with the need, so they may be about "
        "something else. Add words that say what you want (a product, a field, a customer), "
        "or rephrase the need."
    ]
    assert result.unmatched == ["regulation", "compliance"]


def test_evidence_names_each_word_and_where_it_was_found(inspectors, admin_user):
    result = scout("AI inspection of welds", user=admin_user, top=5)

    weldsight = found(result)["Weldsight"]
    assert weldsight.reasons["evidence"] == [
        {"term": "ai", "fields": ["description"]},
        {"term": "inspection", "fields": ["one-liner"]},
        {"term": "welds", "fields": ["one-liner", "description"]},
    ]
    inspecta = found(result)["Inspecta AI"]
    assert inspecta.reasons["evidence"] == [
        {"term": "ai", "fields": ["name", "one-liner"]},
        {"term": "inspection", "fields": ["one-liner"]},
    ]
    assert inspecta.reasons["similarity"] is None  # matched by words only


def test_a_match_sharing_most_of_the_need_is_strong_without_a_notice(inspectors, admin_user):
    result = scout("inspection of welds", user=admin_user, top=5)

    assert result.items[0].organization.name == "Weldsight"
    assert result.items[0].band == STRONG
    assert found(result)["Inspecta AI"].band == WEAK  # "inspection" only
    assert not [n for n in result.notices if "share only" in n]
    assert result.unmatched == []


def test_a_one_word_need_is_at_best_possible_and_brings_no_notice(inspectors, admin_user):
    result = scout("batteries", user=admin_user, top=5)

    assert result.items and {m.band for m in result.items} == {POSSIBLE}
    assert result.notices == [
        "Matching by meaning is turned off (ACCORD_SCOUTING_MODEL=none); matching by words only."
    ]


def test_a_need_of_only_common_words_finds_nothing_and_lists_no_word(inspectors, admin_user):
    result = scout("the and of", user=admin_user, top=5)

    assert result.items == [] and result.unmatched == []
    assert any("no searchable words" in n for n in result.notices)


def test_when_nothing_is_found_every_word_is_unmatched(inspectors, admin_user):
    result = scout("quantum cryptography", user=admin_user, top=5)

    assert result.items == []
    assert result.unmatched == ["quantum", "cryptography"]
    assert not [n for n in result.notices if "share only" in n]


def test_the_json_of_a_match_carries_its_band_beside_its_score(inspectors, admin_user):
    item = scout("AI regulation compliance", user=admin_user, top=1).items[0].as_json()

    assert item["band"] == WEAK and item["score"] == pytest.approx(1.0)
    assert item["reasons"]["evidence"] == [{"term": "ai", "fields": ["name", "one-liner"]}]


# The rules themselves, meaning included (the model is not needed to check them).


@pytest.mark.parametrize(
    ("need", "shared", "similarity", "expected"),
    [
        (3, 1, None, WEAK),  # "ai" of "AI regulation compliance"
        (3, 1, 0.42, WEAK),  # a loose likeness adds nothing
        (3, 1, 0.47, POSSIBLE),  # related in meaning
        (3, 0, 0.60, STRONG),  # close in meaning, no shared word (driverless lorries)
        (1, 1, None, POSSIBLE),  # a one-word need's only word
        (2, 1, None, WEAK),
        (2, 2, None, STRONG),
        (4, 2, None, STRONG),  # half of the need
        (5, 2, None, POSSIBLE),
        (12, 3, None, STRONG),  # a gap's long description: three words
        (0, 0, None, WEAK),
    ],
)
def test_bands_from_words_and_meaning(need, shared, similarity, expected):
    assert band(need=need, shared=shared, similarity=similarity) == expected


def _match(terms: list[str], band_: str) -> SimpleNamespace:
    return SimpleNamespace(reasons={"terms": terms, "band": band_})


def test_best_matches_each_sharing_a_different_word_are_named_together():
    result = doubt([_match(["ai"], WEAK), _match(["compliance"], WEAK)], ["ai", "compliance", "eu"])

    assert result.notice is not None
    assert "share only one word each (“ai”, “compliance”)" in result.notice
    assert result.unmatched == ["eu"]


def test_best_matches_found_by_meaning_alone_and_loosely_bring_their_own_notice():
    result = doubt([_match([], WEAK), _match([], WEAK)], ["lorries", "freight"])

    assert result.notice is not None and result.notice.startswith(
        "None of the best matches shares a word with the need"
    )


def test_a_strong_match_among_the_best_silences_the_notice():
    close_in_meaning = _match([], STRONG)
    assert doubt([close_in_meaning, _match(["ai"], WEAK)], ["ai", "regulation"]).notice is None


def test_the_command_line_prints_the_band_and_the_unmatched_words(inspectors):
    result = CliRunner().invoke(app, ["scout", "AI regulation compliance", "--json"])

    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [item["band"] for item in items] == [WEAK, WEAK]
    assert "no result contains regulation, compliance" in result.stderr
    assert "share only the word “ai”" in " ".join(result.stderr.split())


@pytest.mark.skipif(not embeddings.available(), reason="the accord[ai] extra is not installed")
def test_with_meaning_an_ai_firm_loosely_like_the_need_stays_weak(inspectors, admin_user, settings):
    settings.SCOUTING_MODEL = MODEL
    vectors.forget()
    indexing.refresh()
    result = scout("AI regulation compliance", user=admin_user, mode="hybrid", top=5)

    assert result.mode == "hybrid"
    inspecta = found(result)["Inspecta AI"]
    assert inspecta.reasons["found_by"] == ["words", "meaning"]
    assert 0.3 < inspecta.reasons["similarity"] < 0.45
    assert {m.band for m in result.items} == {WEAK}
    assert any("share only the word “ai”" in n for n in result.notices)
    assert result.unmatched == ["regulation", "compliance"]


# Pages


def test_the_search_page_shows_weak_bands_the_notice_and_the_unmatched_words(inspectors, personas):
    client = client_for(personas["viewer"])
    page = client.get("/scouting/search/", {"text": "AI regulation compliance"})

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-band="weak"') == 2 and "Weak match" in html
    assert 'data-band="strong"' not in html
    assert "share only the word “ai” with the need" in html
    unmatched = html.split('data-testid="unmatched"')[1].split("</p>")[0]
    assert ">regulation<" in unmatched and ">compliance<" in unmatched and ">ai<" not in unmatched
    assert "<strong>ai</strong> in name, one-liner" in html  # the evidence, and where
    assert "not a probability" in html


def test_the_search_page_shows_a_strong_match_without_doubt(inspectors, personas):
    html = (
        client_for(personas["viewer"])
        .get("/scouting/search/", {"text": "inspection of welds"})
        .content.decode()
    )

    first = html.split('data-testid="search-results"')[1].split("</li>")[0]
    assert "Weldsight" in first and 'data-band="strong"' in first and "Strong match" in first
    assert "share only" not in html and 'data-testid="unmatched"' not in html


def test_a_scan_keeps_its_doubt_and_shows_it(inspectors, personas):
    manager = personas["manager"]
    scan = services.scan_create(
        actor=manager, data={"text": "AI regulation compliance", "mode": "lexical", "top": 5}
    )
    scan = services.scan_run(actor=manager, scan=scan)

    assert scan.unmatched_terms == ["regulation", "compliance"]
    assert any("share only the word “ai”" in n for n in scan.notices)
    assert {c.reasons["band"] for c in scan.candidates.all()} == {WEAK}
    html = client_for(manager).get(scan.get_absolute_url()).content.decode()
    assert html.count('data-band="weak"') == 2
    assert 'data-testid="unmatched"' in html and ">compliance<" in html
    assert "share only the word “ai” with the need" in html


@pytest.mark.parametrize(
    "text", ["the and of", "!!! ???", "ai " * 1000, "\x00ai", "аи регулирование", "🙂 compliance"]
)
def test_odd_needs_never_fail_the_search_page(inspectors, personas, text):
    page = client_for(personas["viewer"]).get("/scouting/search/", {"text": text})
    assert page.status_code in (200, 422)


# API


def api(user) -> tuple[Client, dict[str, str]]:
    _, raw = token_create(actor=user, user=user, name="t")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_returns_the_band_beside_the_score_and_what_nothing_matched(inspectors, personas):
    client, auth = api(personas["viewer"])
    body = client.get("/api/v1/scout", {"q": "AI regulation compliance"}, **auth).json()

    assert body["unmatched_terms"] == ["regulation", "compliance"]
    assert any("share only the word “ai”" in n for n in body["notices"])
    first = body["items"][0]
    assert first["band"] == "weak" and first["score"] == pytest.approx(1.0)
    assert first["reasons"]["evidence"] == [{"term": "ai", "fields": ["name", "one-liner"]}]
    assert first["reasons"]["similarity"] is None

    strong = client.get("/api/v1/scout", {"q": "inspection of welds"}, **auth).json()
    assert strong["items"][0]["band"] == "strong" and strong["unmatched_terms"] == []


def test_the_api_gives_each_scan_candidate_its_band_and_the_scan_its_unmatched_words(
    inspectors, personas
):
    client, auth = api(personas["manager"])
    created = client.post(
        "/api/v1/scans",
        {"text": "AI regulation compliance", "mode": "lexical", "top": 5},
        content_type="application/json",
        **auth,
    ).json()

    assert created["unmatched_terms"] == ["regulation", "compliance"]
    rows = client.get(f"/api/v1/scans/{created['id']}/candidates", **auth).json()["items"]
    assert [row["band"] for row in rows] == ["weak", "weak"]


def test_a_candidate_from_a_run_before_bands_has_none(inspectors, personas):
    scan = Scan.objects.create(title="Old", text="old run", run_count=1)
    ScanCandidate.objects.create(
        scan=scan, organization=inspectors["Weldsight"], rank=1, score=1.0,
        reasons={"terms": ["welds"]}, first_run=1, last_run=1,
    )  # fmt: skip
    client, auth = api(personas["viewer"])

    rows = client.get(f"/api/v1/scans/{scan.pk}/candidates", **auth).json()["items"]
    assert rows[0]["band"] is None
    page = client_for(personas["viewer"]).get(scan.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="band"' not in page.content.decode()


@pytest.mark.parametrize(
    "q", ["the and of", "!!! ???", "ai " * 1000, "\x00ai", "аи регулирование", "🙂 compliance"]
)
def test_odd_needs_never_fail_the_api(inspectors, personas, q):
    client, auth = api(personas["viewer"])
    response = client.get("/api/v1/scout", {"q": q}, **auth)
    assert response.status_code in (200, 422), response.content


def test_the_api_knows_every_band():
    assert get_args(schemas.Band) == BANDS
