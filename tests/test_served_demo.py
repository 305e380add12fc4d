"""A new install as the README starts it: `accord demo` in a process of its own, then the
web as a newcomer uses it (sign in, a hybrid search, save and run a scan), and a clean stop.

It runs the installed `accord` command beside this interpreter, exactly what
`./scripts/demo.sh` runs after installing, on a fresh SQLite data folder.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from accord.scouting import embeddings

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the demo serves its own SQLite database; the SQLite pass runs this test",
)

# Generous: a request that hangs is what this test catches, not a slow one.
REQUEST_TIMEOUT = 60
START_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them, over plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str | list[str]]) -> tuple[int, str, str]:
        form = {**data, "csrfmiddlewaretoken": self._csrf()}
        body = urllib.parse.urlencode(form, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, url, _ = self.post("/accounts/login/", {"username": username, "password": password})
        assert status == 200 and "/accounts/login/" not in url, f"sign-in refused ({status})"

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()


@pytest.fixture
def served_demo(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "demo.log").open("w")
    accord = Path(sys.executable).with_name("accord")
    server = subprocess.Popen(
        [str(accord), "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, server, tmp_path / "demo.log")
        yield Browser(base), server
    finally:
        _stop(server)
        log.close()


def _stop(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"accord demo exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"accord demo did not serve within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def _organization_names(page: str) -> list[str]:
    return re.findall(
        r'<a class="fw-semibold" href="/directory/organizations/\d+/">([^<]+)</a>', page
    )


def test_the_readme_demo_answers_a_hybrid_search_and_a_scan_and_stops_cleanly(served_demo):
    browser, server = served_demo
    browser.sign_in("alliance", "accord-demo")

    status, _, page = browser.get("/scouting/search/?text=battery+recycling&mode=hybrid&top=10")
    assert status == 200
    assert _organization_names(page), "the hybrid search found nothing"
    if embeddings.available():
        assert "hybrid matching" in page, "meaning was not used, though the model is installed"

    status, url, page = browser.post(
        "/scouting/scans/new/",
        {"text": "lightweight materials for electric vehicles", "mode": "hybrid", "top": "10"},
    )
    assert status == 200 and re.search(r"/scouting/scans/\d+/$", url), f"scan not run: {url}"
    assert _organization_names(page), "the scan found no candidate"

    # Nobody was locked out meanwhile: another person signs in and reads a page.
    other = Browser(browser.base)
    other.sign_in("viewer", "accord-demo")
    assert other.get("/directory/organizations/")[0] == 200

    status, _, page = browser.get("/healthz")
    assert status == 200, f"health check failing: {page}"

    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=30) is not None
    leftovers = subprocess.run(
        ["pgrep", "-s", str(server.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == [], f"processes left running after the server stopped: {leftovers}"
