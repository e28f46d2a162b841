"""The local platform's Stripe: Checkout Sessions, refunds and signed webhooks, offline and in memory.

Local only: ``chalicelib`` never imports this module. The platform's Stripe adapter talks to it through the
official ``stripe`` SDK exactly as it talks to Stripe (``STRIPE_API_BASE`` = ``<public_url>/_local/stripe``,
key ``sk_test_local_simulation``), and receives webhooks signed with the simulation's secret exactly as
Stripe signs them. The local web server (``infra/local/webserver.py``) mounts :meth:`FakeStripe.handle`:

* ``/_local/stripe/v1/…``: the REST API subset the platform uses (``POST /v1/checkout/sessions``,
  ``GET /v1/checkout/sessions/{id}`` (``expand[]=line_items``), ``GET …/{id}/line_items``,
  ``POST …/{id}/expire``, ``POST /v1/refunds``, ``GET /v1/refunds/{id}``, ``GET /v1/events/{id}``), with
  Stripe's error shapes (401 wrong key, 404 unknown id, 400 bad params) and ``Idempotency-Key`` replays;
* ``/_local/checkout/<session id>``: the page that plays Stripe Checkout (pay by card, by deferred bank
  transfer, cancel, let the session expire; then receive or fail the transfer);
* ``/_local/stripe``: the sessions and the webhook deliveries, with a button to send an event again;
  ``/_local/stripe/api/events`` and ``/_local/stripe/api/sessions`` as JSON.

The state lives in memory: a restart of ``make run`` forgets every session, payment and event (the
platform's own records of them survive in its saved data). Sessions past ``expires_at`` expire lazily,
the next time anything touches the simulation (and ``checkout.session.expired`` is sent then).

:func:`serve_fake_stripe` starts the same thing alone on a free port, for tests.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo

import stripe

API_PREFIX = "/_local/stripe"
CHECKOUT_PREFIX = "/_local/checkout"
DEFAULT_SECRET_KEY = "sk_test_local_simulation"
DEFAULT_WEBHOOK_SECRET = "whsec_local_simulation"
PARIS = ZoneInfo("Europe/Paris")

# (status, content type, body, extra headers): what :meth:`FakeStripe.handle` answers.
Response = tuple[int, str, bytes, dict[str, str]]

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"

# The Checkout Session parameters Stripe knows (the SDK's ``SessionCreateParams`` minus request options):
# anything else is refused as Stripe refuses it; those the simulation does not act on are accepted and
# ignored.
SESSION_PARAMS = frozenset(
    {
        "adaptive_pricing", "after_expiration", "allow_promotion_codes", "allowed_payment_method_types",
        "automatic_tax", "billing_address_collection", "branding_settings", "cancel_url",
        "client_reference_id", "consent_collection", "currency", "custom_fields", "custom_text",
        "customer", "customer_account", "customer_creation", "customer_email", "customer_update",
        "discounts", "excluded_payment_method_types", "expand", "expires_at", "integration_identifier",
        "invoice_creation", "line_items", "locale", "managed_payments", "metadata", "mode",
        "name_collection", "optional_items", "origin_context", "payment_intent_data",
        "payment_method_collection", "payment_method_configuration", "payment_method_data",
        "payment_method_options", "payment_method_types", "permissions", "phone_number_collection",
        "redirect_on_completion", "return_url", "saved_payment_method_options", "setup_intent_data",
        "shipping_address_collection", "shipping_options", "submit_type", "subscription_data",
        "success_url", "tax_id_collection", "ui_mode", "wallet_options",
    }
)  # fmt: skip
REFUND_PARAMS = frozenset(
    {
        "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin",
        "payment_intent", "reason", "refund_application_fee", "reverse_transfer",
    }
)  # fmt: skip
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
SESSION_MIN_LIFETIME = 30 * 60
SESSION_MAX_LIFETIME = 24 * 3600
SESSION_DEFAULT_LIFETIME = 24 * 3600
MINIMUM_CHARGE_CENTS = 50  # Stripe's minimum for EUR
DELIVERY_TIMEOUT = 10.0
SNIPPET_LENGTH = 300


class FakeStripeError(Exception):
    """A request Stripe would refuse: rendered as Stripe's error JSON with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.error_type = error_type

    def as_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        return {"error": error}


def _missing(param: str) -> FakeStripeError:
    return FakeStripeError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def _no_such(kind: str, identifier: str, param: str = "id") -> FakeStripeError:
    return FakeStripeError(404, f"No such {kind}: '{identifier}'", code="resource_missing", param=param)


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


# --- form encoding -------------------------------------------------------------------------------------

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SUBKEY = re.compile(r"\[([^\[\]]*)\]")


def flatten_params(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested params as the SDK puts them on the wire: ``a[b][0][c]=v``; None is left out."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from flatten_params(item, f"{prefix}[{key}]" if prefix else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from flatten_params(item, f"{prefix}[{index}]")
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)


def nest_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The inverse: ``line_items[0][quantity]=1`` → ``{"line_items": [{"quantity": "1"}]}`` (strings)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.fullmatch(key)
        if match is None:
            raise FakeStripeError(400, f"Invalid parameter name: {key}", param=key)
        parts = [match[1], *_SUBKEY.findall(match[2])]
        node = root
        for position, part in enumerate(parts):
            name = part if part != "" else str(len(node))  # ``a[]=x`` appends
            if position == len(parts) - 1:
                node[name] = value
                break
            child = node.setdefault(name, {})
            if not isinstance(child, dict):
                raise FakeStripeError(400, f"Invalid hash or array: {key}", param=key)
            node = child
    return _listify(root)


def _listify(node: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        converted = {key: convert(item) for key, item in value.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted

    return {key: convert(value) for key, value in node.items()}


def _as_str(value: Any, param: str) -> str:
    if isinstance(value, dict | list):
        raise FakeStripeError(400, f"Invalid string: {param} must be a string.", param=param)
    return str(value)


def _as_int(value: Any, param: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise FakeStripeError(400, f"Invalid integer: {value}", param=param)


def _as_bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise FakeStripeError(400, f"Invalid boolean: {value}", param=param)


def _as_dict(value: Any, param: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise FakeStripeError(400, f"Invalid object: {param} must be a hash.", param=param)
    return value


def _metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    raw = _as_dict(value, param)
    if len(raw) > 50:
        raise FakeStripeError(400, "Metadata can have up to 50 keys.", param=param)
    result: dict[str, str] = {}
    for key, item in raw.items():
        text = _as_str(item, f"{param}[{key}]")
        if len(key) > 40:
            raise FakeStripeError(400, f"Metadata keys can be up to 40 characters: {key}", param=param)
        if len(text) > 500:
            raise FakeStripeError(
                400, "Metadata values can be up to 500 characters.", param=f"{param}[{key}]"
            )
        if text != "":  # Stripe: an empty value unsets the key
            result[key] = text
    return result


def _optional_str(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    return None if value in (None, "") else _as_str(value, name)


# --- records -------------------------------------------------------------------------------------------


@dataclass
class _LineItem:
    id: str
    name: str
    description: str | None
    unit_amount: int
    quantity: int
    currency: str
    price_id: str = field(default_factory=lambda: new_id("price_"))
    product_id: str = field(default_factory=lambda: new_id("prod_", 14))

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": self.amount,
            "amount_tax": 0,
            "amount_total": self.amount,
            "currency": self.currency,
            "description": self.name,
            "price": {
                "id": self.price_id,
                "object": "price",
                "active": False,
                "currency": self.currency,
                "livemode": False,
                "product": self.product_id,
                "type": "one_time",
                "unit_amount": self.unit_amount,
                "unit_amount_decimal": str(self.unit_amount),
            },
            "quantity": self.quantity,
        }


@dataclass
class _Session:
    id: str
    created: int
    expires_at: int
    currency: str
    line_items: list[_LineItem]
    success_url: str | None
    cancel_url: str | None
    client_reference_id: str | None
    customer_email: str | None
    metadata: dict[str, str]
    payment_intent_metadata: dict[str, str]
    payment_intent_description: str | None
    locale: str | None
    invoice_creation: bool
    status: str = "open"  # open | complete | expired
    payment_status: str = "unpaid"  # unpaid | paid | no_payment_required
    payment_intent: str | None = None
    invoice: str | None = None
    details_email: str | None = None
    payment_method: str | None = None  # "card" | "bank_transfer" once the person chose
    deferred_outcome: str | None = None  # None (pending) | "succeeded" | "failed", bank transfers only
    completed_at: int | None = None

    @property
    def amount_total(self) -> int:
        return sum(item.amount for item in self.line_items)


@dataclass
class _Charge:
    id: str
    payment_intent: str
    session_id: str
    amount: int
    currency: str
    created: int
    metadata: dict[str, str]
    receipt_email: str | None
    payment_method: str
    amount_refunded: int = 0
    refunds: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "charge",
            "amount": self.amount,
            "amount_captured": self.amount,
            "amount_refunded": self.amount_refunded,
            "captured": True,
            "created": self.created,
            "currency": self.currency,
            "livemode": False,
            "metadata": dict(self.metadata),
            "paid": True,
            "payment_intent": self.payment_intent,
            "payment_method_details": {"type": self.payment_method},
            "receipt_email": self.receipt_email,
            "refunded": self.amount_refunded >= self.amount,
            "refunds": {
                "object": "list",
                "data": copy.deepcopy(self.refunds),
                "has_more": False,
                "total_count": len(self.refunds),
                "url": f"/v1/charges/{self.id}/refunds",
            },
            "status": "succeeded",
        }


@dataclass
class _PaymentIntent:
    id: str
    session_id: str
    amount: int
    currency: str
    metadata: dict[str, str]
    status: str  # processing | succeeded | requires_payment_method
    charge: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One attempt to POST an event to the webhook URL. ``status`` is None when the connection failed."""

    event_id: str
    event_type: str
    attempt: int
    status: int | None
    response: str
    at: float
    redelivery: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "attempt": self.attempt,
            "status": self.status,
            "ok": self.ok,
            "response": self.response,
            "at": self.at,
            "redelivery": self.redelivery,
        }


class DeliveryJob:
    """The attempts to deliver one event once (first try plus retries), run in a background thread."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.attempts: list[Delivery] = []
        self.first_attempt = threading.Event()
        self.done = threading.Event()

    def wait_first(self, timeout: float) -> Delivery | None:
        self.first_attempt.wait(timeout)
        return self.attempts[0] if self.attempts else None

    def wait(self, timeout: float) -> list[Delivery]:
        self.done.wait(timeout)
        return list(self.attempts)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Stripe does not follow redirects: a 3xx answer is a failed delivery.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# --- the simulation ------------------------------------------------------------------------------------


class FakeStripe:
    """Stripe Checkout, refunds and webhooks in memory, thread-safe (one re-entrant lock).

    ``webhook_url=None``: events are only recorded (tests sign and post them with :meth:`signed`).
    ``retry_delays``: the waits before each retry of a failed delivery (Stripe retries for days; the
    simulation a few times, briefly). ``first_delivery_wait``: how long a checkout page action waits for
    the first delivery attempt before redirecting (so the success page already sees the payment).
    ``clock``: seconds since the epoch (tests move time to expire sessions)."""

    def __init__(
        self,
        *,
        public_url: str,
        webhook_url: str | None = None,
        secret_key: str = DEFAULT_SECRET_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        retry_delays: Sequence[float] = (0.5, 1.0, 2.0, 4.0),
        first_delivery_wait: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.webhook_url = webhook_url
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.retry_delays = tuple(retry_delays)
        self.first_delivery_wait = first_delivery_wait
        self.clock = clock
        self.api_version: str = str(stripe.api_version)
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._sessions: dict[str, _Session] = {}
        self._intents: dict[str, _PaymentIntent] = {}
        self._charges: dict[str, _Charge] = {}
        self._refunds: dict[str, dict[str, Any]] = {}
        self._events: dict[str, dict[str, Any]] = {}
        self._deliveries: list[Delivery] = []
        self._jobs: dict[str, list[DeliveryJob]] = {}
        self._idempotency: dict[str, tuple[tuple[str, str, bytes], Response]] = {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

    @property
    def api_base(self) -> str:
        """What ``base_addresses={"api": …}`` of a ``StripeClient`` should be."""
        return self.public_url + API_PREFIX

    def checkout_url(self, session_id: str) -> str:
        return f"{self.public_url}{CHECKOUT_PREFIX}/{session_id}"

    def close(self) -> None:
        """Stop waiting retries (the attempt in flight, if any, finishes)."""
        self._closed.set()

    def _now(self) -> int:
        return int(self.clock())

    # --- REST operations (what the SDK calls) ----------------------------------------------------------

    def create_checkout_session(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/checkout/sessions``: params nested as the SDK takes them (or already bracketed)."""
        data = nest_params(flatten_params(params))
        with self._lock:
            self._sweep_locked()
            session = self._new_session(data)
            self._sessions[session.id] = session
            return self._session_json(session, expand=_expand_list(data))

    def retrieve_checkout_session(self, session_id: str, *, expand: Iterable[str] = ()) -> dict[str, Any]:
        with self._lock:
            self._sweep_locked()
            return self._session_json(self._session(session_id), expand=set(expand))

    def list_line_items(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            session = self._session(session_id)
            return _line_items_json(session)

    def expire_checkout_session(self, session_id: str) -> dict[str, Any]:
        """``POST /v1/checkout/sessions/{id}/expire``: the session, now expired (and the event sent)."""
        with self._lock:
            self.expire(session_id)
            return self._session_json(self._session(session_id))

    def create_refund(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/refunds`` (``payment_intent`` or ``charge``, optional ``amount``, ``reason``,
        ``metadata``): the refund; ``charge.refunded`` is sent."""
        data = nest_params(flatten_params(params))
        unknown = sorted(set(data) - REFUND_PARAMS)
        if unknown:
            raise FakeStripeError(400, f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        with self._lock:
            self._sweep_locked()
            charge = self._refundable_charge(data)
            remaining = charge.amount - charge.amount_refunded
            amount = remaining if data.get("amount") in (None, "") else _as_int(data["amount"], "amount")
            if amount <= 0:
                raise FakeStripeError(400, "Invalid positive integer", param="amount")
            if amount > remaining:
                raise FakeStripeError(
                    400,
                    f"Refund amount ({_plain_amount(amount, charge.currency)}) is greater than unrefunded "
                    f"amount on charge ({_plain_amount(remaining, charge.currency)})",
                    code="amount_too_large",
                    param="amount",
                )
            reason = _optional_str(data, "reason")
            if reason is not None and reason not in REFUND_REASONS:
                raise FakeStripeError(400, f"Invalid reason: must be one of {sorted(REFUND_REASONS)}")
            refund: dict[str, Any] = {
                "id": new_id("re_"),
                "object": "refund",
                "amount": amount,
                "balance_transaction": None,
                "charge": charge.id,
                "created": self._now(),
                "currency": charge.currency,
                "metadata": _metadata(data.get("metadata")),
                "payment_intent": charge.payment_intent,
                "reason": reason,
                "receipt_number": None,
                "source_transfer_reversal": None,
                "status": "succeeded",
                "transfer_reversal": None,
            }
            previously_refunded = charge.amount_refunded
            charge.amount_refunded += amount
            charge.refunds.insert(0, refund)
            self._refunds[refund["id"]] = refund
            self._emit_locked(
                "charge.refunded",
                charge.as_json(),
                previous_attributes={"amount_refunded": previously_refunded, "refunded": False},
            )
            return copy.deepcopy(refund)

    def retrieve_refund(self, refund_id: str) -> dict[str, Any]:
        with self._lock:
            if refund_id not in self._refunds:
                raise _no_such("refund", refund_id)
            return copy.deepcopy(self._refunds[refund_id])

    # --- what a person does on the checkout page --------------------------------------------------------

    def pay(self, session_id: str, *, email: str | None = None) -> dict[str, Any]:
        """Pay by card: the session is complete and paid; returns ``checkout.session.completed``."""
        with self._lock:
            session = self._open_session(session_id)
            self._complete_locked(session, "card", email)
            if session.amount_total == 0:
                session.payment_status = "no_payment_required"
            else:
                intent = self._new_intent_locked(session, status="succeeded")
                self._charge_locked(session, intent)
                session.payment_status = "paid"
                self._invoice_locked(session)
            return self._emit_locked("checkout.session.completed", self._session_json(session))

    def pay_deferred(self, session_id: str, *, email: str | None = None) -> dict[str, Any]:
        """Pay by bank transfer: the session is complete but unpaid until :meth:`settle_deferred`;
        returns ``checkout.session.completed`` (payment_status ``unpaid``)."""
        with self._lock:
            session = self._open_session(session_id)
            if session.amount_total == 0:
                return self.pay(session_id, email=email)
            self._complete_locked(session, "bank_transfer", email)
            self._new_intent_locked(session, status="processing")
            return self._emit_locked("checkout.session.completed", self._session_json(session))

    def settle_deferred(self, session_id: str, succeeded: bool) -> dict[str, Any]:
        """The bank transfer arrives (``checkout.session.async_payment_succeeded``, the session is paid)
        or fails (``checkout.session.async_payment_failed``, it stays unpaid)."""
        with self._lock:
            self._sweep_locked()
            session = self._session(session_id)
            if session.payment_method != "bank_transfer" or session.deferred_outcome is not None:
                raise FakeStripeError(400, f"Checkout Session {session_id} has no pending deferred payment.")
            assert session.payment_intent is not None
            intent = self._intents[session.payment_intent]
            if succeeded:
                session.deferred_outcome = "succeeded"
                intent.status = "succeeded"
                self._charge_locked(session, intent)
                session.payment_status = "paid"
                self._invoice_locked(session)
                kind = "checkout.session.async_payment_succeeded"
            else:
                session.deferred_outcome = "failed"
                intent.status = "requires_payment_method"
                kind = "checkout.session.async_payment_failed"
            return self._emit_locked(kind, self._session_json(session))

    def expire(self, session_id: str) -> dict[str, Any]:
        """The session expires now; returns ``checkout.session.expired``."""
        with self._lock:
            session = self._session(session_id)
            if session.status != "open":
                raise FakeStripeError(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
            return self._expire_locked(session)

    def refund(
        self,
        payment_intent: str,
        amount: int | None = None,
        *,
        reason: str | None = "requested_by_customer",
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """A refund as if made from Stripe's dashboard (or by the API): returns the refund; the
        ``charge.refunded`` event is in :meth:`events`."""
        return self.create_refund(
            {"payment_intent": payment_intent, "amount": amount, "reason": reason, "metadata": metadata}
        )

    # --- reading -----------------------------------------------------------------------------------------

    def sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first, as the API shows them."""
        with self._lock:
            self._sweep_locked()
            found = sorted(self._sessions.values(), key=lambda s: s.created, reverse=True)
            return [self._session_json(session) for session in found]

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event sent so far, oldest first (or only those of ``event_type``)."""
        with self._lock:
            self._sweep_locked()
            return [
                copy.deepcopy(event)
                for event in self._events.values()
                if event_type is None or event["type"] == event_type
            ]

    def event(self, event_id: str) -> dict[str, Any]:
        with self._lock:
            if event_id not in self._events:
                raise _no_such("event", event_id)
            return copy.deepcopy(self._events[event_id])

    def deliveries(self, event_id: str | None = None) -> list[Delivery]:
        """Every delivery attempt, oldest first (or those of one event)."""
        with self._lock:
            return [d for d in self._deliveries if event_id is None or d.event_id == event_id]

    def wait_for_deliveries(self, event_id: str, timeout: float = 10.0) -> list[Delivery]:
        """Wait until every delivery job of the event has finished (delivered or out of retries)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            jobs = list(self._jobs.get(event_id, []))
        for job in jobs:
            job.done.wait(max(0.0, deadline - time.monotonic()))
        return self.deliveries(event_id)

    # --- signing and delivery ---------------------------------------------------------------------------

    def signed(self, event: Mapping[str, Any] | str, *, timestamp: int | None = None) -> tuple[str, str]:
        """``(payload, Stripe-Signature header)`` as Stripe sends them: ``t=<ts>,v1=<hex HMAC-SHA256 of
        "<ts>.<payload>" keyed with the webhook secret>``. The payload is the event as pretty JSON (UTF-8,
        accents unescaped, as the platform must verify the raw body)."""
        payload = event if isinstance(event, str) else json.dumps(event, indent=2, ensure_ascii=False)
        stamp = int(time.time()) if timestamp is None else timestamp
        signature = hmac.new(
            self.webhook_secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256
        ).hexdigest()
        return payload, f"t={stamp},v1={signature}"

    def deliver(
        self, event: Mapping[str, Any], *, wait: float = 0.0, redelivery: bool = False
    ) -> DeliveryJob | None:
        """POST the event to ``webhook_url`` in a background thread, retrying after a non-2xx answer or a
        connection error (``retry_delays``); each attempt is signed afresh. Waits at most ``wait`` seconds
        for the first attempt. None when there is no webhook URL (events are only recorded)."""
        if not self.webhook_url:
            return None
        snapshot = copy.deepcopy(dict(event))
        job = DeliveryJob(str(snapshot["id"]))
        with self._lock:
            self._jobs.setdefault(job.event_id, []).append(job)
        threading.Thread(
            target=self._run_delivery,
            args=(job, snapshot, redelivery),
            name=f"stripe-webhook-{job.event_id}",
            daemon=True,
        ).start()
        if wait > 0:
            job.wait_first(wait)
        return job

    def redeliver(self, event_id: str, *, wait: float = 0.0) -> DeliveryJob | None:
        """Send an event again: same id and body, fresh signature (the platform must ignore it)."""
        return self.deliver(self.event(event_id), wait=wait, redelivery=True)

    def _run_delivery(self, job: DeliveryJob, event: dict[str, Any], redelivery: bool) -> None:
        try:
            for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
                if delay and self._closed.wait(delay):
                    break
                status, snippet = self._post_event(event)
                delivery = Delivery(
                    event_id=job.event_id,
                    event_type=str(event.get("type", "")),
                    attempt=attempt,
                    status=status,
                    response=snippet,
                    at=time.time(),
                    redelivery=redelivery,
                )
                with self._lock:
                    self._deliveries.append(delivery)
                    job.attempts.append(delivery)
                job.first_attempt.set()
                if delivery.ok:
                    break
        finally:
            job.first_attempt.set()
            job.done.set()

    def _post_event(self, event: Mapping[str, Any]) -> tuple[int | None, str]:
        assert self.webhook_url is not None
        payload, header = self.signed(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": header,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Accept": "*/*; q=0.5, application/xml",
                "Cache-Control": "no-cache",
            },
        )
        try:
            with self._opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
                return response.status, _snippet(response.read())
        except urllib.error.HTTPError as error:
            body = error.read() if error.fp is not None else b""
            return error.code, _snippet(body)
        except (OSError, ValueError) as error:  # refused, reset, timed out, bad URL
            return None, f"{type(error).__name__}: {error}"[:SNIPPET_LENGTH]

    # --- internals --------------------------------------------------------------------------------------

    def _emit_locked(
        self, event_type: str, obj: dict[str, Any], *, previous_attributes: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": obj}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        event: dict[str, Any] = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": self.api_version,
            "created": self._now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self._events[event["id"]] = event
        self.deliver(event)  # starts a thread, never blocks here
        return copy.deepcopy(event)

    def _sweep_locked(self) -> None:
        now = self._now()
        for session in list(self._sessions.values()):
            if session.status == "open" and session.expires_at <= now:
                self._expire_locked(session)

    def _expire_locked(self, session: _Session) -> dict[str, Any]:
        session.status = "expired"
        return self._emit_locked("checkout.session.expired", self._session_json(session))

    def _session(self, session_id: str) -> _Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise _no_such("checkout.session", session_id)
        return session

    def _open_session(self, session_id: str) -> _Session:
        self._sweep_locked()
        session = self._session(session_id)
        if session.status != "open":
            raise FakeStripeError(400, f"Checkout Session {session_id} is {session.status}, not open.")
        return session

    def _complete_locked(self, session: _Session, method: str, email: str | None) -> None:
        session.status = "complete"
        session.payment_method = method
        session.details_email = session.customer_email or (email or "").strip() or None
        session.completed_at = self._now()

    def _new_intent_locked(self, session: _Session, *, status: str) -> _PaymentIntent:
        intent = _PaymentIntent(
            id=new_id("pi_"),
            session_id=session.id,
            amount=session.amount_total,
            currency=session.currency,
            metadata=dict(session.payment_intent_metadata),
            status=status,
        )
        self._intents[intent.id] = intent
        session.payment_intent = intent.id
        return intent

    def _charge_locked(self, session: _Session, intent: _PaymentIntent) -> _Charge:
        charge = _Charge(
            id=new_id("ch_"),
            payment_intent=intent.id,
            session_id=session.id,
            amount=intent.amount,
            currency=intent.currency,
            created=self._now(),
            # A charge carries its payment intent's metadata, i.e. ``payment_intent_data[metadata]``
            # (the session's own metadata never reaches charges on Stripe).
            metadata=dict(intent.metadata),
            receipt_email=session.details_email,
            payment_method=session.payment_method or "card",
        )
        self._charges[charge.id] = charge
        intent.charge = charge.id
        return charge

    def _invoice_locked(self, session: _Session) -> None:
        if session.invoice_creation:
            session.invoice = new_id("in_")

    def _refundable_charge(self, data: Mapping[str, Any]) -> _Charge:
        intent_id = _optional_str(data, "payment_intent")
        charge_id = _optional_str(data, "charge")
        if intent_id is None and charge_id is None:
            raise FakeStripeError(
                400,
                "One of the following params should be provided for this request: payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id is not None:
            intent = self._intents.get(intent_id)
            if intent is None:
                raise _no_such("payment_intent", intent_id, "payment_intent")
            if intent.charge is None:
                raise FakeStripeError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                    code="charge_not_refundable",
                    param="payment_intent",
                )
            charge_id = intent.charge
        assert charge_id is not None
        charge = self._charges.get(charge_id)
        if charge is None:
            raise _no_such("charge", charge_id, "charge")
        if charge.amount_refunded >= charge.amount:
            raise FakeStripeError(
                400, f"Charge {charge.id} has already been refunded.", code="charge_already_refunded"
            )
        return charge

    def _new_session(self, data: dict[str, Any]) -> _Session:
        unknown = sorted(set(data) - SESSION_PARAMS)
        if unknown:
            raise FakeStripeError(400, f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        mode = _optional_str(data, "mode")
        if mode is None:
            raise _missing("mode")
        if mode != "payment":
            raise FakeStripeError(
                400, f"The local Stripe simulation only supports mode=payment, not {mode}.", param="mode"
            )
        if _optional_str(data, "ui_mode") not in (None, "hosted"):
            raise FakeStripeError(400, "The local Stripe simulation only supports ui_mode=hosted.")
        raw_items = data.get("line_items")
        if raw_items in (None, "", []):
            raise _missing("line_items")
        if not isinstance(raw_items, list):
            raise FakeStripeError(400, "Invalid array", param="line_items")
        items = [_line_item(raw, index) for index, raw in enumerate(raw_items)]
        currencies = {item.currency for item in items}
        if len(currencies) > 1:
            raise FakeStripeError(400, "All line items must use the same currency.", param="line_items")
        currency = items[0].currency
        total = sum(item.amount for item in items)
        if 0 < total < MINIMUM_CHARGE_CENTS:
            raise FakeStripeError(
                400,
                f"The Checkout Session's total amount due must add up to at least "
                f"{_plain_amount(MINIMUM_CHARGE_CENTS, currency)}",
                param="line_items",
            )
        now = self._now()
        expires_at = now + SESSION_DEFAULT_LIFETIME
        if data.get("expires_at") not in (None, ""):
            expires_at = _as_int(data["expires_at"], "expires_at")
            if not now + SESSION_MIN_LIFETIME - 60 <= expires_at <= now + SESSION_MAX_LIFETIME + 60:
                raise FakeStripeError(
                    400,
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                    "Checkout Session creation.",
                    param="expires_at",
                )
        email = _optional_str(data, "customer_email")
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise FakeStripeError(400, f"Invalid email address: {email}", param="customer_email")
        reference = _optional_str(data, "client_reference_id")
        if reference is not None and len(reference) > 200:
            raise FakeStripeError(
                400, "client_reference_id can be up to 200 characters.", param="client_reference_id"
            )
        intent_data = _as_dict(data.get("payment_intent_data"), "payment_intent_data")
        invoice_creation = _as_dict(data.get("invoice_creation"), "invoice_creation")
        invoice_enabled = False
        if invoice_creation:
            if invoice_creation.get("enabled") in (None, ""):
                raise _missing("invoice_creation[enabled]")
            invoice_enabled = _as_bool(invoice_creation["enabled"], "invoice_creation[enabled]")
        return _Session(
            id=new_id("cs_test_a1", 48),
            created=now,
            expires_at=expires_at,
            currency=currency,
            line_items=items,
            success_url=_url(data, "success_url"),
            cancel_url=_url(data, "cancel_url"),
            client_reference_id=reference,
            customer_email=email,
            metadata=_metadata(data.get("metadata")),
            payment_intent_metadata=_metadata(intent_data.get("metadata"), "payment_intent_data[metadata]"),
            payment_intent_description=_optional_str(intent_data, "description"),
            locale=_optional_str(data, "locale"),
            invoice_creation=invoice_enabled,
        )

    def _session_json(self, session: _Session, *, expand: Iterable[str] = ()) -> dict[str, Any]:
        details: dict[str, Any] | None = None
        if session.status == "complete":
            details = {
                "address": None,
                "email": session.details_email,
                "name": None,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            }
        payment_method_types = ["card", "customer_balance"]
        result: dict[str, Any] = {
            "id": session.id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": session.amount_total,
            "amount_total": session.amount_total,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None,
            "cancel_url": session.cancel_url,
            "client_reference_id": session.client_reference_id,
            "client_secret": None,
            "created": session.created,
            "currency": session.currency,
            "customer": None,
            "customer_creation": "if_required",
            "customer_details": details,
            "customer_email": session.customer_email,
            "expires_at": session.expires_at,
            "invoice": session.invoice,
            "invoice_creation": {
                "enabled": session.invoice_creation,
                "invoice_data": {"description": None, "footer": None, "metadata": {}},
            },
            "livemode": False,
            "locale": session.locale,
            "metadata": dict(session.metadata),
            "mode": "payment",
            "payment_intent": session.payment_intent,
            "payment_link": None,
            "payment_method_collection": "if_required",
            "payment_method_types": payment_method_types,
            "payment_status": session.payment_status,
            "status": session.status,
            "submit_type": None,
            "success_url": session.success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            # As on Stripe, the URL is given only while the session can be paid.
            "url": self.checkout_url(session.id) if session.status == "open" else None,
        }
        if "line_items" in set(expand):
            result["line_items"] = _line_items_json(session)
        return result

    # --- HTTP -------------------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | Message,
        body: bytes,
    ) -> Response:
        """Answer one HTTP request under ``/_local/stripe`` or ``/_local/checkout`` (anything else: 404)."""
        method = method.upper()
        lowered = {name.lower(): value for name, value in headers.items()}
        path = urlsplit(path).path.rstrip("/") or "/"
        verb = "GET" if method == "HEAD" else method
        if path == f"{API_PREFIX}/v1" or path.startswith(f"{API_PREFIX}/v1/"):
            return self._api(verb, path[len(API_PREFIX) :], query, lowered, body)
        if path == API_PREFIX or path.startswith(f"{API_PREFIX}/"):
            return self._console(verb, path[len(API_PREFIX) :], body)
        if path.startswith(f"{CHECKOUT_PREFIX}/"):
            return self._checkout_http(verb, path[len(CHECKOUT_PREFIX) + 1 :], body)
        return _html(404, _layout("Page introuvable", "<p>Cette page de la simulation n'existe pas.</p>"))

    def _api(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Response:
        extra = {
            "Request-Id": new_id("req_", 14),
            "Stripe-Version": headers.get("stripe-version") or self.api_version,
        }
        try:
            self._authenticate(headers)
        except FakeStripeError as error:
            return _json(error.status, error.as_json(), extra)
        key = headers.get("idempotency-key")
        fingerprint = (method, path, body)
        with self._lock:
            if method == "POST" and key:
                cached = self._idempotency.get(key)
                if cached is not None:
                    if cached[0] != fingerprint:
                        mismatch = FakeStripeError(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they "
                            "were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                            error_type="idempotency_error",
                        )
                        return _json(mismatch.status, mismatch.as_json(), extra)
                    status, content_type, content, headers_then = cached[1]
                    return status, content_type, content, {**headers_then, "Idempotent-Replayed": "true"}
            try:
                status, result = self._route_api(method, path, query, body)
            except FakeStripeError as error:
                status, result = error.status, error.as_json()
            response = _json(status, result, extra)
            if method == "POST" and key:
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
        if not hmac.compare_digest(key.encode(), self.secret_key.encode()):
            shown = key[:8] + "*" * max(0, len(key) - 12) + key[-4:] if len(key) > 12 else "****"
            raise FakeStripeError(401, f"Invalid API Key provided: {shown}")

    def _route_api(self, method: str, path: str, query: str, body: bytes) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")  # ["v1", …]
        form = nest_params(parse_qsl(body.decode("utf-8"), keep_blank_values=True)) if body else {}
        args = nest_params(parse_qsl(query, keep_blank_values=True)) if query else {}
        match method, parts[1:]:
            case "POST", ["checkout", "sessions"]:
                return 200, self.create_checkout_session(form)
            case "GET", ["checkout", "sessions", session_id]:
                return 200, self.retrieve_checkout_session(session_id, expand=_expand_list(args))
            case "GET", ["checkout", "sessions", session_id, "line_items"]:
                return 200, self.list_line_items(session_id)
            case "POST", ["checkout", "sessions", session_id, "expire"]:
                return 200, self.expire_checkout_session(session_id)
            case "POST", ["refunds"]:
                return 200, self.create_refund(form)
            case "GET", ["refunds", refund_id]:
                return 200, self.retrieve_refund(refund_id)
            case "GET", ["events", event_id]:
                return 200, self.event(event_id)
        raise FakeStripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). The local Stripe simulation only implements "
            "what the platform uses: checkout sessions, refunds and events.",
        )

    # --- pages ------------------------------------------------------------------------------------------

    def _console(self, method: str, path: str, body: bytes) -> Response:
        parts = [part for part in path.split("/") if part]
        match method, parts:
            case "GET", []:
                return _html(200, self._index_page())
            case "GET", ["api", "events"]:
                with self._lock:
                    self._sweep_locked()
                    events = [copy.deepcopy(event) for event in reversed(self._events.values())]
                    deliveries = [delivery.as_json() for delivery in self._deliveries]
                return _json(200, {"events": events, "deliveries": deliveries})
            case "GET", ["api", "sessions"]:
                return _json(200, {"sessions": self.sessions()})
            case "POST", ["events", event_id, "redeliver"]:
                try:
                    self.redeliver(event_id, wait=self.first_delivery_wait)
                except FakeStripeError:
                    return _html(404, _layout("Événement introuvable", "<p>Cet événement n'existe pas.</p>"))
                return _redirect(API_PREFIX)
            case "POST", ["sessions", session_id, "refund"]:
                with self._lock:
                    session = self._sessions.get(session_id)
                    intent = session.payment_intent if session else None
                if intent is None:
                    return _html(404, _layout("Session introuvable", "<p>Rien à rembourser.</p>"))
                try:
                    self.refund(intent)
                except FakeStripeError as error:
                    return _html(409, _layout("Remboursement impossible", f"<p>{_e(error.message)}</p>"))
                return _redirect(API_PREFIX)
            case "GET", ["events", _, "redeliver"] | ["sessions", _, "refund"]:
                return _method_not_allowed()
        return _html(404, _layout("Page introuvable", "<p>Cette page de la simulation n'existe pas.</p>"))

    def _checkout_http(self, method: str, path: str, body: bytes) -> Response:
        parts = [part for part in path.split("/") if part]
        if not parts or len(parts) > 2:
            return _html(404, _layout("Page introuvable", "<p>Cette page de la simulation n'existe pas.</p>"))
        session_id = parts[0]
        with self._lock:
            self._sweep_locked()
            known = session_id in self._sessions
        if not known:
            page = _layout(
                "Session de paiement introuvable",
                "<p>Cette session de paiement n'existe pas dans la simulation. Elle a peut-être été créée "
                "avant un redémarrage de la plateforme locale (la simulation garde tout en mémoire).</p>",
            )
            return _html(404, page)
        if len(parts) == 1:
            if method != "GET":
                return _method_not_allowed()
            return _html(200, self._checkout_page(session_id))
        if method != "POST":
            return _method_not_allowed()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        email = form.get("email") or None
        action = parts[1]
        page_url = f"{CHECKOUT_PREFIX}/{session_id}"
        actions: dict[str, Callable[[], dict[str, Any]]] = {
            "pay": lambda: self.pay(session_id, email=email),
            "pay-deferred": lambda: self.pay_deferred(session_id, email=email),
            "expire": lambda: self.expire(session_id),
            "settle-succeeded": lambda: self.settle_deferred(session_id, True),
            "settle-failed": lambda: self.settle_deferred(session_id, False),
        }
        with self._lock:
            session = self._sessions[session_id]
            cancel_url = session.cancel_url
        if action == "cancel":
            return _redirect(cancel_url or page_url)
        if action not in actions:
            return _html(404, _layout("Page introuvable", "<p>Action inconnue.</p>"))
        try:
            event = actions[action]()
        except FakeStripeError:
            return _redirect(page_url)  # already paid or expired: the page shows what happened
        self._wait_first_delivery(str(event["id"]))
        with self._lock:
            session = self._sessions[session_id]
            success_url = session.success_url
        if action in ("pay", "pay-deferred") and success_url:
            return _redirect(success_url.replace("{CHECKOUT_SESSION_ID}", session_id))
        if action == "expire" and cancel_url:
            return _redirect(cancel_url)
        return _redirect(page_url)

    def _wait_first_delivery(self, event_id: str) -> None:
        # The webhook goes to the same (threaded) local server: wait a little for its first attempt so the
        # page the person lands on already shows the payment, never long enough to hang the browser.
        with self._lock:
            jobs = list(self._jobs.get(event_id, []))
        for job in jobs:
            job.wait_first(self.first_delivery_wait)

    def _checkout_page(self, session_id: str) -> str:
        with self._lock:
            session = copy.deepcopy(self._sessions[session_id])
            intent = self._intents.get(session.payment_intent or "")
            charge = self._charges.get(intent.charge or "") if intent else None
            refunded = charge.amount_refunded if charge else 0
        rows = "".join(
            "<tr><td><strong>"
            + _e(item.name)
            + "</strong>"
            + (f"<br><span class=meta>{_e(item.description)}</span>" if item.description else "")
            + f"</td><td class=num>{item.quantity} × {_money(item.unit_amount, item.currency)}</td>"
            f"<td class=num>{_money(item.amount, item.currency)}</td></tr>"
            for item in session.line_items
        )
        base = f"{CHECKOUT_PREFIX}/{quote(session.id)}"
        email_line = (
            f"<p>E-mail : <strong>{_e(session.customer_email)}</strong></p>" if session.customer_email else ""
        )
        if session.status == "open":
            email_field = (
                ""
                if session.customer_email
                else "<label>E-mail (facultatif) <input type=email name=email autocomplete=off></label>"
            )
            actions = (
                f'<form method=post action="{base}/pay">{email_field}'
                "<button class=primary>Payer par carte</button></form>"
                f'<form method=post action="{base}/pay-deferred">'
                "<button>Payer par virement (paiement différé)</button></form>"
                f'<form method=post action="{base}/cancel"><button>Annuler</button></form>'
                f'<form method=post action="{base}/expire">'
                "<button class=quiet>Laisser expirer la session</button></form>"
                f"<p class=meta>La session expire le {_when(session.expires_at)}.</p>"
            )
        else:
            actions = self._state_html(session, refunded, base)
        body = (
            f"<h1>Paiement</h1>{email_line}"
            f"<table><thead><tr><th>Article</th><th class=num>Quantité</th><th class=num>Montant</th></tr>"
            f"</thead><tbody>{rows}</tbody><tfoot><tr><th colspan=2>Total</th>"
            f"<th class=num>{_money(session.amount_total, session.currency)}</th></tr></tfoot></table>"
            f"{actions}"
            f'<p class=meta>Session {_e(session.id)} · <a href="{API_PREFIX}">Simulation Stripe : sessions '
            "et webhooks</a></p>"
        )
        return _layout("Paiement simulé", body)

    @staticmethod
    def _state_html(session: _Session, refunded: int, base: str) -> str:
        back = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id) if session.success_url else ""
        if session.status == "expired":
            link = (
                f'<p><a href="{_e(session.cancel_url)}">Retour au site</a></p>' if session.cancel_url else ""
            )
            return (
                f"<p class=state>Cette session de paiement a expiré : elle ne peut plus être payée.</p>{link}"
            )
        paid_at = _when(session.completed_at or session.created)
        parts: list[str] = []
        if session.payment_status == "no_payment_required":
            parts.append("<p class='state ok'>Commande validée : aucun paiement n'était dû.</p>")
        elif session.payment_method == "bank_transfer" and session.deferred_outcome is None:
            parts.append(
                f"<p class=state>Virement annoncé le {paid_at} : en attente de réception.</p>"
                f'<form method=post action="{base}/settle-succeeded">'
                "<button class=primary>Simuler la réception du virement</button></form>"
                f'<form method=post action="{base}/settle-failed">'
                "<button>Simuler l'échec du virement</button></form>"
            )
        elif session.payment_status == "paid":
            how = "par virement" if session.payment_method == "bank_transfer" else "par carte"
            parts.append(f"<p class='state ok'>Paiement reçu {how} (session terminée le {paid_at}).</p>")
        else:
            parts.append("<p class='state ko'>Le virement a échoué : aucun paiement n'a été reçu.</p>")
        if refunded:
            parts.append(f"<p class=state>Remboursé : {_money(refunded, session.currency)}.</p>")
        if back:
            parts.append(f'<p><a href="{_e(back)}">Retour au site</a></p>')
        return "".join(parts)

    def _index_page(self) -> str:
        with self._lock:
            self._sweep_locked()
            sessions = sorted(
                (copy.deepcopy(s) for s in self._sessions.values()), key=lambda s: s.created, reverse=True
            )
            refundable = {
                s.id
                for s in sessions
                if (intent := self._intents.get(s.payment_intent or "")) is not None
                and intent.charge is not None
                and self._charges[intent.charge].amount_refunded < self._charges[intent.charge].amount
            }
            events = list(reversed(copy.deepcopy(list(self._events.values()))))
            deliveries: dict[str, list[Delivery]] = {}
            for delivery in self._deliveries:
                deliveries.setdefault(delivery.event_id, []).append(delivery)
        session_rows = "".join(
            "<tr>"
            f'<td><a href="{CHECKOUT_PREFIX}/{quote(s.id)}">{_e(s.id[:20])}…</a>'
            f"<br><span class=meta>{_when(s.created)}</span></td>"
            f"<td>{_e(s.client_reference_id or '—')}</td>"
            f"<td class=num>{_money(s.amount_total, s.currency)}</td>"
            f"<td>{_e(_session_label(s))}</td>"
            "<td>"
            + (
                f'<form method=post action="{API_PREFIX}/sessions/{quote(s.id)}/refund">'
                "<button>Rembourser</button></form>"
                if s.id in refundable
                else ""
            )
            + "</td></tr>"
            for s in sessions
        )
        event_rows = "".join(
            "<tr>"
            f"<td><code>{_e(event['type'])}</code><br><span class=meta>{_e(event['id'])} · "
            f"{_when(int(event['created']))}</span></td>"
            f"<td>{_deliveries_html(deliveries.get(event['id'], []), bool(self.webhook_url))}</td>"
            "<td>"
            + (
                f'<form method=post action="{API_PREFIX}/events/{quote(event["id"])}/redeliver">'
                "<button>Renvoyer</button></form>"
                if self.webhook_url
                else ""
            )
            + "</td></tr>"
            for event in events
        )
        target = (
            f"Webhooks envoyés à <code>{_e(self.webhook_url)}</code>, signés comme Stripe les signe."
            if self.webhook_url
            else "Aucune URL de webhook : les événements sont seulement enregistrés."
        )
        body = (
            "<h1>Simulation Stripe</h1>"
            f"<p>API : <code>{_e(self.api_base)}</code>. {target} Tout est gardé en mémoire : un "
            f'redémarrage de la plateforme locale efface sessions et événements. <a href="{API_PREFIX}">'
            "Actualiser</a></p>"
            f"<h2>Sessions de paiement ({len(sessions)})</h2>"
            + (
                "<table><thead><tr><th>Session</th><th>Référence</th><th class=num>Montant</th><th>État</th>"
                f"<th></th></tr></thead><tbody>{session_rows}</tbody></table>"
                if sessions
                else "<p>Aucune session pour l'instant.</p>"
            )
            + f"<h2>Événements et webhooks ({len(events)})</h2>"
            + (
                "<table><thead><tr><th>Événement</th><th>Livraisons</th><th></th></tr></thead>"
                f"<tbody>{event_rows}</tbody></table>"
                if events
                else "<p>Aucun événement pour l'instant.</p>"
            )
            + '<p class=meta>JSON : <a href="/_local/stripe/api/events">événements</a> · '
            '<a href="/_local/stripe/api/sessions">sessions</a></p>'
        )
        return _layout("Simulation Stripe", body, banner=False)


# --- page helpers --------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _money(cents: int, currency: str) -> str:
    """``2900, "eur"`` → ``29,00 €`` (French format, as elsewhere on the platform)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    text = f"{sign}{units:,}".replace(",", " ") + f",{rest:02d}"
    return f"{text} €" if currency.lower() == "eur" else f"{text} {currency.upper()}"


def _plain_amount(cents: int, currency: str) -> str:
    symbol = "€" if currency.lower() == "eur" else currency.upper() + " "
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, PARIS).strftime("%d/%m/%Y à %H:%M:%S")


def _session_label(session: _Session) -> str:
    if session.status == "open":
        return "Ouverte, en attente de paiement"
    if session.status == "expired":
        return "Expirée"
    if session.payment_status == "paid":
        return "Payée par virement" if session.payment_method == "bank_transfer" else "Payée par carte"
    if session.payment_status == "no_payment_required":
        return "Terminée, rien à payer"
    if session.deferred_outcome == "failed":
        return "Virement échoué"
    return "Virement en attente"


def _deliveries_html(deliveries: list[Delivery], enabled: bool) -> str:
    if not deliveries:
        return "<span class=meta>—</span>" if not enabled else "<span class=meta>en cours…</span>"
    items = "".join(
        f"<li class={'ok' if d.ok else 'ko'}>"
        f"{_e(d.status if d.status is not None else 'connexion impossible')} · "
        f"{datetime.fromtimestamp(d.at, PARIS).strftime('%H:%M:%S')}"
        f"{' · renvoi' if d.redelivery else ''}{' · essai ' + str(d.attempt) if d.attempt > 1 else ''}"
        f"<br><span class=meta>{_e(d.response[:120])}</span></li>"
        for d in deliveries
    )
    return f"<ul class=deliveries>{items}</ul>"


def _line_item(raw: Any, index: int) -> _LineItem:
    where = f"line_items[{index}]"
    item = _as_dict(raw, where)
    if item.get("price") not in (None, ""):
        raise FakeStripeError(
            400, f"The local Stripe simulation only supports {where}[price_data], not prices.", param=where
        )
    if item.get("quantity") in (None, ""):
        raise _missing(f"{where}[quantity]")
    quantity = _as_int(item["quantity"], f"{where}[quantity]")
    if quantity < 1:
        raise FakeStripeError(
            400, "This value must be greater than or equal to 1.", param=f"{where}[quantity]"
        )
    price = _as_dict(item.get("price_data"), f"{where}[price_data]")
    if not price:
        raise _missing(f"{where}[price_data]")
    currency = _optional_str(price, "currency")
    if currency is None:
        raise _missing(f"{where}[price_data][currency]")
    if not re.fullmatch(r"[a-zA-Z]{3}", currency):
        raise FakeStripeError(400, f"Invalid currency: {currency}", param=f"{where}[price_data][currency]")
    if price.get("unit_amount") in (None, ""):
        raise _missing(f"{where}[price_data][unit_amount]")
    unit_amount = _as_int(price["unit_amount"], f"{where}[price_data][unit_amount]")
    if unit_amount < 0:
        raise FakeStripeError(
            400, "This value must be greater than or equal to 0.", param=f"{where}[price_data][unit_amount]"
        )
    if price.get("product") not in (None, ""):
        raise FakeStripeError(
            400,
            f"The local Stripe simulation only supports {where}[price_data][product_data].",
            param=f"{where}[price_data][product]",
        )
    product = _as_dict(price.get("product_data"), f"{where}[price_data][product_data]")
    name = _optional_str(product, "name")
    if name is None:
        raise _missing(f"{where}[price_data][product_data][name]")
    return _LineItem(
        id=new_id("li_"),
        name=name,
        description=_optional_str(product, "description"),
        unit_amount=unit_amount,
        quantity=quantity,
        currency=currency.lower(),
    )


def _line_items_json(session: _Session) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [item.as_json() for item in session.line_items],
        "has_more": False,
        "url": f"/v1/checkout/sessions/{session.id}/line_items",
    }


def _url(data: Mapping[str, Any], name: str) -> str | None:
    value = _optional_str(data, name)
    if value is not None and urlsplit(value).scheme not in ("http", "https"):
        raise FakeStripeError(400, f"Not a valid URL: {value}", code="url_invalid", param=name)
    return value


def _expand_list(data: Mapping[str, Any]) -> set[str]:
    value = data.get("expand")
    if isinstance(value, list):
        return {str(item) for item in value}
    return {str(value)} if value else set()


def _snippet(body: bytes) -> str:
    return body[:SNIPPET_LENGTH].decode("utf-8", "replace")


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    return status, JSON_TYPE, body, dict(headers or {})


def _html(status: int, page: str) -> Response:
    return status, HTML_TYPE, page.encode("utf-8"), {}


def _redirect(location: str) -> Response:
    body = f'<!doctype html><p>Redirection vers <a href="{_e(location)}">{_e(location)}</a></p>'
    return 303, HTML_TYPE, body.encode("utf-8"), {"Location": location}


def _method_not_allowed() -> Response:
    status, content_type, body, _ = _html(
        405, _layout("Action non permise", "<p>Cette action se fait par un bouton de la page.</p>")
    )
    return status, content_type, body, {"Allow": "POST"}


def _layout(title: str, body: str, *, banner: bool = True) -> str:
    notice = (
        "<p class=banner role=note>Paiement simulé — aucun débit réel, aucune donnée bancaire demandée</p>"
        if banner
        else "<p class=banner role=note>Simulation locale de Stripe — aucun débit réel</p>"
    )
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{_e(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 40rem; padding: 1rem; color: #222; }}
  .banner {{ background: #fff4ce; border: 1px solid #e0c060; border-radius: .5rem; padding: .6rem .8rem;
    font-weight: 600; }}
  h1 {{ font-size: 1.4rem; }} h2 {{ font-size: 1.1rem; margin-top: 1.5rem; }}
  table {{ width: 100%; border-collapse: collapse; margin: 1rem 0; }}
  th, td {{ text-align: left; padding: .4rem .3rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
  .num {{ text-align: right; white-space: nowrap; }}
  tfoot th {{ font-size: 1.1rem; border-bottom: none; }}
  .meta {{ color: #555; font-size: .85rem; }}
  form {{ margin: .5rem 0; }}
  button {{ width: 100%; padding: .75rem; font-size: 1rem; border-radius: .5rem; border: 1px solid #888;
    background: #f5f5f5; cursor: pointer; }}
  button.primary {{ background: #635bff; border-color: #635bff; color: #fff; font-weight: 600; }}
  button.quiet {{ background: none; border-style: dashed; color: #555; }}
  td button {{ width: auto; padding: .3rem .6rem; font-size: .85rem; }}
  label {{ display: block; margin-bottom: .5rem; }}
  input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; margin-top: .25rem; }}
  .state {{ padding: .6rem .8rem; border-radius: .5rem; background: #eef; }}
  .state.ok, li.ok {{ color: #14532d; }} .state.ok {{ background: #e7f7ec; }}
  .state.ko, li.ko {{ color: #7f1d1d; }} .state.ko {{ background: #fdecec; }}
  ul.deliveries {{ margin: 0; padding-left: 1rem; }}
  code {{ font-size: .85rem; word-break: break-all; }}
</style>
</head>
<body>
{notice}
{body}
</body>
</html>
"""


# --- standalone server (tests) -------------------------------------------------------------------------


def serve_fake_stripe(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    public_url: str | None = None,
    webhook_url: str | None = None,
    secret_key: str = DEFAULT_SECRET_KEY,
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    **options: Any,
) -> tuple[FakeStripe, ThreadingHTTPServer]:
    """The simulation alone on ``host:port`` (0: a free port), served by a daemon thread. The SDK's base
    address is then ``fake.api_base``. Stop with ``server.shutdown(); server.server_close(); fake.close()``.
    ``options``: the other :class:`FakeStripe` arguments (``retry_delays``, ``clock``…)."""
    holder: list[FakeStripe] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-stripe"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            status, content_type, content, extra = holder[0].handle(
                self.command, split.path, split.query, self.headers, body
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_port = server.server_address[1]
    fake = FakeStripe(
        public_url=public_url or f"http://{host}:{bound_port}",
        webhook_url=webhook_url,
        secret_key=secret_key,
        webhook_secret=webhook_secret,
        **options,
    )
    holder.append(fake)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-stripe", daemon=True
    ).start()
    return fake, server
