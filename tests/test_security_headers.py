"""Every answer carries the content security policy (scripts from our own files only) and the
other headers a production deployment expects; each request is logged as one JSON line."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_pages_and_the_api_carry_the_security_headers(personas):
    client = client_for(personas["viewer"])
    for path in ("/", "/directory/organizations/", "/api/v1/docs", "/healthz"):
        answer = client.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split(
            "style-src")[0], path  # fmt: skip
        assert "frame-ancestors 'none'" in policy, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert "camera=()" in answer.headers["Permissions-Policy"], path


def test_no_page_holds_an_inline_script(personas, partnership):
    """Charts come as JSON blocks that accord.js draws; nothing else is inline."""
    import re

    client = client_for(personas["admin"])
    body = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    body += client.get("/").content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
    assert scripts == []
    assert "onclick=" not in body and "onchange=" not in body


def test_each_request_is_one_json_line(personas, caplog):
    with caplog.at_level(logging.INFO, logger="accord.requests"):
        client_for(personas["manager"]).get("/directory/organizations/?q=x")
    [line] = [r.getMessage() for r in caplog.records if r.name == "accord.requests"]
    logged = json.loads(line)
    assert logged["path"] == "/directory/organizations/" and logged["status"] == 200
    assert logged["user"] == "manager" and logged["method"] == "GET" and logged["ms"] >= 0
