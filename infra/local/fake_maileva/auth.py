"""Maileva's authentication server (Keycloak, OAuth2 ``password`` and ``refresh_token`` grants) and the
check of the ``Authorization: Bearer`` header every API call carries.

Tokens are random strings (Maileva's are JWTs, but a client must treat them as opaque); they expire after
``expires_in`` seconds of the twin's clock, and are kept with the rest of its state, so that a restart of
the local platform does not sign the platform's adapter out."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from infra.local.fake_maileva.errors import unauthorized
from infra.local.fake_maileva.settings import REFRESH_LIFETIME_SECONDS, TOKEN_LIFETIME_SECONDS

# (status, OAuth2 JSON body): what the token endpoint answers.
TokenAnswer = tuple[int, dict[str, Any]]
INVALID_GRANT = {"error": "invalid_grant", "error_description": "Invalid user credentials"}


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    username: str
    password: str


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class TokenIssuer:
    """The tokens issued so far (token → expiry, as ISO text so they persist as they are)."""

    def __init__(self, credentials: Credentials, clock: Callable[[], datetime]) -> None:
        self.credentials = credentials
        self.clock = clock
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}

    def token(self, body: bytes, headers: Mapping[str, str]) -> TokenAnswer:
        """``POST …/openid-connect/token`` (form-encoded; client credentials in the form or in HTTP
        Basic)."""
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, client_secret = _basic(headers.get("authorization", ""))
        client_id = form.get("client_id") or client_id
        client_secret = form.get("client_secret") or client_secret
        grant = form.get("grant_type")
        if grant not in ("password", "refresh_token"):
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "Unsupported grant_type (the twin accepts password and refresh_token)",
            }
        if not client_id or not client_secret:
            return 400, {
                "error": "invalid_request",
                "error_description": "Missing client_id or client_secret",
            }
        if not (
            _same(client_id, self.credentials.client_id)
            and _same(client_secret, self.credentials.client_secret)
        ):
            return 401, dict(INVALID_GRANT)
        if grant == "refresh_token":
            return self._refresh(form.get("refresh_token") or "")
        user = (form.get("username"), form.get("password"))
        if not (_same(user[0], self.credentials.username) and _same(user[1], self.credentials.password)):
            return 401, dict(INVALID_GRANT)
        return 200, self._issue()

    def check(self, headers: Mapping[str, str]) -> None:
        """401 unless the request carries a token this server issued that has not expired."""
        scheme, _, token = headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("En-tête Authorization: Bearer <jeton> absent")
        expiry = self.access.get(token.strip())
        if expiry is None or datetime.fromisoformat(expiry) <= self.clock():
            raise unauthorized("Jeton d'accès invalide ou expiré")

    def _refresh(self, token: str) -> TokenAnswer:
        expiry = self.refresh.pop(token, None)
        if expiry is None or datetime.fromisoformat(expiry) <= self.clock():
            return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
        return 200, self._issue()

    def _issue(self) -> dict[str, Any]:
        now = self.clock()
        self._forget_expired(now)
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        self.access[access] = (now + timedelta(seconds=TOKEN_LIFETIME_SECONDS)).isoformat()
        self.refresh[refresh] = (now + timedelta(seconds=REFRESH_LIFETIME_SECONDS)).isoformat()
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "refresh_token": refresh,
            "refresh_expires_in": REFRESH_LIFETIME_SECONDS,
            "not-before-policy": 0,
            "scope": "",
        }

    def _forget_expired(self, now: datetime) -> None:
        for table in (self.access, self.refresh):
            for token in [t for t, expiry in table.items() if datetime.fromisoformat(expiry) <= now]:
                del table[token]


def _basic(authorization: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, separator, password = decoded.partition(":")
    return (user, password) if separator else (None, None)
