"""deploy/nginx.conf in front of two servers of which one dies in the middle of each request:
a read is sent again to the other server, a POST is not (the first may have written it) and
answers 502. Needs Debian's nginx; skipped without it."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.cluster import nginx_bin, nginx_config, start_nginx

pytestmark = pytest.mark.skipif(nginx_bin() is None, reason="nginx is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Upstream:
    """A server that reads each request whole and then answers it, or dies without a word;
    it counts the GETs and keeps the bodies of the POSTs it read."""

    def __init__(self, *, dies: bool) -> None:
        self.posts: list[bytes] = []
        self.gets = 0
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                upstream.gets += 1
                self.finish_or_die(b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                upstream.posts.append(body)
                self.finish_or_die(body)

            def finish_or_die(self, body: bytes) -> None:
                if dies:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def proxy(tmp_path: Path):
    dying, live = Upstream(dies=True), Upstream(dies=False)
    port = free_port()
    (tmp_path / "static").mkdir()
    servers = [dying.address, live.address]  # round robin starts with the dying one
    config = nginx_config(tmp_path, f"127.0.0.1:{port}", servers, tmp_path / "static")
    nginx = start_nginx(config, tmp_path / "stdout.log")
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.05)
    yield port, dying, live
    nginx.terminate()
    nginx.wait(timeout=10)
    for upstream in (dying, live):
        upstream.server.shutdown()


def ask(port: int, method: str, body: bytes | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, "/partnerships/1/notes/", body=body)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_read_whose_server_died_is_answered_by_the_other(proxy):
    port, dying, live = proxy
    assert [ask(port, "GET") for _ in range(4)] == [200] * 4
    assert dying.gets >= 1 and live.gets == 4  # the one it dropped was sent again


def test_a_post_whose_server_died_answers_502_and_is_not_sent_again(proxy):
    port, dying, live = proxy
    statuses = {f"note {n}".encode(): ask(port, "POST", f"note {n}".encode()) for n in range(4)}
    assert sorted(dying.posts + live.posts) == sorted(statuses)  # each read by one server once
    assert {body: 502 for body in dying.posts} == {
        body: status for body, status in statuses.items() if body in dying.posts
    }
    assert dying.posts and all(statuses[body] == 200 for body in live.posts)
