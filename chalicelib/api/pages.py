"""Paginated lists: ``?limit=`` and an opaque, signed ``cursor``.

A list answers one page and, when there are more, a ``next_cursor`` to send back as ``?cursor=`` for the
next one. The cursor is DynamoDB's ``LastEvaluatedKey`` of the page, in base64url JSON, signed (HMAC-SHA256)
together with the list it belongs to — the caller, the list and its filters — so that it cannot be forged
(to start elsewhere in a table) nor replayed on another list or by another user: a cursor that does not
verify is a 400 in French, never a 500.

The signing key is ``CLAIMS_CURSOR_KEY`` when set; otherwise one derived from the Stripe webhook secret
(a secret every function already has, Secrets Manager on AWS), so no new secret has to be provisioned.
Changing either only makes the cursors of lists open at that moment invalid: the list starts again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.claim import ClaimStatus
from chalicelib.domain.errors import InvalidInput
from chalicelib.settings import get_settings

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 2048
_CURSOR_VERSION = "1"

INVALID_CURSOR_FR = "Ce lien de page n'est plus valable : rechargez la liste depuis le début."


def _key() -> bytes:
    explicit = os.environ.get("CLAIMS_CURSOR_KEY", "").strip()
    if explicit:
        return explicit.encode()
    secret = get_settings().stripe_webhook_secret.encode()
    return hmac.new(secret, b"claims/list-cursor/v1", hashlib.sha256).digest()


def _signature(scope: str, payload: bytes) -> str:
    mac = hmac.new(_key(), scope.encode() + b"\n" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def encode_cursor(after: Mapping[str, Any] | None, *, scope: str) -> str | None:
    """The cursor of the next page (None: this was the last page)."""
    if not after:
        return None
    payload = json.dumps(after, sort_keys=True, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{_CURSOR_VERSION}.{body}.{_signature(scope, payload)}"


def decode_cursor(cursor: str | None, *, scope: str) -> dict[str, Any] | None:
    """The ``LastEvaluatedKey`` a cursor carries, if it was made by us for this very list."""
    if not cursor:
        return None
    invalid = InvalidInput(INVALID_CURSOR_FR, code="invalid_cursor", field="cursor")
    parts = cursor.split(".")
    if len(cursor) > MAX_CURSOR_CHARS or len(parts) != 3 or parts[0] != _CURSOR_VERSION:
        raise invalid
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    except (binascii.Error, ValueError):
        raise invalid from None
    if not hmac.compare_digest(_signature(scope, payload), parts[2]):
        raise invalid
    after = json.loads(payload)
    if not isinstance(after, dict):
        raise invalid
    return after


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: dict[str, Any] | None
    scope: str

    def next_cursor(self, last_key: Mapping[str, Any] | None) -> str | None:
        return encode_cursor(last_key, scope=self.scope)


def page_request(
    params: Mapping[str, str] | None, *, scope: str, default_limit: int = DEFAULT_LIMIT
) -> PageRequest:
    """``limit`` (1 to ``max(MAX_LIMIT, default_limit)``, default ``default_limit``) and ``cursor``."""
    params = params or {}
    raw = (params.get("limit") or "").strip()
    most = max(MAX_LIMIT, default_limit)
    if not raw:
        limit = default_limit
    elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= most:
        limit = int(raw)
    else:
        message = f"Le paramètre limit doit être un nombre entre 1 et {most}."
        raise InvalidInput(message, code="invalid_limit", field="limit")
    return PageRequest(limit=limit, after=decode_cursor(params.get("cursor"), scope=scope), scope=scope)


MAX_TEXT_FILTER_CHARS = 100


def list_filters(params: Mapping[str, str] | None) -> tuple[list[ClaimStatus], str]:
    """``status`` (one or several, comma-separated) and ``q`` (text searched in the debtor's name and the
    reference) of a claims list."""
    params = params or {}
    statuses: list[ClaimStatus] = []
    for value in (params.get("status") or "").split(","):
        if not value.strip():
            continue
        try:
            statuses.append(ClaimStatus(value.strip()))
        except ValueError:
            raise InvalidInput(
                f"Statut inconnu : « {value.strip()[:40]} ».", code="invalid_status", field="status"
            ) from None
    text = " ".join((params.get("q") or "").split())
    if len(text) > MAX_TEXT_FILTER_CHARS:
        message = f"La recherche ne doit pas dépasser {MAX_TEXT_FILTER_CHARS} caractères."
        raise InvalidInput(message, code="invalid_query", field="q")
    return sorted(set(statuses), key=lambda status: status.value), text
