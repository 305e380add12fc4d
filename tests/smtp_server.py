"""A real SMTP server on this machine for the tests: Django's SMTP backend sends to it and
the test reads what arrived, links included."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def link(self, number: int = -1, path: str = "/workspace/join/?token=") -> str:
        """The address (without the site) of the first link to `path` in a message."""
        body = self.messages[number].get_payload(decode=True).decode()
        found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
        assert found, f"no link to {path} in {body!r}"
        return found.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A local SMTP server that keeps what it receives; Django's SMTP backend sends to it."""
    handler = Inbox()
    port = free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    smtp = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
    )
    with smtp:
        yield handler
    server.stop()
