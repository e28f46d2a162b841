"""The debtor's link to their page (issue 22): no account, an unguessable token bound to one claim, valid
until the claim ends, revocable by the creditor. Pure: the token is an HMAC of the claim and the link's
generation (so the platform can print it again without storing it); only its SHA-256 is stored, to find the
link. A revoked link is replaced by the next generation's."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

TOKEN_CHARS = 26  # 156 bits of the HMAC, base64url
PAGE_PATH = "/#/d/"


def token_for(key: bytes, claim_id: str, generation: int) -> str:
    mac = hmac.new(key, f"debtor-link|{claim_id}|{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")[:TOKEN_CHARS]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """A token as :func:`token_for` makes them (checked before any lookup)."""
    return len(token) == TOKEN_CHARS and token.isascii() and all(c.isalnum() or c in "-_" for c in token)


@dataclass(frozen=True)
class DebtorLink:
    claim_id: str
    generation: int
    token: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    first_seen_at: dt.datetime | None = None
    last_seen_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def url(self, public_url: str) -> str:
        return f"{public_url.rstrip('/')}{PAGE_PATH}{self.token}"
