"""Webhooks against a real HTTP server on this machine: events POSTed as signed JSON once their
write commits, retried with growing pauses when the receiver fails or does not answer, an
address that keeps failing turned off with the administrators told, confidential partnerships
left out unless asked for; bad registrations refused by name."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.core.models import AuditEvent
from accord.notifications import services
from accord.notifications.models import Kind, Notification, WebhookDelivery, WebhookEndpoint
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for
from tests.test_worker import _run_queued

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver(http.server.BaseHTTPRequestHandler):
    answers: list[int] = []  # status codes to give, in turn; 200 once they run out
    delay = 0.0
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        time.sleep(type(self).delay)
        code = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.answers, Receiver.delay, Receiver.received = [], 0.0, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/accord"
    server.shutdown()
    server.server_close()


def _deliver_due() -> None:
    """Run the deliveries queued, their retries made due at once."""
    DBTaskResult.objects.filter(status="READY", task_path__endswith="deliver").update(
        run_after=timezone.now()
    )
    _run_queued()


def _moved(personas, partnership, to_stage="screening"):
    return partnerships.partnership_move(actor=personas["admin"], partnership=partnership,
                                         to_stage=to_stage, reason="Shortlisted")  # fmt: skip


def test_an_event_is_posted_signed_once_its_write_commits(receiver, personas, partnership):
    admin = personas["admin"]
    endpoint = services.endpoint_save(actor=admin, data={
        "url": receiver, "events": ["partnership.moved", "import.finished"]})  # fmt: skip
    assert len(endpoint.secret) == 64
    assert AuditEvent.objects.filter(model="notifications.webhookendpoint").exists()
    _moved(personas, partnership)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event == "partnership.moved" and delivery.status == "pending"
    _deliver_due()
    [(headers, body)] = Receiver.received
    signed = hmac.new(endpoint.secret.encode(), headers["X-Accord-Timestamp"].encode() + b"."
                      + body, hashlib.sha256).hexdigest()  # fmt: skip
    assert headers["X-Accord-Signature"] == f"sha256={signed}"
    assert headers["X-Accord-Event"] == "partnership.moved"
    sent = json.loads(body)
    assert sent["data"]["title"] == "Vision alliance" and sent["data"]["to_stage"] == "screening"
    assert sent["id"] == delivery.pk
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    page = client_for(admin).get(f"/notifications/webhooks/{endpoint.pk}/").content.decode()
    assert "partnership.moved" in page and "delivered" in page and endpoint.secret in page


def test_failures_are_retried_then_the_address_is_turned_off(receiver, personas, partnership,
                                                             settings):  # fmt: skip
    settings.ACCORD_WEBHOOK_DISABLE_AFTER = 3
    settings.ACCORD_WEBHOOK_TIMEOUT_SECONDS = 1
    admin = personas["admin"]
    endpoint = services.endpoint_save(
        actor=admin, data={"url": receiver, "events": ["partnership.moved"]}
    )
    Receiver.answers = [500]
    _moved(personas, partnership)
    _deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert "answered 500" in delivery.error
    waiting = DBTaskResult.objects.get(status="READY", task_path__endswith="deliver")
    # Timed from the attempt, not from now: a loaded machine takes seconds to get here.
    assert delivery.last_attempt_at is not None and delivery.last_attempt_at <= timezone.now()
    assert (waiting.run_after - delivery.last_attempt_at).total_seconds() == 30, "after 30 s"
    _deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2), "the retry went through"
    Receiver.delay = 1.5  # longer than the timeout: no answer
    _moved(personas, partnership, "candidate")
    for _ in range(3):
        _deliver_due()
    endpoint.refresh_from_db()
    late = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert "no answer" in late.error and late.status == "given_up"
    assert not endpoint.is_active and "3 failed attempts in a row" in endpoint.disabled_reason
    [told] = Notification.objects.filter(kind=Kind.WEBHOOK_DISABLED)
    assert told.user == admin and receiver in told.title
    services.endpoint_save(actor=admin, endpoint=endpoint, data={"is_active": True})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_confidential_partnerships_are_left_out_unless_asked(receiver, personas):
    admin = personas["admin"]
    plain = services.endpoint_save(
        actor=admin, data={"url": receiver, "events": ["partnership.moved"]}
    )
    everything = services.endpoint_save(actor=admin, data={
        "url": receiver + "/all", "events": ["partnership.moved"],
        "include_confidential": True})  # fmt: skip
    secret = partnerships.partnership_create(actor=admin, data={
        "title": "Project Falcon", "type": "rd_alliance", "is_confidential": True})  # fmt: skip
    _moved(personas, secret)
    assert not WebhookDelivery.objects.filter(endpoint=plain).exists()
    assert WebhookDelivery.objects.filter(endpoint=everything).count() == 1


def test_bad_registrations_are_refused_by_name(personas):
    admin, manager = personas["admin"], personas["manager"]
    client = client_for(admin)
    page = client.post(
        "/notifications/webhooks/", {"url": "ftp://example.com/x", "events": ["partnership.moved"]}
    )
    assert page.status_code == 422 and not WebhookEndpoint.objects.exists()
    api = client.post("/api/v1/webhook-endpoints", {"url": "https://example.com/hook",
                                                    "events": ["partnership.exploded"]},
                      content_type="application/json", **bearer(admin))  # fmt: skip
    assert api.status_code == 422 and "partnership.exploded" in api.content.decode()
    made = client.post("/api/v1/webhook-endpoints", {"url": "https://example.com/hook",
                                                     "events": ["alert.raised"]},
                       content_type="application/json", **bearer(admin))  # fmt: skip
    assert made.status_code == 201 and len(made.json()["secret"]) == 64
    assert client_for(manager).get("/notifications/webhooks/").status_code == 403
    assert client_for(manager).get("/api/v1/webhook-endpoints", **bearer(manager)
                                   ).status_code == 403  # fmt: skip


def test_an_address_is_stored_as_a_uri_and_turning_it_off_gives_up_its_queue(personas, partnership):
    admin = personas["admin"]
    endpoint = services.endpoint_save(actor=admin, data={
        "url": "https://hooks.example.com/café", "events": ["partnership.moved"]})  # fmt: skip
    assert endpoint.url == "https://hooks.example.com/caf%C3%A9"
    _moved(personas, partnership)
    services.endpoint_save(actor=admin, endpoint=endpoint, data={"is_active": False})
    assert WebhookDelivery.objects.get().status == "given_up"


def test_a_delivery_and_its_task_are_written_with_the_change_or_not_at_all(personas, partnership):
    from django.db import transaction

    hook = {"url": "https://hooks.example.com/a", "events": ["partnership.moved"]}
    services.endpoint_save(actor=personas["admin"], data=hook)
    tasks = DBTaskResult.objects.filter(task_path__endswith="deliver")

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        _moved(personas, partnership)
        # Before any commit callback: a process killed now would lose neither.
        assert WebhookDelivery.objects.count() == 1 and tasks.count() == 1
        raise Undone
    assert not WebhookDelivery.objects.exists() and not tasks.exists()
    partnership.refresh_from_db()
    assert partnership.stage == "candidate", "the move was rolled back with them"


def test_a_failing_webhook_listener_never_undoes_the_change(personas, partnership, monkeypatch):
    from accord.notifications import webhooks

    hook = {"url": "https://hooks.example.com/a", "events": ["partnership.moved"]}
    services.endpoint_save(actor=personas["admin"], data=hook)

    def broken(*args, **kwargs):
        raise RuntimeError("the queue is full")

    from types import SimpleNamespace

    monkeypatch.setattr(webhooks, "deliver", SimpleNamespace(enqueue=broken))
    _moved(personas, partnership)
    partnership.refresh_from_db()
    assert partnership.stage == "screening"
    assert not WebhookDelivery.objects.exists(), "the half-written delivery went with its savepoint"
