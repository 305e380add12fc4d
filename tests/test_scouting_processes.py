"""Scouting in the processes a server really runs: forked workers, other writers waiting,
and a query encoder that does not answer."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from accord.scouting import embeddings, indexing, matching, services, vectors
from accord.scouting.matching import scout
from tests import scouting_corpus

needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="the accord[ai] extra (sentence model) is not installed"
)


def test_a_forked_process_gets_its_own_query_thread():
    """A server's workers are forked from a process that may already have used the query
    thread; the child must not wait forever on a thread that exists only in the parent."""
    assert embeddings.on_query_thread(lambda: "parent").result(timeout=10) == "parent"
    pid = os.fork()
    if pid == 0:  # the child: answer within the timeout or fail
        try:
            answer = embeddings.on_query_thread(lambda: "child").result(timeout=10)
            os._exit(0 if answer == "child" else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked child's query thread never ran"


@pytest.mark.django_db(transaction=True)
def test_a_scan_searches_before_it_takes_the_write_lock(admin_user):
    """On SQLite a transaction holds the one write lock: a search inside it (seconds when the
    model loads) would make every other writer wait and fail."""
    scouting_corpus.build(admin_user)
    scan = services.scan_create(
        actor=admin_user, data={"text": "battery recycling", "mode": "lexical", "top": 5}
    )
    seen: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.scan_run(actor=admin_user, scan=scan)

    searching = [inside for sql, inside in seen if '"directory_externalid"' in sql]
    writing = [inside for sql, inside in seen if 'INSERT INTO "scouting_scancandidate"' in sql]
    assert searching and writing, "the scan neither searched nor wrote its candidates"
    assert not any(searching), "the search ran inside the transaction"
    assert all(writing), "the candidates were not written in one transaction"
    assert scan.candidates.count() > 0


@needs_model
def test_a_search_whose_encoder_does_not_answer_falls_back_to_words(admin_user, monkeypatch):
    scouting_corpus.build(admin_user)
    vectors.forget()
    indexing.refresh()
    monkeypatch.setattr(matching, "MEANING_TIMEOUT_SECONDS", 0.5)
    release = threading.Event()
    stuck = embeddings.on_query_thread(lambda: release.wait(30))
    try:
        result = scout("battery recycling", user=admin_user, mode="hybrid", top=5)
    finally:
        release.set()
        stuck.result(timeout=30)
    assert result.mode == "lexical"
    assert matching.MEANING_TIMED_OUT in result.notices
    assert result.items, "words alone still find organizations"
