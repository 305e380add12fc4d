"""`accord survey open` and `accord survey results`: a health check opened from the command
line goes out by e-mail through the survey service, and its results read as the user given."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.core.models import AuditEvent
from accord.metrics import surveys
from accord.metrics.models import HealthQuestion, SurveyRound
from accord.partnerships import services as partnerships

pytestmark = pytest.mark.django_db
runner = CliRunner()
SITE = "https://accord.example.com"


def accord(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def alliance(personas, org_a):
    return partnerships.partnership_create(
        actor=personas["manager"], data={"title": "Vision alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip


def _open(alliance, *extra: str):
    return accord("survey", "open", "--partnership", str(alliance.pk), "--site", SITE, "--ours",
                  "ana@ours.example", "--theirs", "kim@volta.example", *extra)  # fmt: skip


def _answer_all(inbox, scores: dict[str, int], comments: dict[str, str]) -> None:
    for message in inbox.messages:
        body = message.get_payload(decode=True).decode()
        raw = re.search(r"token=(\S+)", body)[1]
        address = message["X-Rcpt"]
        answers = {q.value: {"score": scores[address], "comment": comments.get(address, "")}
                   for q in HealthQuestion}  # fmt: skip
        surveys.answers_submit(raw=raw, answers=answers)


def test_open_sends_each_person_a_link_to_the_site(alliance, inbox):
    result = _open(alliance, "--as", "manager", "--share-results", "--closes", "10", "--json")
    assert result.exit_code == 0, result.output
    opened = json.loads(result.stdout)
    survey = SurveyRound.objects.get()
    assert (opened["id"], opened["asked"], opened["results_shared"]) == (survey.pk, 2, True)
    assert survey.created_by.username == "manager" and survey.results_shared
    assert sorted(m["X-Rcpt"] for m in inbox.messages) == ["ana@ours.example",
                                                          "kim@volta.example"]  # fmt: skip
    body = inbox.messages[0].get_payload(decode=True).decode()
    assert f"{SITE}/metrics/survey/?token=" in body
    assert "health check" in survey.title


def test_results_are_not_shared_unless_asked(alliance, inbox):
    assert _open(alliance).exit_code == 0
    assert not SurveyRound.objects.get().results_shared


def test_open_asks_the_team_and_the_partner_users_by_default(alliance, personas, inbox):
    for name, address in (("manager", "mia@ours.example"), ("partner_a", "kim@volta.example"),
                          ("partner_b", "bo@beta.example")):  # fmt: skip
        user = personas[name]
        user.email = address
        user.save(update_fields=["email"])
    result = accord("survey", "open", "--partnership", str(alliance.pk), "--site", SITE)
    assert result.exit_code == 0, result.output
    # Organization B is no party to the partnership: its user is not asked.
    assert sorted(m["X-Rcpt"] for m in inbox.messages) == ["kim@volta.example",
                                                          "mia@ours.example"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as", "viewer"), "Only the partnership's owner, its team or an administrator may"),
        (("--closes", "0"), "--closes: give the days the links work, 1 to 60 (not 0)"),
        (("--closes", "90"), "--closes: A round stays open 60 days at most."),
        (("--theirs", "not-an-address"), "--theirs: “not-an-address” is not an e-mail address."),
        (("--as", "nobody"), "no active user 'nobody'"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_sent(alliance, inbox, args, message):
    events = AuditEvent.objects.count()
    result = _open(alliance, *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not SurveyRound.objects.exists() and inbox.messages == []
    assert AuditEvent.objects.count() == events


def test_an_unknown_or_hidden_partnership_is_refused(alliance, personas, org_b, inbox):
    result = accord("survey", "open", "--partnership", "999999", "--site", SITE)
    assert result.exit_code == 2 and "no partnership 999999" in result.output
    # A partner user of another organization is not told the partnership exists.
    result = accord("survey", "results", "--partnership", str(alliance.pk), "--as", "partner_b")
    assert result.exit_code == 2 and "Vision alliance" not in result.output


def test_open_needs_the_address_of_the_site(alliance, inbox, monkeypatch, settings):
    monkeypatch.delenv("ACCORD_SITE_URL", raising=False)
    settings.CSRF_TRUSTED_ORIGINS = []
    result = accord("survey", "open", "--partnership", str(alliance.pk), "--ours", "a@b.example",
                    "--theirs", "c@d.example")  # fmt: skip
    assert result.exit_code == 2 and "--site" in result.output
    assert not SurveyRound.objects.exists()


def test_results_give_each_side_per_question_and_the_gap(alliance, inbox, monkeypatch):
    assert _open(alliance, "--share-results").exit_code == 0
    _answer_all(inbox, {"ana@ours.example": 5, "kim@volta.example": 2},
                {"ana@ours.example": "Ours only", "kim@volta.example": "Slow answers"})  # fmt: skip
    result = accord("survey", "results", "--partnership", str(alliance.pk), "--json")
    assert result.exit_code == 0, result.output
    [survey] = json.loads(result.stdout)
    assert (survey["ours"], survey["theirs"], survey["gap"]) == ("5.00", "2.00", "3.00")
    assert survey["answered"] == {"ours": 1, "partner": 1}
    trust = survey["questions"][0]
    assert (trust["question"], trust["ours"], trust["theirs"], trust["gap"]) == (
        "trust", "5.00", "2.00", "3.00"
    )  # fmt: skip
    assert {c["side"] for c in trust["comments"]} == {"ours", "partner"}
    monkeypatch.setenv("COLUMNS", "200")
    table = accord("survey", "results", "--partnership", str(alliance.pk))
    assert table.exit_code == 0, table.output
    overall = next(line for line in table.stdout.splitlines() if "overall" in line)
    assert "5.00" in overall and "2.00" in overall and "3.00" in overall


def test_a_partner_user_reads_only_shared_results_and_its_side_s_comments(
    alliance, inbox, personas
):
    assert _open(alliance, "--share-results", "--title", "Shared check").exit_code == 0
    _answer_all(inbox, {"ana@ours.example": 4, "kim@volta.example": 3},
                {"ana@ours.example": "Ours only", "kim@volta.example": "Slow answers"})  # fmt: skip
    inbox.messages.clear()
    assert _open(alliance, "--title", "Internal check").exit_code == 0
    result = accord("survey", "results", "--partnership", str(alliance.pk), "--as", "partner_a",
                    "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    [survey] = json.loads(result.stdout)
    assert survey["title"] == "Shared check" and survey["gap"] == "1.00"
    assert all(c["side"] == "partner" for q in survey["questions"] for c in q["comments"])
    assert "Ours only" not in result.stdout and "@" not in result.stdout
