"""The meaning index: incremental refresh, its files, the background task, the approximate
(IVF) index beyond the exact limit, and the `accord index` commands."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import call_command
from typer.testing import CliRunner

from accord.cli import app
from accord.directory import services as directory
from accord.scouting import embeddings, indexing, vectors
from accord.scouting.matching import scout
from accord.scouting.models import IndexState, OrganizationEmbedding
from tests import scouting_corpus

pytestmark = pytest.mark.skipif(
    not embeddings.available(), reason="the accord[ai] extra (sentence model) is not installed"
)
MODEL = "all-MiniLM-L6-v2"


@pytest.fixture
def corpus(admin_user):
    vectors.forget()
    return scouting_corpus.build(admin_user)


def stored_vector(organization) -> np.ndarray:
    row = OrganizationEmbedding.objects.get(organization=organization)
    return np.frombuffer(bytes(row.vector), dtype="<f4")


def test_a_build_encodes_everything_once_then_only_what_changed(corpus, admin_user):
    first = indexing.refresh()
    assert (first.encoded, first.unchanged, first.rebuilt) == (len(corpus), 0, True)
    assert IndexState.objects.get().count == len(corpus)

    again = indexing.refresh()
    assert (again.encoded, again.unchanged) == (0, 0)

    haulbot, gridstore = corpus["Haulbot"], corpus["GridStore"]
    before = stored_vector(haulbot)
    directory.organization_update(actor=admin_user, organization=haulbot,
                                  data={"description": "Electric tractors for farms."})  # fmt: skip
    directory.organization_update(actor=admin_user, organization=gridstore, data={"city": "Bonn"})
    directory.organization_create(actor=admin_user, data={"name": "Newcomer Robotics"})
    token = IndexState.objects.get().token

    step = indexing.refresh()
    assert (step.encoded, step.unchanged, step.rebuilt) == (2, 1, False)
    assert not np.allclose(before, stored_vector(haulbot))
    assert IndexState.objects.get().token != token
    assert IndexState.objects.get().count == len(corpus) + 1


def test_stored_vectors_are_unit_length_and_match_a_fresh_encoding(corpus):
    indexing.refresh()
    voltcell = corpus["VoltCell"]
    vector = stored_vector(voltcell)
    assert vector.shape == (embeddings.DIMENSIONS,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    from accord.scouting.text import organization_text

    text = organization_text(voltcell.name, voltcell.one_liner, voltcell.tag_names,
                             voltcell.description)  # fmt: skip
    assert float(vector @ embeddings.encode([text])[0]) == pytest.approx(1.0, abs=1e-4)


def test_the_index_files_follow_incremental_changes(corpus, admin_user):
    indexing.refresh()
    index = vectors.current(MODEL)
    assert index.size == len(corpus) and not index.approximate
    assert list(index.ids) == sorted(o.pk for o in corpus.values())

    late = directory.organization_create(
        actor=admin_user,
        data={"name": "Tidal Turbines Ltd", "description": "Turbines that turn tides into power."},
    )
    indexing.refresh()
    index = vectors.current(MODEL)
    assert late.pk in set(index.ids.tolist())
    # Loaded again from the files, as a new process would.
    vectors.forget()
    reloaded = vectors.current(MODEL)
    assert np.array_equal(reloaded.ids, index.ids)
    best = scout("ocean energy from tides", user=admin_user, mode="semantic", top=1)
    assert best.items[0].organization == late


def test_beyond_the_exact_limit_an_ivf_index_answers_like_exact_search(corpus, monkeypatch):
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 4)
    indexing.refresh(rebuild=True)
    vectors.forget()
    index = vectors.current(MODEL)
    assert index.approximate
    query = embeddings.encode_query("battery storage for the grid")
    graph = [pk for pk, _ in index.search(query, 5)]
    exact = [pk for pk, _ in index.exact(query, 5)]
    assert graph == exact


def test_the_ivf_index_takes_new_organizations_and_rebuilds_when_rows_went_stale(
    corpus, admin_user, monkeypatch
):
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 4)
    indexing.refresh(rebuild=True)
    late = directory.organization_create(
        actor=admin_user,
        data={"name": "Tidal Turbines Ltd", "description": "Turbines that turn tides into power."},
    )
    indexing.refresh()
    index = vectors.current(MODEL)
    assert index.ivf.ntotal == index.size == len(corpus) + 1
    query = embeddings.encode_query("ocean energy from tides")
    assert index.search(query, 1)[0][0] == late.pk

    monkeypatch.setattr(vectors, "STALE_LIMIT", 0.5)
    directory.organization_update(
        actor=admin_user,
        organization=corpus["Haulbot"],
        data={"description": "Tidal power stations on the coast."},
    )
    indexing.refresh()
    index = vectors.current(MODEL)
    assert index.stale == 1 and index.ivf.ntotal == index.size
    # The changed row is scored by its new vector even before the index is rebuilt.
    scores = dict(index.search(query, 3))
    assert scores[corpus["Haulbot"].pk] == pytest.approx(
        float(stored_vector(corpus["Haulbot"]) @ query), abs=1e-5
    )
    monkeypatch.setattr(vectors, "STALE_LIMIT", 0.0)
    directory.organization_update(
        actor=admin_user,
        organization=corpus["SightLine"],
        data={"description": "Wave energy converters."},
    )
    indexing.refresh()
    assert vectors.current(MODEL).stale == 0  # rebuilt


def test_the_ivf_index_is_trained_again_once_it_has_outgrown_its_clusters(
    corpus, admin_user, monkeypatch
):
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 4)
    indexing.refresh(rebuild=True)
    assert vectors.current(MODEL).trained_on == len(corpus)
    monkeypatch.setattr(vectors, "REGROW_FACTOR", 1.05)  # one more organization outgrows it
    directory.organization_create(actor=admin_user, data={"name": "Newcomer Robotics"})
    indexing.refresh()
    index = vectors.current(MODEL)
    assert index.trained_on == index.size == len(corpus) + 1


def test_changing_the_model_rebuilds_everything(corpus, settings):
    indexing.refresh()
    OrganizationEmbedding.objects.update(model="an-older-model")
    IndexState.objects.update(model="an-older-model")
    result = indexing.refresh()
    assert result.rebuilt and result.encoded == len(corpus)
    assert set(OrganizationEmbedding.objects.values_list("model", flat=True)) == {MODEL}
    assert list(IndexState.objects.values_list("model", flat=True)) == [MODEL]


# Transactional: the worker closes the database connection between tasks, as it should.
@pytest.mark.django_db(transaction=True)
def test_a_change_in_the_directory_queues_one_refresh_that_the_worker_runs(
    admin_user, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        made = scouting_corpus.build(admin_user)
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert OrganizationEmbedding.objects.count() == len(made)


runner = CliRunner()


def test_index_build_and_status_commands(corpus):
    built = runner.invoke(app, ["index", "build", "--json"])
    assert built.exit_code == 0, built.output
    figures = json.loads(built.stdout.strip().splitlines()[-1])
    assert figures["encoded"] == len(corpus) and figures["model"] == MODEL

    status = runner.invoke(app, ["index", "status", "--json"])
    state = json.loads(status.stdout)
    assert state["embedded"] == state["organizations"] == len(corpus) and state["built"]


def test_index_build_without_the_model_says_how_to_get_it(corpus, settings):
    settings.SCOUTING_MODEL = "none"
    result = runner.invoke(app, ["index", "build"])
    assert result.exit_code == 2
    assert "turned off" in result.output
