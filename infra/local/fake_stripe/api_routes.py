"""``/_local/stripe/v1/…``: the REST API subset the platform's SDK calls, with Stripe's authentication
(Bearer or Basic secret key), its ``Idempotency-Key`` replays and its error answers."""

from __future__ import annotations

import base64
import hmac
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from infra.local.fake_stripe.errors import FakeStripeError
from infra.local.fake_stripe.form_encoding import nest_params
from infra.local.fake_stripe.params import expand_list
from infra.local.fake_stripe.records import new_id
from infra.local.fake_stripe.responses import Response, json_response

if TYPE_CHECKING:
    from infra.local.fake_stripe.simulation import FakeStripe


class RestApi:
    """Answers the API requests of one simulation. Requests are served one at a time (Stripe's
    idempotency: a replayed key must see the first request's answer, never race it)."""

    def __init__(self, fake: FakeStripe) -> None:
        self._fake = fake
        self._lock = threading.Lock()
        self._idempotency: dict[str, tuple[tuple[str, str, bytes], Response]] = {}

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Response:
        """``path`` starts with ``/v1``; ``headers`` have lower-case names."""
        extra = {
            "Request-Id": new_id("req_", 14),
            "Stripe-Version": headers.get("stripe-version") or self._fake.api_version,
        }
        try:
            self._authenticate(headers)
        except FakeStripeError as error:
            return json_response(error.status, error.as_json(), extra)
        key = headers.get("idempotency-key") if method == "POST" else None
        fingerprint = (method, path, body)
        with self._lock:
            if key and (cached := self._idempotency.get(key)) is not None:
                return _replay(key, fingerprint, cached, extra)
            try:
                status, result = self._route(method, path, query, body)
            except FakeStripeError as error:
                status, result = error.status, error.as_json()
            response = json_response(status, result, extra)
            if key:
                self._idempotency[key] = (fingerprint, response)
            return response

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        authorization = headers.get("authorization", "").strip()
        scheme, _, credentials = authorization.partition(" ")
        key = ""
        if scheme.lower() == "bearer":
            key = credentials.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(credentials.strip()).decode().split(":", 1)[0]
            except ValueError:
                key = ""
        if not key:
            raise FakeStripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization "
                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        if not hmac.compare_digest(key.encode(), self._fake.secret_key.encode()):
            shown = key[:8] + "*" * max(0, len(key) - 12) + key[-4:] if len(key) > 12 else "****"
            raise FakeStripeError(401, f"Invalid API Key provided: {shown}")

    def _route(self, method: str, path: str, query: str, body: bytes) -> tuple[int, dict[str, Any]]:
        fake = self._fake
        parts = path.strip("/").split("/")  # ["v1", …]
        form = nest_params(parse_qsl(body.decode("utf-8"), keep_blank_values=True)) if body else {}
        args = nest_params(parse_qsl(query, keep_blank_values=True)) if query else {}
        match method, parts[1:]:
            case "POST", ["checkout", "sessions"]:
                return 200, fake.create_checkout_session(form)
            case "GET", ["checkout", "sessions", session_id]:
                return 200, fake.retrieve_checkout_session(session_id, expand=expand_list(args))
            case "GET", ["checkout", "sessions", session_id, "line_items"]:
                return 200, fake.list_line_items(session_id)
            case "POST", ["checkout", "sessions", session_id, "expire"]:
                return 200, fake.expire_checkout_session(session_id)
            case "POST", ["refunds"]:
                return 200, fake.create_refund(form)
            case "GET", ["refunds", refund_id]:
                return 200, fake.retrieve_refund(refund_id)
            case "GET", ["events", event_id]:
                return 200, fake.event(event_id)
        raise FakeStripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). The local Stripe simulation only implements "
            "what the platform uses: checkout sessions, refunds and events.",
        )


def _replay(
    key: str,
    fingerprint: tuple[str, str, bytes],
    cached: tuple[tuple[str, str, bytes], Response],
    extra: dict[str, str],
) -> Response:
    """The first answer again for the same request; Stripe's ``idempotency_error`` for another one."""
    if cached[0] != fingerprint:
        mismatch = FakeStripeError(
            400,
            "Keys for idempotent requests can only be used with the same parameters they were first used "
            f"with. Try using a key other than '{key}' if you meant to execute a different request.",
            error_type="idempotency_error",
        )
        return json_response(mismatch.status, mismatch.as_json(), extra)
    status, content_type, content, headers_then = cached[1]
    return status, content_type, content, {**headers_then, "Idempotent-Replayed": "true"}
