"""A fake OAuth 2 / OIDC provider (Google- and GitHub-shaped) on a real loopback HTTP server.

/authorize answers 302 to the redirect URI with a fresh code bound to the PKCE challenge, the redirect URI
and the profile the test set as `signed_in`; /token checks the client credentials, the redirect URI, the
PKCE verifier (S256) and that the code is used once only; /userinfo (OIDC), /github/user and
/github/emails answer for the access token issued.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.fake_http import FakeServer, Received, Reply, fake_http_server

CLIENT_ID, CLIENT_SECRET = "fake-client-id", "fake-client-secret"


def _json(status: int, body: Any) -> Reply:
    return Reply(status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


@dataclass
class FakeProvider:
    signed_in: dict[str, Any] = field(default_factory=dict)  # the provider account of the browser
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    server: FakeServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def settings(self) -> dict[str, dict[str, str]]:
        common = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token_url": f"{self.url}/token"}
        return {
            "google": {
                **common,
                "authorize_url": f"{self.url}/authorize",
                "userinfo_url": f"{self.url}/userinfo",
                "scope": "openid email profile",
            },
            "github": {
                **common,
                "authorize_url": f"{self.url}/authorize",
                "userinfo_url": f"{self.url}/github/user",
                "emails_url": f"{self.url}/github/emails",
                "scope": "read:user user:email",
            },
        }

    def answer(self, request: Received) -> Reply:
        parts = urlsplit(request.path)
        if parts.path == "/authorize":
            return self._authorize({k: v[0] for k, v in parse_qs(parts.query).items()})
        if parts.path == "/token":
            return self._token(request)
        profile = self.tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if profile is None:
            return _json(401, {"error": "invalid_token"})
        if parts.path == "/userinfo":
            return _json(200, profile)
        if parts.path == "/github/user":
            return _json(
                200,
                {
                    "id": int(profile["sub"]),
                    "login": "octo",
                    "name": profile.get("name"),
                    "avatar_url": profile.get("picture"),
                },
            )
        if parts.path == "/github/emails":
            return _json(
                200,
                [
                    {
                        "email": profile.get("email"),
                        "primary": True,
                        "verified": profile.get("email_verified", False),
                    }
                ],
            )
        return _json(404, {"error": "not_found"})

    def _authorize(self, query: dict[str, str]) -> Reply:
        if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256":
            return _json(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
            "profile": dict(self.signed_in),
            "used": False,
        }
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return Reply(status=302, headers={"Location": location})

    def _token(self, request: Received) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        self.token_requests.append(form)
        basic = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if basic != expected and (form.get("client_id"), form.get("client_secret")) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return _json(401, {"error": "invalid_client"})
        grant = self.codes.get(form.get("code", ""))
        if grant is None or grant["used"] or grant["redirect_uri"] != form.get("redirect_uri"):
            return _json(400, {"error": "invalid_grant"})
        grant["used"] = True  # single use, even when the verifier turns out wrong
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return _json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["profile"]
        return _json(200, {"access_token": access, "token_type": "Bearer", "expires_in": 3600})


@contextmanager
def fake_oauth_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider()
    with fake_http_server(provider.answer) as server:
        provider.server = server
        yield provider
