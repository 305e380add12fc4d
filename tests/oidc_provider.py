"""A stand-in OpenID Connect provider on this machine for the tests: it answers the
authorization-code flow with PKCE over real HTTP, signs ID tokens with its own RSA key (RS256,
published at its JWKS endpoint), and vouches for whoever the test says is signing in.

Only what the flow needs; the test can make it misbehave (`token_status`, `audience`, `down`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from tests.smtp_server import free_port

CLIENT_ID, CLIENT_SECRET = "accord-tests", "stand-in-secret"


class Provider:
    def __init__(self, port: int) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.person: dict[str, Any] = {}  # the claims of whoever signs in next
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.token_status = 200
        self.audience = CLIENT_ID

    def authorize(self, query: dict[str, str]) -> str:
        """Where the provider sends the browser back, as if the person had signed in."""
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"query": query, "claims": dict(self.person)}
        answer = {"code": code, "state": query["state"]}
        return f"{query['redirect_uri']}?{urlencode(answer)}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        query = grant["query"]
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            challenge != query.get("code_challenge")
            or form["redirect_uri"] != query["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant"}
        if self.token_status != 200:
            return self.token_status, {"error": "server_error"}
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": self.issuer, "aud": self.audience, "sub": grant["claims"]["sub"],
             "iat": now, "exp": now + 300, "nonce": query.get("nonce")},
            self.key, algorithm="RS256", headers={"kid": "stand-in"},
        )  # fmt: skip
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["claims"]
        return 200, {"access_token": access, "token_type": "Bearer", "id_token": id_token}

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "stand-in", "alg": "RS256", "use": "sig"}]}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any] | None = None, **headers: str):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            data = json.dumps(body).encode() if body is not None else b""
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                self._answer(302, Location=provider.authorize(query))
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            elif url.path == "/userinfo":
                access = self.headers.get("Authorization", "").removeprefix("Bearer ")
                claims = provider.tokens.get(access)
                self._answer(200, claims) if claims else self._answer(401, {"error": "token"})
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path == "/token":
                self._answer(*provider.token(form))
            else:
                self._answer(404, {})

    return Handler


@pytest.fixture
def oidc_provider() -> Iterator[Provider]:
    """The stand-in provider, running, with Accord's single sign-on pointed at it."""
    port = free_port()
    provider = Provider(port)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = provider.issuer
    pointed = override_settings(
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_ISSUER=site,
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{site}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{site}/token",
        OIDC_OP_USER_ENDPOINT=f"{site}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{site}/jwks",
        OIDC_ROLE_GROUPS="admin: accord-admins; manager: alliance-office, corp-dev; viewer: staff",
    )
    with pointed:
        yield provider
    server.shutdown()
    server.server_close()
